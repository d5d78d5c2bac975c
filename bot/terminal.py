"""`disclosure-bot chat`: the bot's answer path in a terminal (what `make run` starts without a token).

One question per stdin line, the reply on stdout as plain text, exit at EOF. The same service call and the
same structured reply as Telegram (service.answers.BotService.reply_sync → service.render.terminal_text),
and the same listings (/agencies, /indicators, /report, /source, /export from service.listings).
Follow-ups work as in a chat: the context is kept in the store under one terminal key.
Only a one-line banner goes to stderr, so stdout stays clean for scripts.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from bot.settings import Settings
from handlers.commands import COMMANDS, FALLBACK_EXAMPLES, QUESTION_COMMANDS
from service import listings, ui_state
from service.answers import BotService
from service.errors import user_message
from service.format import Markup
from service.render import terminal_text

CHAT_KEY = "terminal:local"
PREFIXES = {f"/{c}": f" {word}" if word else "" for c, (word, _usage) in QUESTION_COMMANDS.items()}
TERMINAL_COMMANDS = {"ask", "compare", "top", "trend", "agencies", "indicators", "report", "source", "export"}


def _help() -> str:
    lines = ["直接输入问题，例如：" + FALLBACK_EXAMPLES[0], "可用命令："]
    lines += [f"  /{c} — {d}" for c, d in COMMANDS if c in TERMINAL_COMMANDS]
    return "\n".join(lines)


def _command(word: str, rest: str, svc: BotService, last: dict[str, Any] | None) -> str | None:
    """The reply to a listing command, or None when `word` is not one."""
    m = Markup(False)
    if word in {"/help", "/start"}:
        return _help()
    if word == "/agencies":
        return "\n\n".join(listings.agencies(svc.engine, rest, m).blocks)
    if word == "/indicators":
        return "\n\n".join(listings.indicators(rest, m).blocks)
    if word == "/report":
        return "\n\n".join(listings.report(svc.engine, rest, m).blocks)
    if word == "/source":
        return "\n\n".join(listings.source(last, m).blocks)
    if word == "/export":
        data = listings.export_csv(last)
        return listings.NO_EXPORT if data is None else data.decode("utf-8-sig").rstrip()
    return None


def chat(stdin: TextIO | None = None, stdout: TextIO | None = None, settings: Settings | None = None,
         answerer=None, engine=None, chat_key: str = CHAT_KEY) -> int:
    """Answer stdin line by line until EOF; returns the number of questions answered."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    settings = settings or Settings()
    from storage.db import redact

    if engine is None:
        from bot.app import _prepare_store

        engine = _prepare_store(settings)
    if answerer is None:
        from query.engine import Answerer
        from service.deadlines import ANSWERERS

        answerer = Answerer(engine, answerers=ANSWERERS)
    svc = BotService(settings, engine, answerer)
    print(f"disclosure-bot chat · 每行一个问题，Ctrl-D 退出 · 库 {redact(str(engine.url))}", file=sys.stderr)
    last: dict[str, Any] | None = None
    answered = 0
    for raw in stdin:
        line = raw.strip()
        if not line:
            continue
        word, _, rest = line.partition(" ")
        try:
            out = _command(word, rest.strip(), svc, last)
            if out is None and word.startswith("/") and word not in PREFIXES:
                out = "没有这个命令；发送 /help 查看可用命令，或直接输入问题。"
            if out is None:
                question = (rest + PREFIXES[word]).strip() if word in PREFIXES else line
                reply = svc.reply_sync(question, chat_key)
                answered += 1
                if reply.has_numbers and reply.answer is not None:
                    last = ui_state.answer_record(reply.answer)
                out = terminal_text(reply)
        except Exception as err:  # noqa: BLE001 - one bad question must not end the session
            out = user_message(err, svc.engine)
        stdout.write(out + "\n\n")
        stdout.flush()
    return answered
