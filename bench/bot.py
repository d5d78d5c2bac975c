"""Bench: many chats asking through the real Application and HTTP stack against the Bot API stand-in.

Each simulated chat is a closed loop (a user waits for the reply before asking the next question), so
latency is "question update queued → reply sent". Figures: answers per second, p50/p99 latency, lost
messages (questions without a reply; target 0), peak RSS of this process (bot + stand-in together).

The AIORateLimiter's overall rate is raised for the bench (Telegram's real 30 msg/s limit would
otherwise be the only thing measured); pass --telegram-rate 30 to see the bot under the real limit.

    .venv/bin/python bench/bot.py --chats 500 --questions 10 --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import build_application, start, stop  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage.db import create_all, get_engine, session_scope  # noqa: E402
from storage.models import Agency, IndicatorValue, Report  # noqa: E402
from tests.botapi import BotApiStandin, Call  # noqa: E402

INDICATORS = [("apply.received.total", "收到申请数", "件"), ("review.total", "行政复议", "件"),
              ("litigation.total", "行政诉讼", "件")]
QUESTION_WORDS = {"apply.received.total": "依申请数", "review.total": "行政复议数量",
                  "litigation.total": "行政诉讼数量"}
YEARS = (2019, 2020, 2021)


def fill_store(engine, n_agencies: int) -> list[str]:
    """Sample agencies and values inserted directly (bench data, not real reports); returns questions."""
    questions = []
    with session_scope(engine) as s:
        for i in range(n_agencies):
            name = f"样例市第{i + 1}区人民政府"
            agency = Agency(name=name, kind="people_gov", region_path=f"样例省/样例市/第{i + 1}区",
                            region=f"第{i + 1}区")
            s.add(agency)
            s.flush()
            for year in YEARS:
                rep = Report(agency_id=agency.id, year=year, template="2021", title=f"{name}{year}年政府信息公开工作年度报告",
                             file_name=f"sample_{i}_{year}.txt", file_hash=f"{i:08d}{year}")
                s.add(rep)
                s.flush()
                for j, (key, label, unit) in enumerate(INDICATORS):
                    value = (i * 7 + year + j * 13) % 97
                    s.add(IndicatorValue(report_id=rep.id, indicator=key, value=value, value_text=value, unit=unit, line_no=40 + j,
                                         line_text=f"{label}\t{value}", section="三", row_label=label))
                    questions.append(f"{name} {year} {QUESTION_WORDS[key]}")
    return questions


class Driver:
    """Runs in the stand-in's thread: on each reply to a chat, push that chat's next question."""

    def __init__(self, api: BotApiStandin, chats: int, per_chat: int, questions: list[str]) -> None:
        self.api = api
        self.per_chat = per_chat
        self.questions = questions
        self.asked = {c: 0 for c in range(1, chats + 1)}
        self.pushed_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.answered = 0
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.total = chats * per_chat

    def question_for(self, chat: int, k: int) -> str:
        return self.questions[(chat * 31 + k * 17) % len(self.questions)]

    def push(self, chat: int) -> None:
        k = self.asked[chat]
        self.asked[chat] = k + 1
        self.pushed_at[chat] = time.monotonic()
        self.api.push_message(chat + 10_000, self.question_for(chat, k), user_id=chat + 10_000)

    def on_call(self, call: Call) -> None:
        if call.method != "sendMessage" or not call.ok or call.chat_id is None:
            return
        chat = call.chat_id - 10_000
        with self.lock:
            if chat not in self.pushed_at:
                return
            self.latencies.append(call.at - self.pushed_at.pop(chat))
            self.answered += 1
            if self.asked[chat] < self.per_chat:
                self.push(chat)
            if self.answered >= self.total:
                self.done.set()

    def start(self) -> None:
        with self.lock:
            for chat in self.asked:
                self.push(chat)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def bench(args: argparse.Namespace) -> dict:
    tmp = tempfile.mkdtemp(prefix="bench-bot-")
    engine = get_engine(args.database_url or f"sqlite:///{tmp}/bench.db")
    create_all(engine)
    questions = fill_store(engine, args.agencies)
    from query.engine import Answerer

    answerer = Answerer(engine)
    # TCP_NODELAY on the stand-in's sockets, as on Telegram's servers: without it http.server's separate
    # header/body writes wait for the client's delayed ACK, 40+ ms on every Bot API call (a stand-in artefact)
    BaseHTTPRequestHandler.disable_nagle_algorithm = True
    with BotApiStandin() as api:
        settings = Settings(_env_file=None, telegram_bot_token="1:BENCH", telegram_base_url=api.base_url,
                            telegram_base_file_url=api.base_file_url, polling_timeout=1,
                            questions_per_minute=10_000, rate_overall_per_second=args.telegram_rate,
                            concurrent_updates=args.concurrency)
        app = build_application(settings, answerer, engine=engine, today=lambda: date(2022, 6, 1))
        await start(app, timeout=1)
        driver = Driver(api, args.chats, args.questions, questions)
        api.subscribe(driver.on_call)
        t0 = time.monotonic()
        driver.start()
        deadline = t0 + args.timeout
        while not driver.done.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - t0
        await stop(app)
        wrong = [c for c in api.calls("sendMessage", ok=True) if "样例市" not in c.text]
    lost = driver.total - driver.answered
    return {
        "chats": args.chats, "questions_per_chat": args.questions, "questions": driver.total,
        "answered": driver.answered, "lost_messages": lost, "replies_without_number": len(wrong),
        "seconds": round(elapsed, 2), "answers_per_second": round(driver.answered / elapsed, 1),
        "latency_p50_ms": round(pct(driver.latencies, 0.50) * 1000, 1),
        "latency_p99_ms": round(pct(driver.latencies, 0.99) * 1000, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "telegram_rate_limit_per_s": args.telegram_rate, "concurrent_updates": args.concurrency,
        "store": "postgresql" if args.database_url and "postgres" in args.database_url else "sqlite",
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--chats", type=int, default=500)
    p.add_argument("--questions", type=int, default=10)
    p.add_argument("--agencies", type=int, default=60)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--telegram-rate", type=float, default=10_000.0)
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--database-url", default=None)
    p.add_argument("--json", dest="json_path", default=None)
    args = p.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(bench(args))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if result["lost_messages"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
