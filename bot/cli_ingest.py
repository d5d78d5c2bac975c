"""`disclosure-bot ingest`, `history` and `restore`: the command-line face of service.ingest.

    disclosure-bot ingest [--json] [--agency NAME] [--force] [--reparse] PATH...
    disclosure-bot history AGENCY YEAR        every stored version (dates in Asia/Shanghai, hashes)
    disclosure-bot restore AGENCY YEAR VERSION   make an older version current again (id or hash prefix)

With --json one line per file is printed as soon as that file is decided (so a long run can be
followed and nothing is lost when it is stopped); the summary always ends a run, on stderr with --json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _result_json(r: Any) -> str:
    return json.dumps(
        {
            "file": r.path or r.file_name,
            "outcome": r.outcome,
            "reason": r.reason,
            "agency": r.agency,
            "year": r.year,
            "template": r.template,
            "values": r.values,
            "findings": r.findings,
            "code": r.code,
        },
        ensure_ascii=False,
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from bot.cli import UsageError, _engine
    from service.audit import IngestScoring
    from service.ingest import files, ingest_paths
    from service.ingest.pipeline import check_agency

    try:
        check_agency(args.agency)
    except ValueError as err:
        raise UsageError(f"--agency: {err}") from err
    engine = _engine(args)
    for p in args.paths:
        if not Path(p).exists():
            print(f"找不到 {files.shown(p)} (no such file or folder)", file=sys.stderr)

    def stream(result: Any) -> None:
        print(_result_json(result), flush=True)

    scoring = IngestScoring(engine)  # the audit's scorecards, from the text the workers read (service.audit)
    summary = ingest_paths(
        engine,
        args.paths,
        progress=not args.no_progress and not args.quiet and not args.json,
        reparse=args.reparse,
        force=args.force,
        agency=args.agency,
        on_result=stream if args.json else None,
        on_text=scoring,
    )
    scoring.rest(summary.results)
    if args.json:
        print(summary.render(), file=sys.stderr)
    elif not args.quiet or summary.rejected:
        print(summary.render())
    return 1 if summary.rejected else 0


def cmd_history(args: argparse.Namespace) -> int:
    from bot.cli import CliError, _engine
    from storage.ingest import NoSuchReport, history

    try:
        versions = history(_engine(args), args.agency, args.year)
    except NoSuchReport as err:
        raise CliError(str(err)) from err
    for v in versions:
        when = v.ingested_at
        shown = when.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if when.tzinfo else str(when)
        if args.json:
            print(json.dumps({**vars(v), "ingested_at": shown}, ensure_ascii=False, default=str))
            continue
        mark = "* 当前 current" if v.current else ""
        print(
            f"{v.id:>5}  {shown}  sha256 {v.file_hash[:12]}  文本 text {v.text_hash[:12]}  {v.values} 项  {v.file_name}  {mark}"
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from bot.cli import CliError, _engine
    from storage.ingest import NoSuchReport, restore

    try:
        result = restore(_engine(args), args.agency, args.year, args.version)
    except NoSuchReport as err:
        raise CliError(str(err)) from err
    print(_result_json(result) if args.json else f"{result.outcome}: {result.reason}")
    return 0


def register(sub: Any) -> None:
    """Add ingest, history and restore to the `disclosure-bot` subcommands."""
    s = sub.add_parser("ingest", help="store report files or folders")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    s.add_argument("--json", action="store_true", help="one JSON object per file as it is decided")
    s.add_argument(
        "--reparse",
        action="store_true",
        help="parse files already stored again (after upgrading the parsers); changed ones are rewritten",
    )
    s.add_argument("--force", action="store_true", help="make an older file the current version again")
    s.add_argument("--agency", metavar="NAME", help="the body's full name, when the report does not say it")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("history", help="every stored version of one report")
    s.add_argument("agency", metavar="AGENCY")
    s.add_argument("year", type=int, metavar="YEAR")
    s.add_argument("--json", action="store_true", help="one JSON object per version")
    s.set_defaults(func=cmd_history)

    s = sub.add_parser("restore", help="make an older version of a report current again")
    s.add_argument("agency", metavar="AGENCY")
    s.add_argument("year", type=int, metavar="YEAR")
    s.add_argument("version", metavar="VERSION", help="version id or file hash prefix (see history)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_restore)
