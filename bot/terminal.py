"""`disclosure-bot chat`: the bot's answer path in a terminal (what `make run` starts without a token).

One question per stdin line, the reply on stdout as plain text (same formatter as Telegram, HTML off),
exit at EOF. Follow-ups work as in a chat: the context is kept in the store under one terminal key.
Only a one-line banner goes to stderr, so stdout stays clean for scripts.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.settings import Settings
from handlers.commands import COMMANDS, FALLBACK_EXAMPLES, QUESTION_COMMANDS
from service.answers import BotService
from service.format import Markup, paginate, render_answer, rows_to_csv, source_blocks

CHAT_KEY = "terminal:local"
PREFIXES = {f"/{c}": f" {word}" if word else "" for c, (word, _usage) in QUESTION_COMMANDS.items()}


def _help() -> str:
    lines = ["直接输入问题，例如：" + FALLBACK_EXAMPLES[0], "可用命令：/ask /compare /top /trend /source /export /help"]
    lines += [f"  /{c} — {d}" for c, d in COMMANDS if c in {"ask", "compare", "top", "trend", "source", "export"}]
    return "\n".join(lines)


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

        answerer = Answerer(engine)
    svc = BotService(settings, engine, answerer)
    print(f"disclosure-bot chat · 每行一个问题，Ctrl-D 退出 · 库 {redact(str(engine.url))}", file=sys.stderr)
    last = None
    answered = 0
    m = Markup(False)
    for raw in stdin:
        line = raw.strip()
        if not line:
            continue
        word, _, rest = line.partition(" ")
        if word in {"/help", "/start"}:
            out = _help()
        elif word == "/source":
            out = "\n\n".join(source_blocks(last.answers, m)) if last and last.answers else "还没有可以溯源的答案。"
        elif word == "/export":
            out = rows_to_csv(last.answers).decode("utf-8-sig").rstrip() if last and last.answers else "还没有可以导出的答案。"
        elif word.startswith("/") and word not in PREFIXES:
            out = "这个命令只在 Telegram 里可用；直接输入问题即可。"
        else:
            question = (rest + PREFIXES[word]).strip() if word in PREFIXES else line
            try:
                answer = svc.ask_sync(question, chat_key)
            except Exception as err:  # noqa: BLE001 - one bad question must not end the session
                out = f"出错了：{type(err).__name__}: {err}"
            else:
                answered += 1
                if answer.status == "ok" and answer.answers:
                    last = answer
                out = "\n\n".join(paginate(render_answer(answer, use_html=False).pages))
        stdout.write(out + "\n\n")
        stdout.flush()
    return answered
