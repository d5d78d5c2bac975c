"""Issue 12, "one answer path": 30 questions over the shared reports asked through Telegram (the real
Application against the local Bot API stand-in), through `disclosure-bot ask --json`, plain
`disclosure-bot ask` and `disclosure-bot chat`; every front end must show the same numbers with the same
sources, because all of them draw on the same structured reply (service.reply) from the same service call
and render it with service/render.py.
"""

from __future__ import annotations

import html
import io
import json
from datetime import date

import pytest

from bot.cli import main
from bot.terminal import chat
from query.engine import Answerer
from service.ingest import ingest_paths
from service.lookups import list_agencies
from tests.bot.conftest import run_bot
from tests.conftest import SHARED_SPEC, require_shared

pytestmark = pytest.mark.pg

TODAY = date(2021, 1, 31)
N_QUESTIONS = 30
FIRST_USER = 7000


def _questions(engine) -> list[str]:
    """The shared spec's questions, then questions made from what the store holds (rankings, trends,
    one unknown body, single values), first N_QUESTIONS of them."""
    spec = SHARED_SPEC / "questions.jsonl"
    out = [json.loads(x)["q"] for x in spec.read_text(encoding="utf-8").splitlines() if x.strip()] \
        if spec.is_file() else []
    bodies = [a for a in list_agencies(engine) if a.years]
    years = sorted({y for a in bodies for y in a.years})
    out += [f"{y}年依申请数排名" for y in years[-2:]]
    out += [f"{a.name} 依申请数 趋势" for a in bodies[:2]]
    out.append("火星市测试局 2020 依申请数")
    for a in bodies:
        for y in a.years:
            out += [f"{a.name} {y} 依申请数", f"{a.name} {y} 行政复议数量"]
    unique = list(dict.fromkeys(out))
    assert len(unique) >= N_QUESTIONS, unique
    return unique[:N_QUESTIONS]


@pytest.fixture
def store(engine):
    summary = ingest_paths(engine, [require_shared()], progress=False)
    assert len(summary.stored) >= 8, summary.render()
    return engine


def _ask_json(url: str, question: str, capsys) -> dict:
    assert main(["--database-url", url, "ask", "--json", "--today", TODAY.isoformat(), question]) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if x.strip()]
    return json.loads(line)


def _ask_plain(url: str, question: str, capsys) -> str:
    assert main(["--database-url", url, "ask", "--today", TODAY.isoformat(), question]) == 0
    return capsys.readouterr().out


def _chat_text(engine, question: str, key: str) -> str:
    out = io.StringIO()
    answerer = Answerer(engine)
    chat(io.StringIO(question + "\n"), out, settings=bot_settings_offline(), answerer=answerer, engine=engine,
         chat_key=key)
    return out.getvalue()


def bot_settings_offline():
    from bot.settings import Settings

    return Settings(_env_file=None, telegram_bot_token="")


async def _telegram_texts(api, engine, questions: list[str]) -> list[str]:
    texts: list[str] = []

    async def scenario(app):
        for i, q in enumerate(questions):  # one user each: no follow-up context, no per-user limit
            user = FIRST_USER + i
            mark = api.mark()
            api.push_message(user, q)
            call = await api.await_for(lambda c, u=user: c.method == "sendMessage" and c.chat_id == u,
                                       timeout=20, since=mark)
            texts.append(html.unescape(call.text or ""))

    await run_bot(api, engine, scenario, Answerer(engine), today=TODAY)
    return texts


def _shows_the_same(front_end: str, question: str, text: str, data: dict) -> None:
    """Every number of the JSON reply, with its body and source line, is in `text` — and nothing more."""
    where = f"{front_end} / {question!r}"
    if data["status"] != "ok" or not data["answers"]:
        first = data["text"].strip().splitlines()[0]
        assert first in text, (where, first, text[:500])
        for label in data["candidates"][:8]:
            assert label in text, (where, label)
        assert "来源：" not in text, where
        return
    body = text.split("— 第 1/")[0]  # Telegram pages long replies; page 1 holds the first rows
    shown = [a for a in data["answers"] if a["agency"] in body][: body.count("来源：")]
    assert shown, (where, text[:500])
    for a in shown:
        assert a["agency"] in body and a["value_text"] in body, (where, a["agency"], a["value_text"])
        src = a["source"]
        if src:
            assert f"第 {src['line_no']} 行" in body, (where, src["line_no"])
    if "— 第 1/" not in text:
        assert body.count("来源：") == len(data["answers"]), (where, body.count("来源："), len(data["answers"]))


@pytest.mark.asyncio
async def test_telegram_ask_json_plain_ask_and_chat_show_the_same_numbers_and_sources(api, store, capsys):
    url = store.url.render_as_string(hide_password=False)
    questions = _questions(store)
    replies = [_ask_json(url, q, capsys) for q in questions]
    statuses = {r["status"] for r in replies}
    assert "ok" in statuses and statuses - {"ok"}, statuses  # numbers and at least one non-answer
    plain = [_ask_plain(url, q, capsys) for q in questions]
    chats = [_chat_text(store, q, f"x:{i}") for i, q in enumerate(questions)]
    telegram = await _telegram_texts(api, store, questions)
    for q, data, ask_text, chat_text, tg_text in zip(questions, replies, plain, chats, telegram, strict=True):
        _shows_the_same("ask", q, ask_text, data)
        _shows_the_same("chat", q, chat_text, data)
        _shows_the_same("telegram", q, tg_text, data)
        assert ask_text.strip() == data["text"].strip(), q  # plain `ask` prints the `text` of `ask --json`


def test_the_check_fails_when_a_front_end_shows_another_number():
    data = {"status": "ok", "text": "x", "candidates": [], "answers": [
        {"agency": "甲局", "value_text": "3 件", "source": {"line_no": 7}}]}
    _shows_the_same("chat", "q", "甲局 2020 年\n依申请数：3 件\n来源：报告 第 7 行", data)
    for wrong in ("甲局 2020 年\n依申请数：4 件\n来源：报告 第 7 行", "甲局 2020 年\n依申请数：3 件\n来源：报告 第 8 行"):
        with pytest.raises(AssertionError):
            _shows_the_same("chat", "q", wrong, data)
