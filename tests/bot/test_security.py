"""Security through the real Application and the Bot API stand-in: upload size limits enforced before any
download, HTML/Markdown in agency names, report lines, file names and questions rendered harmless in
every HTML text the bot sends, admin-only commands refused to others, and no secret in any log line.

Already covered elsewhere (not repeated here): forged and replayed callback data through the stand-in
(tests/handlers/test_buttons.test_paging_and_forged_buttons), webhook calls with a wrong or no secret through the
real webhook server (test_webhook_and_units), non-admin /subscribe and /summary in groups
(tests/reminders/test_handlers), redaction unit cases (tests/test_logs.py).
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from query.engine import Answerer
from reminders.registry import import_agencies
from service.ingest import ingest_paths
from tests.bot.conftest import ADMIN, USER, run_bot
from tests.handlers.doubles import ScriptedAnswerer
from tests.storage.test_ingest import dump
from tools.samples import write_samples

pytestmark = pytest.mark.pg

GROUP = -100777
# Everything a name or a line could carry to break out of Telegram HTML (or Markdown, were it used).
EVIL = '<b>粗</b><a href="http://evil.example/">链</a></code>&amp;*_[x](y)<script>alert(1)</script>'
HEXI = f"临江市河西区{EVIL}审批服务管理局"
EDU = f"临江市{EVIL}教育局"
EVIL_FILE = "SAMPLE_<i>上传</i>&amp;*_[x](y)<script>.txt"  # an uploaded document's name (no "/")


# --------------------------------------------------------------------------- a Telegram HTML validator

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "blockquote", "tg-spoiler"}
ENTITIES = {"lt", "gt", "amp", "quot"}
_TAG = re.compile(r"</?(?:" + "|".join(sorted(ALLOWED | {"a", "span"})) + r")(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class TelegramHTML(HTMLParser):
    """Parses a text as Telegram's HTML parse mode would accept it; collects errors and the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k for k, _ in attrs}
        values = dict(attrs)
        if tag == "a":
            href = values.get("href") or ""
            if names - {"href"} or (href and not href.startswith(("https://t.me/", "tg://"))):
                self.errors.append(f"link not allowed: {attrs}")
        elif tag == "span":
            if values != {"class": "tg-spoiler"}:
                self.errors.append(f"span {attrs}")
        elif tag in {"code", "pre"}:
            if names - {"class"}:
                self.errors.append(f"{tag} {attrs}")
        elif tag in ALLOWED:
            if attrs and not (tag == "blockquote" and names == {"expandable"}):
                self.errors.append(f"{tag} with attributes {attrs}")
        else:
            self.errors.append(f"tag <{tag}> not allowed")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close {self.stack[-1:] or 'anything'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            self.errors.append(f"entity &{name};")
        self.parts.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.parts.append(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self.errors.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.errors.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.errors.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.errors.append("unknown declaration")


def check_html(text: str) -> str:
    """Assert `text` is valid Telegram HTML using only the bot's own tags; return its plain text."""
    parser = TelegramHTML()
    parser.feed(text)
    parser.close()
    assert not parser.errors, (parser.errors, text)
    assert not parser.stack, (f"unclosed {parser.stack}", text)
    # Every <, > and & outside our tags and the four entities must have been escaped.
    bare = _ENTITY.sub("", _TAG.sub("", text))
    assert not re.search(r"[<>&]", bare), (bare, text)
    return "".join(parser.parts)


def test_the_validator_itself_refuses_what_telegram_or_safety_would():
    assert check_html("<b>a</b> &lt;x&gt; <blockquote>q</blockquote> &#x27;") == "a <x> q '"
    for bad in (EVIL, "<b>a", "<b>a</i>", "a < b", "x &nbsp; y", '<a href="http://e.x/">l</a>', "<br/>",
                "<script>x</script>", "a & b"):
        with pytest.raises(AssertionError):
            check_html(bad)


# --------------------------------------------------------------------------- a store with hostile names


def _sample_texts(folder: Path) -> dict[str, bytes]:
    """Generated SAMPLE_ reports (not real data); the question-count row of each gets EVIL appended."""
    made = {p.name: p for p in write_samples(folder / "gen")}
    out = {}
    for name, enc in (
        ("SAMPLE_临江市河西区审批服务管理局_2019.txt", "utf-8"),
        ("SAMPLE_临江市河西区审批服务管理局_2020.txt", "utf-8"),
        ("SAMPLE_临江市教育局_2019.txt", "utf-8"),
        ("SAMPLE_临江市河西区审批服务管理局_2021_gbk.txt", "gbk"),
    ):
        text = made[name].read_bytes().decode(enc)
        row = "一、本年新收政府信息公开申请数量"
        assert row in text
        out[name] = text.replace(row, row + EVIL, 1).encode(enc)
    return out


@pytest.fixture
def hostile(engine, tmp_path):
    """Registry names carrying EVIL (import-agencies takes any text), reports whose lines carry it too."""
    texts = _sample_texts(tmp_path)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["name", "kind", "region", "aliases"])
    writer.writerow([HEXI, "department", "临江市/河西区", "临江市河西区审批服务管理局"])
    writer.writerow([EDU, "department", "临江市", "临江市教育局"])
    (tmp_path / "SAMPLE_registry.csv").write_text(buf.getvalue(), encoding="utf-8")
    import_agencies(engine, tmp_path / "SAMPLE_registry.csv")
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, name in enumerate(n for n in texts if "2021" not in n):
        (folder / f"SAMPLE_{i}_<b>&amp;*_[x](y).txt").write_bytes(texts[name])
    summary = ingest_paths(engine, [folder], progress=False)
    assert [r.outcome for r in summary.results] == ["stored"] * 3, summary.render()
    assert {r.agency for r in summary.results} == {HEXI, EDU}
    return engine, texts


@pytest.mark.asyncio
async def test_hostile_names_lines_and_file_names_are_shown_never_parsed(api, hostile):
    engine, texts = hostile
    upload = texts["SAMPLE_临江市河西区审批服务管理局_2021_gbk.txt"]

    async def ask(chat: int, text: str, **kw) -> object:
        mark = api.mark()
        api.push_message(chat, text, **kw)
        return await api.await_for(lambda c: c.method in {"sendMessage", "sendDocument"} and c.chat_id == chat,
                                   since=mark,
                                   timeout=20)

    async def scenario(app):
        answer = await ask(USER, "河西区审批局 2020 依申请数")
        assert HEXI in check_html(answer.text)
        await ask(USER, "/source")
        menu = await ask(USER, "临江市 2019 依申请数")
        labels = [b["text"] for b in menu.buttons if "callback_data" in b]
        assert len(labels) >= 2
        for label in labels:  # raw characters (button text is never parsed), possibly shortened with "…"
            assert HEXI.startswith(label.rstrip("…")) or EDU.startswith(label.rstrip("…")), label
        target = menu.buttons[[b["text"] for b in menu.buttons].index(labels[1])]
        mark = api.mark()
        api.push_callback(USER, USER, target["callback_data"], message_id=menu.result["message_id"])
        await api.await_for(lambda c: c.method == "editMessageText", since=mark)
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, since=mark, timeout=20)
        for command in ("/top 2019 依申请数", "/trend 河西区审批局 依申请数",
                        "/compare 河西区审批局 临江市教育局 2019 依申请数", "/report 河西区审批局 2020",
                        "/agencies 临江市", "/export", f"{EVIL} 2020 依申请数"):
            await ask(USER, command)
        for query in ("河西区审批局 2020 依申请数", "2019 依申请数 排名", "临江市 2019 依申请数"):
            mark = api.mark()
            api.push_inline_query(USER, query)
            await api.await_for(lambda c: c.method == "answerInlineQuery", since=mark, timeout=20)
        mark = api.mark()
        api.push_document(ADMIN, ADMIN, EVIL_FILE, upload)
        done = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN, since=mark,
                                   timeout=30)
        assert "已入库" in check_html(done.text), done.text
        await ask(ADMIN, "/due")
        await ask(ADMIN, "/summary")
        await ask(USER, f"/subscribe {EVIL}")

    await run_bot(api, engine, scenario, Answerer(engine), today=date(2022, 1, 31))

    html_texts: list[str] = []
    for call in api.calls(ok=True):
        # Markdown is never used, so *_[]() in names can never be read as markup.
        assert call.params.get("parse_mode") in {None, "HTML"}, (call.method, call.params.get("parse_mode"))
        if call.method in {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}:
            if call.params.get("parse_mode") == "HTML":
                html_texts.append(call.text)
            else:  # plain text: shown as is, so the raw characters are fine, but never our escapes
                assert "&lt;" not in call.text and "&amp;amp;" not in call.text, call.text
            for button in call.buttons:
                assert "&lt;" not in button["text"] and "&amp;" not in button["text"].replace(EVIL, "")
        if call.method == "answerInlineQuery":
            results = call.params["results"]
            assert results
            for r in results:
                content = r["input_message_content"]
                assert content.get("parse_mode") == "HTML"
                html_texts.append(content["message_text"])
                for plain in (r.get("title", ""), r.get("description", "")):
                    assert "&lt;" not in plain, plain  # titles are not parsed: no escapes shown to users
    plains = [check_html(t) for t in html_texts]
    shown = [p for p in plains if "alert(1)" in p or "evil.example" in p]
    for p in shown:  # wherever a hostile string shows, it shows whole: escaped once, unescaped to itself …
        # … or as the words we could not read, quoted without any of its markup characters
        assert EVIL in p or EVIL[:40] in p or re.search(r"「[A-Za-z0-9. ]*evil\.example[A-Za-z0-9. ]*」", p), p
    joined = "\n".join(plains)
    for expected in (HEXI, EDU, "一、本年新收政府信息公开申请数量" + EVIL, EVIL_FILE, "SAMPLE_1_<b>&amp;*_[x](y).txt"):
        assert expected in joined, expected
    assert sum(HEXI in p or EDU in p for p in plains) >= 10
    assert api.calls("editMessageText") and api.calls("answerInlineQuery")
    # The weekly digest (scheduled, not a command) lists the same names.
    from reminders.digest import weekly_digest_text, weekly_facts

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    monday = today - timedelta(days=today.weekday())
    digest = weekly_digest_text(engine, weekly_facts(engine, monday), monday)
    assert digest is not None and HEXI in check_html(digest)
    # The scheduled reminder and overdue notices (the EDU report for 2021 is missing).
    from reminders.planner import render_outstanding
    from reminders.registry import outstanding

    items = outstanding(engine, 2021)
    for kind in ("reminder", "overdue"):
        assert EDU in check_html(render_outstanding(items, 2021, date(2022, 2, 7), kind=kind))


# --------------------------------------------------------------------------- upload size limits


class FileLog:
    """Records every file download from the stand-in (GET /file/bot<token>/<path> is not a Bot API call)."""

    def __init__(self, api) -> None:
        self.paths: list[str] = []
        real = api.file_by_path

        def recording(path: str):
            self.paths.append(path)
            return real(path)

        api.file_by_path = recording


def _document_update(api, data: bytes, name: str, *, announce: bool) -> None:
    """Like api.push_document, but the message (and getFile, unless `announce`) carry no file_size."""
    with api._cond:
        n = next(api._file_ids)
        file_id = f"NOSIZE{n:06d}"
        api.files[file_id] = (f"documents/nosize_{n}.txt", bytes(data))
        msg = api._base_message(ADMIN, "private", ADMIN, None)
    msg["document"] = {"file_id": file_id, "file_unique_id": f"U{file_id}", "file_name": name,
                       "mime_type": "text/plain"}
    real = api._result

    def result(method, params, files):
        out = real(method, params, files)
        if method == "getFile" and not announce and isinstance(out, dict):
            out = {k: v for k, v in out.items() if k != "file_size"}
        return out

    api._result = result
    api.push_update({"message": msg})


LIMIT_MB = 1
TOO_BIG = b"x" * (LIMIT_MB * 1024 * 1024 + 1)


@pytest.mark.asyncio
async def test_an_announced_oversized_upload_is_refused_before_getfile(api, engine):
    files = FileLog(api)
    before = dump(engine)

    async def scenario(app):
        api.push_document(ADMIN, ADMIN, "big.txt", TOO_BIG)
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN)
        assert f"{LIMIT_MB} MB" in reply.text and "已拒绝" in reply.text

    await run_bot(api, engine, scenario, ScriptedAnswerer({}), max_upload_mb=LIMIT_MB)
    assert api.calls("getFile") == [] and files.paths == []
    assert dump(engine) == before


@pytest.mark.asyncio
async def test_size_announced_only_by_getfile_is_refused_before_the_download(api, engine):
    files = FileLog(api)
    before = dump(engine)

    async def scenario(app):
        _document_update(api, TOO_BIG, "big.txt", announce=True)
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN)
        assert f"{LIMIT_MB} MB" in reply.text

    await run_bot(api, engine, scenario, ScriptedAnswerer({}), max_upload_mb=LIMIT_MB)
    assert len(api.calls("getFile")) == 1 and files.paths == []
    assert dump(engine) == before


@pytest.mark.asyncio
async def test_an_unannounced_oversized_download_is_cut_off_and_nothing_is_stored(api, engine, monkeypatch):
    from handlers import ingest as handler

    files = FileLog(api)
    before = dump(engine, skip=("ingest_event", "app_meta"))
    received: list[int] = []
    real_capped = handler.download_capped

    async def measured(tg_file, limit):
        try:
            data = await real_capped(tg_file, limit)
        except handler.TooLarge:
            received.append(-1)
            raise
        received.append(len(data))
        return data

    monkeypatch.setattr(handler, "download_capped", measured)

    async def scenario(app):
        _document_update(api, TOO_BIG, "big.txt", announce=False)
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN)
        assert f"{LIMIT_MB} MB" in reply.text and "已拒绝" in reply.text
        mark = api.mark()
        _document_update(api, b"small but not a report", "small.txt", announce=False)
        small = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN, since=mark)
        assert "已拒绝" in small.text  # under the limit: downloaded and given to the parser

    await run_bot(api, engine, scenario, ScriptedAnswerer({}), max_upload_mb=LIMIT_MB)
    assert len(files.paths) == 2 and received == [-1, len(b"small but not a report")]
    # app_meta: the reminder leader's lease, written 2 s after start whatever the uploads do (the upload
    # now parses in a limited worker process, whose first start can take the scenario past those 2 s)
    assert dump(engine, skip=("ingest_event", "app_meta")) == before


# --------------------------------------------------------------------------- admin-only, on the real path


@pytest.mark.asyncio
async def test_admin_commands_and_uploads_are_refused_to_others_without_any_download(api, engine):
    files = FileLog(api)
    before = dump(engine)
    data = b"SAMPLE report text"

    async def scenario(app):
        for text in ("/stats", "/ingest"):
            mark = api.mark()
            api.push_message(USER, text)
            reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, since=mark)
            assert "管理员" in reply.text and "库" not in reply.text.replace("入库", ""), reply.text
        mark = api.mark()
        api.push_document(GROUP, USER, "r.txt", data, caption="/ingest", chat_type="supergroup")
        refused = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == GROUP, since=mark)
        assert "管理员" in refused.text
        mark = api.mark()
        api.push_message(ADMIN, "/stats")  # the same command works for an admin
        stats = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN, since=mark)
        assert "运行" in stats.text

    await run_bot(api, engine, scenario, ScriptedAnswerer({}))
    assert api.calls("getFile") == [] and files.paths == []
    assert dump(engine) == before


# --------------------------------------------------------------------------- no secret in any log line

REAL_LOOKING_TOKEN = "7123456789:AAHk3x_Zq-9vLmNoPqRsTuVwXyZ0123456789ab"
SIGNING = "cb-signing-key-0815-security"


@pytest.fixture
def captured_logs(monkeypatch):
    """The production logging set-up (secrets read from the environment) at DEBUG, into a buffer."""
    from bot.logs import setup_logging

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", REAL_LOOKING_TOKEN)
    monkeypatch.setenv("CALLBACK_SECRET", SIGNING)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    libs = {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "apscheduler", "hpack", "telegram")}
    buf = io.StringIO()
    setup_logging("DEBUG", stream=buf)
    for name in ("httpx", "httpcore", "telegram"):  # as if someone turned the chatty libraries up
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield buf
    for h in list(root.handlers):
        if h not in saved[0]:
            root.removeHandler(h)
    root.setLevel(saved[1])
    for name, level in libs.items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)


@pytest.mark.asyncio
async def test_no_token_or_secret_in_logs_or_admin_messages_on_the_real_path(api, engine, captured_logs):
    async def scenario(app):
        api.push_message(USER, "boom")  # a handler crash: traceback logged and sent to the admin
        await api.await_for(lambda c: c.chat_id == ADMIN and "错误" in c.text, timeout=20)
        api.inject(500, method="sendMessage", chat_id=USER, count=1)
        mark = api.mark()
        api.push_message(USER, "hello")
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER and c.ok, since=mark,
                            timeout=20)
        mark = api.mark()
        api.file_by_path = lambda path: None  # the download fails: 404 from the file server
        api.push_document(ADMIN, ADMIN, "gone.txt", b"data")
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN, since=mark, timeout=20)

    await run_bot(api, engine, scenario, ScriptedAnswerer({}), telegram_bot_token=REAL_LOOKING_TOKEN,
                  callback_secret=SIGNING)
    lines = [ln for ln in captured_logs.getvalue().splitlines() if ln.strip()]
    assert len(lines) > 20 and any("error" in ln.lower() for ln in lines)
    secret_part = REAL_LOOKING_TOKEN.split(":")[1]
    for line in lines:
        assert secret_part not in line and SIGNING not in line, line
    for call in api.calls():
        text = call.text
        assert secret_part not in text and SIGNING not in text, (call.method, text)


# --------------------------------------------------------------------------- CSV opened in a spreadsheet

FORMULA_NAMES = ("=HYPERLINK(1,2).txt", "@SUM(A1).txt", "+1+2.txt", "-3+4.txt")


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


@pytest.mark.asyncio
async def test_csv_exports_never_start_a_text_cell_with_a_formula(api, engine, tmp_path):
    """/export (Telegram) and `disclosure-bot export --csv`: file names from uploads are free text."""
    from service.ingest import ingest_bytes
    from storage.export import write_csv

    made = {p.name: p for p in write_samples(tmp_path / "gen")}
    for name, sample in zip(FORMULA_NAMES, ("SAMPLE_临江市教育局_2019.txt", "SAMPLE_临江市人民政府_2020.txt",
                                            "SAMPLE_临江市河西区审批服务管理局_2020.txt",
                                            "SAMPLE_临江市城关区人民政府_2020.txt"), strict=True):
        assert ingest_bytes(engine, made[sample].read_bytes(), name).outcome == "stored"

    async def scenario(app):
        api.push_message(USER, "2020 依申请数 排名")
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, timeout=20)
        api.push_message(USER, "/export")
        await api.await_for(lambda c: c.method == "sendDocument" and c.chat_id == USER, timeout=20)

    await run_bot(api, engine, scenario, Answerer(engine))
    sent = api.calls("sendDocument", chat_id=USER)[0].files["document"][1].decode("utf-8")
    buf = io.StringIO()
    write_csv(engine, buf)
    for text in (sent, buf.getvalue()):
        cells = _cells(text)
        assert any(c.startswith("'=HYPERLINK") or c.startswith("'+1+2") for c in cells), text[:500]
        for cell in cells:
            if cell[:1] in {"=", "+", "@"} or (cell.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", cell)):
                pytest.fail(f"formula-like cell {cell!r}")


# --------------------------------------------------------------------------- webhook without a secret


@pytest.mark.asyncio
async def test_webhook_mode_without_a_configured_secret_still_refuses_unsigned_updates(api, engine):
    import asyncio

    from bot.app import build_application, run_webhook
    from tests.bot.conftest import bot_settings
    from tests.bot.test_webhook_and_units import free_port

    port = free_port()
    settings = bot_settings(api, webhook_url=f"http://127.0.0.1:{port}/tg/hook", webhook_secret="",
                            port=port, webhook_listen="127.0.0.1")
    statuses: list[int] = []

    app = build_application(settings, ScriptedAnswerer({}), engine=engine, today=lambda: date(2021, 1, 31))
    stop_event = asyncio.Event()
    task = asyncio.create_task(run_webhook(app, settings, stop_event))
    try:
        await api.await_until(lambda: api.webhook.get("url") == settings.webhook_url, 20)
        forged = {"update_id": 4242, "message": {
            "message_id": 1, "date": 0, "chat": {"id": ADMIN, "type": "private"},
            "from": {"id": ADMIN, "is_bot": False, "first_name": "not really the admin"}, "text": "/stats"}}
        statuses.append(await asyncio.to_thread(api.post_webhook, forged, ""))
        if statuses != [403]:  # accepted: wait for the forged admin's /stats to be answered
            await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN, timeout=20)
    finally:
        stop_event.set()
        await asyncio.wait_for(task, 20)

    assert statuses == [403] and api.calls("sendMessage", chat_id=ADMIN) == []
    assert api.webhook == {} or api.webhook.get("secret_token")  # some secret was registered with Telegram


@pytest.mark.asyncio
async def test_a_file_the_bot_api_will_not_serve_is_refused_politely(api, engine):
    """The cloud Bot API lets bots download 20 MB at most; with MAX_UPLOAD_MB above that getFile says so."""
    files = FileLog(api)
    before = dump(engine)

    async def scenario(app):
        api.inject(400, method="getFile", description="Bad Request: file is too big")
        api.push_document(ADMIN, ADMIN, "big.txt", b"pretend 30 MB")
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN)
        assert "20 MB" in reply.text and "已拒绝" in reply.text and "错误编号" not in reply.text

    await run_bot(api, engine, scenario, ScriptedAnswerer({}), max_upload_mb=30)
    assert files.paths == [] and dump(engine) == before
    assert [c.chat_id for c in api.calls("sendMessage")] == [ADMIN]  # no error report to admins either


@pytest.mark.asyncio
async def test_a_download_without_content_length_stops_at_the_limit(monkeypatch):
    """The stand-in sends Content-Length; a server that streams without it is cut off after the limit too."""
    from types import SimpleNamespace

    import httpx

    from handlers import ingest as handler

    sent: list[int] = []
    chunk = b"y" * 65536

    async def endless():
        while True:
            sent.append(len(chunk))
            yield chunk

    def respond(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/file/botTOKEN/documents/x.txt"
        return httpx.Response(200, content=endless())  # chunked: no Content-Length

    monkeypatch.setattr(handler, "_http_client", lambda: httpx.AsyncClient(transport=httpx.MockTransport(respond)))
    tg_file = SimpleNamespace(file_path="http://files.invalid/file/botTOKEN/documents/x.txt")
    limit = 1024 * 1024
    with pytest.raises(handler.TooLarge):
        await handler.download_capped(tg_file, limit)
    assert limit < sum(sent) <= limit + 2 * len(chunk)  # read just past the limit, then stopped

    def small(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"report bytes")

    monkeypatch.setattr(handler, "_http_client", lambda: httpx.AsyncClient(transport=httpx.MockTransport(small)))
    assert await handler.download_capped(tg_file, limit) == b"report bytes"

    def failing(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}")  # the URL holds the token

    monkeypatch.setattr(handler, "_http_client", lambda: httpx.AsyncClient(transport=httpx.MockTransport(failing)))
    with pytest.raises(handler.DownloadFailed) as err:
        await handler.download_capped(tg_file, limit)
    assert "TOKEN" not in str(err.value) and err.value.__cause__ is None
