"""`disclosure-bot`: the command line. Every command works on the store named by DATABASE_URL
(default: a SQLite file under ./data/) and checks its schema first.

    disclosure-bot ingest PATH...            store reports (files or folders), print what happened
    disclosure-bot history AGENCY YEAR       every stored version of a report; restore brings one back
    disclosure-bot export [--json|--csv] [--findings]   every stored number, one JSON object per line (or CSV)
    disclosure-bot findings [AGENCY] [YEAR]  a report's findings (identities, missing rows, cross-year, magnitude)
    disclosure-bot ask [--json] [--today D] [QUESTION]   answer one question, or one per stdin line
    disclosure-bot run                       the Telegram bot (terminal chat when no token is set)
    disclosure-bot chat                      the bot in this terminal (stdin → stdout)
    disclosure-bot migrate                   upgrade the store's schema
    disclosure-bot samples                   load the generated sample corpus into an empty store
    disclosure-bot import-agencies CSV       the list of bodies that must publish (for reminders)
    disclosure-bot due [--today D]           which reports are due or overdue

Exit codes: 0 ok; 1 a file was rejected or the command failed; 2 usage error. Errors are one clear
line on stderr; `--debug` adds the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from bot import cli_audit, cli_harvest, cli_ingest
from bot.logs import RedactingFilter, known_secrets

log = logging.getLogger("disclosure_bot.cli")

class CliError(Exception):
    """A failure to report as one line (exit code 1), not as a traceback."""


class UsageError(CliError):
    """Bad arguments (exit code 2)."""


class _NoTraceback(logging.Formatter):
    """Library code logs exceptions with tracebacks for operators; the CLI shows one line unless --debug."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)
        record.exc_info = None
        record.exc_text = None
        return super().format(record)


def _setup_logging(debug: bool, settings=None) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_disclosure_cli", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._disclosure_cli = True  # type: ignore[attr-defined]
    fmt = "%(levelname)s %(name)s: %(message)s"
    handler.setFormatter(logging.Formatter(fmt) if debug else _NoTraceback(fmt))
    # the same secret masking as the bot's logs (tokens, database passwords), from the settings read once
    handler.addFilter(RedactingFilter(known_secrets(settings)))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    for noisy in ("httpx", "httpcore", "alembic", "pdfminer"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from err


# --------------------------------------------------------------------------- store


def _store_url(args: argparse.Namespace) -> str:
    """--database-url, else DATABASE_URL as the bot reads it (environment, then .env), else the default —
    one resolution for every command (bot.settings.Settings.store_url → storage.db.database_url)."""
    from storage.db import database_url

    settings = getattr(args, "settings", None)
    if settings is not None:
        return settings.store_url(args.database_url)
    return database_url(args.database_url)  # invalid unrelated settings must not stop `ingest`; `run` says so


def _engine(args: argparse.Namespace, *, check_schema: bool = True):
    from storage.db import get_engine

    engine = get_engine(_store_url(args))
    if check_schema:
        from storage.migrate import SchemaError, ensure_schema

        try:
            ensure_schema(engine)
        except SchemaError as err:
            raise CliError(str(err)) from err
    return engine


# --------------------------------------------------------------------------- commands


def cmd_export(args: argparse.Namespace) -> int:
    from storage.export import write_csv, write_findings_json, write_json_lines

    engine = _engine(args)
    out: TextIO
    close = False
    if args.output and args.output != "-":
        out = open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        close = True
    else:
        out = sys.stdout
    try:
        n = write_csv(engine, out) if args.csv else write_json_lines(engine, out)
        if getattr(args, "findings", False) and not args.csv:
            n += write_findings_json(engine, out)
        out.flush()
    finally:
        if close:
            out.close()
    if close:
        print(f"导出 {n} 行到 {args.output} (exported {n} rows)", file=sys.stderr)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """The same service call and structured reply as the bot (outage handling included): `--json` prints
    service.render.json_record, plain prints service.render.terminal_text (what `chat` prints); errors are one
    line."""
    from query.engine import Answerer  # looked up at call time (tests swap the engine module)
    from reports import exact
    from service.answers import BotService
    from service.deadlines import ANSWERERS
    from service.errors import user_message
    from service.render import json_record, terminal_text
    from service.terminal_safe import for_terminal, json_for_terminal

    engine = _engine(args)
    svc = BotService(None, engine, Answerer(engine, answerers=ANSWERERS))  # the same answerers as chat/Telegram
    question = " ".join(args.question).strip()
    questions: Iterable[str] = [question] if question else sys.stdin
    rc = 0
    batch_context: dict | None = {} if not question and not args.chat_key else None  # follow-ups within stdin
    for raw in questions:
        q = raw.strip()
        if not q:
            continue
        try:
            reply = svc.reply_sync(q, args.chat_key, today=args.today, context=batch_context)
        except Exception as err:  # noqa: BLE001 - one bad question must not end a batch
            log.error("ask failed for %r: %s", q, err, exc_info=True)
            rc = 1
            payload = {"status": "error", "answers": [], "candidates": [], "text": user_message(err, engine), "question": q}
            print(json_for_terminal(json.dumps(payload, ensure_ascii=False)) if args.json
                  else for_terminal(payload["text"]), flush=True)
            continue
        answer = reply.answer
        if batch_context is not None and answer is not None and answer.status in {"ok", "no_data"} and answer.context:
            batch_context = {k: v for k, v in answer.context.items() if k != "save"}
        if args.json:
            data = json_record(reply)
            data["question"] = data.get("question") or q
            print(json_for_terminal(exact.dumps(data, ensure_ascii=False)), flush=True)  # exact digits
        else:
            print(for_terminal(terminal_text(reply)), flush=True)
            if not question:
                print(flush=True)
    return rc


def _load_settings(args: argparse.Namespace) -> None:
    """Read the settings once per command (args.settings; None and args.settings_error when invalid)."""
    from bot.settings import Settings

    try:
        args.settings, args.settings_error = Settings(), None
    except Exception as err:  # noqa: BLE001 - pydantic ValidationError: reported by the commands that need them
        args.settings, args.settings_error = None, err


def _settings(args: argparse.Namespace):
    if args.settings is None:
        raise CliError(f"配置错误 (invalid settings): {args.settings_error}")
    if args.database_url:
        args.settings.database_url = args.database_url
    return args.settings


def _chat(args: argparse.Namespace, settings) -> int:
    from bot.terminal import chat

    engine = _engine(args)
    chat(sys.stdin, sys.stdout, settings=settings, engine=engine)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.telegram_bot_token:
        print(
            "未设置 TELEGRAM_BOT_TOKEN，改为在终端里对话 (no TELEGRAM_BOT_TOKEN: starting the terminal chat)",
            file=sys.stderr,
        )
        return _chat(args, settings)
    _engine(args)  # schema check with a clear message before the bot starts
    from bot.app import run

    run(settings)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    settings = _settings(args)
    return _chat(args, settings)


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import redact
    from storage.migrate import SchemaError, migrate

    engine = _engine(args, check_schema=False)
    try:
        before, after = migrate(engine)
    except SchemaError as err:
        raise CliError(str(err)) from err
    where = redact(str(engine.url))
    if before == after:
        print(f"数据库结构已是最新 (schema is at {after}) · {where}")
    else:
        print(f"数据库结构已升级 (schema upgraded {before or 'empty'} → {after}) · {where}")
    return 0


def cmd_samples(args: argparse.Namespace) -> int:
    if getattr(args, "store", None):  # a store of its own, so fictional data never mixes with real
        store = args.store
        args.database_url = store if "://" in store else f"sqlite:///{Path(store).resolve()}"
        if "://" not in store:
            Path(store).resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(args)
    import bot.samples as samples  # a missing module is an import error (rc 1), never a silent skip

    result = samples.ensure_samples(engine)
    if result is None:
        print("库里已有报告，未加载样例 (the store already has reports; samples not loaded)")
    elif hasattr(result, "render"):
        print("已加载生成的样例报告 (loaded the generated SAMPLE corpus):")
        print(result.render())
        if getattr(result, "rejected", None):  # a generator/parser bug; warn, but let `make run` go on
            print(f"警告：{len(result.rejected)} 个样例文件被拒绝 (sample files rejected)", file=sys.stderr)
    else:
        print(result)
    return 0


def cmd_import_agencies(args: argparse.Namespace) -> int:
    from reminders.registry import RegistryError, import_agencies

    path = Path(args.csv)
    if not path.is_file():
        raise CliError(f"找不到 {path} (no such file)")
    try:
        summary = import_agencies(_engine(args), path)
    except RegistryError as err:
        for problem in err.problems[:50]:
            print(problem, file=sys.stderr)
        raise CliError(f"{path}: {len(err.problems)} 处错误，未导入任何单位 (nothing imported)") from None
    print(f"导入单位：{summary.render()}")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    """Which bodies' reports are due/overdue as of --today (reminders.planner, printed as plain text)."""
    from reminders.planner import due_text
    from reports.markup import strip_html

    engine = _engine(args)
    today = args.today or _today_shanghai()
    scope, target = (
        ("region", args.region) if args.region else ("agency", args.agency) if args.agency else ("all", "")
    )
    out = due_text(engine, today, scope=scope, target=target) if scope != "all" else due_text(engine, today)
    print(strip_html(out))
    return 0


def _today_shanghai() -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="disclosure-bot",
        description="政府信息公开工作年度报告 chat-ops bot: ingest reports, answer questions, run the Telegram bot.",
    )
    p.add_argument(
        "--database-url", default=None, help="store URL (default: $DATABASE_URL or ./data/disclosure.db)"
    )
    p.add_argument("--debug", action="store_true", help="verbose logs and tracebacks")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    cli_ingest.register(sub)  # ingest, history, restore

    s = sub.add_parser("export", help="every stored number (JSON lines or CSV)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true", help="JSON lines (default)")
    g.add_argument("--csv", action="store_true", help="CSV with a header")
    s.add_argument("--output", "-o", default=None, help="file to write (default stdout)")
    s.add_argument("--findings", action="store_true", help="also one JSON line per report with its findings")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("ask", help="answer a question (or one per stdin line)")
    s.add_argument("question", nargs="*", metavar="QUESTION")
    s.add_argument("--json", action="store_true", help="the JSON answer contract, one object per line")
    s.add_argument("--today", type=_date, default=None, help="reference date for 今年/去年 (YYYY-MM-DD)")
    s.add_argument("--chat-key", default=None, help="keep follow-up context under this key (那2019年呢)")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("run", help="the Telegram bot (terminal chat when TELEGRAM_BOT_TOKEN is unset)")
    s.set_defaults(func=cmd_run)
    s = sub.add_parser("chat", help="the bot in this terminal: questions on stdin, answers on stdout")
    s.set_defaults(func=cmd_chat)
    s = sub.add_parser("migrate", help="create or upgrade the store's schema")
    s.set_defaults(func=cmd_migrate)
    s = sub.add_parser("samples", help="load the generated (fictional) SAMPLE corpus when the store is empty")
    s.add_argument("--store", default=None, help="store path or URL for the demo (e.g. data/demo.db)")
    s.set_defaults(func=cmd_samples)
    cli_harvest.register(sub)

    s = sub.add_parser(
        "import-agencies", help="import bodies that must publish (CSV: name,kind,region,first_year)"
    )
    s.add_argument("csv", metavar="CSV")
    s.set_defaults(func=cmd_import_agencies)

    s = sub.add_parser("due", help="reports due or overdue")
    s.add_argument("--today", type=_date, default=None, help="reference date (YYYY-MM-DD, Asia/Shanghai)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--region", default=None, help="only bodies under this place (e.g. 银川市)")
    g.add_argument("--agency", default=None, help="only this body")
    s.set_defaults(func=cmd_due)
    cli_audit.register(sub)
    from bot import cli_findings

    cli_findings.register(sub, _engine)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `disclosure-bot` console script; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return int(exit_.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    debug = args.debug or os.environ.get("DISCLOSURE_DEBUG", "") in {"1", "true"}
    _load_settings(args)
    _setup_logging(debug, args.settings)
    try:
        return int(args.func(args) or 0)
    except UsageError as err:
        print(f"disclosure-bot {args.command}: {err}", file=sys.stderr)
        return 2
    except CliError as err:
        print(f"disclosure-bot {args.command}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断 (interrupted)", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `export | head`: the reader left; not an error worth a message
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0
    except Exception as err:  # noqa: BLE001 - one clear line unless --debug
        if debug:
            raise
        from sqlalchemy.exc import OperationalError

        message = str(err).splitlines()[0] if str(err) else ""
        message = re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", message)  # never print a password
        if isinstance(err, OperationalError):
            from storage.db import redact

            where = redact(_store_url(args))
            message = re.sub(r"^\([\w.]+\) ", "", message)
            print(
                f"disclosure-bot {args.command}: 无法使用数据库 {where} (database error): {message}",
                file=sys.stderr,
            )
        else:
            print(
                f"disclosure-bot {args.command}: 出错了 (error): {type(err).__name__}: {message}",
                file=sys.stderr,
            )
        print("加 --debug 查看详情 (rerun with --debug for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
