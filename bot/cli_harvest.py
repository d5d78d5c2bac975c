"""CLI commands of the harvest area: `starter` (load the shipped real figures) and `harvest`.

Registered by bot/cli.py with one line (`cli_harvest.register(sub)`), so this area's commands live
in one module of their own.
"""

from __future__ import annotations

import argparse


def cmd_starter(args: argparse.Namespace) -> int:
    from bot.cli import _engine
    from bot.samples import STARTER_FILE, ensure_starter

    print("正在检查数据库 (checking the store)…", flush=True)
    results = ensure_starter(_engine(args), STARTER_FILE)
    if results is None:
        print("库里已有报告，未加载起步数据 (the store already has reports; starter dataset not loaded)")
        return 0
    stored = sum(1 for r in results if r.outcome in {"stored", "replaced"})
    print(
        f"已加载起步数据：{stored} 份公开年报的数字（不含原文）"
        f" (loaded the starter dataset: figures of {stored} public reports, no report text)"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this area's subcommands to the `disclosure-bot` parser."""
    s = sub.add_parser("starter", help="load the starter dataset (figures of real public reports) into an empty store")
    s.set_defaults(func=cmd_starter)
