"""`disclosure-bot audit REGION YEAR [--xlsx FILE] [--json] [--today YYYY-MM-DD]`: the region's audit table
(every body due that year: published or not, days late, grade, main problems, worst first), and
`disclosure-bot check AGENCY YEAR [--json]`: one report's scorecard with every check's evidence (what /check
and its evidence buttons show in Telegram, on one screen for the terminal)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def cmd_audit(args: argparse.Namespace) -> int:
    from bot.cli import _engine
    from reminders.calendar import today_in_shanghai
    from service.audit import region_audit
    from service.audit_render import region_json, region_text, region_xlsx

    engine = _engine(args)
    today = args.today or today_in_shanghai()
    rows = region_audit(engine, args.region, args.year, today)
    if args.xlsx:
        Path(args.xlsx).write_bytes(region_xlsx(args.region, args.year, rows))
    if args.json:
        for item in region_json(args.region, args.year, rows):
            print(json.dumps(item, ensure_ascii=False))
    else:
        print(region_text(args.region, args.year, rows, limit=10_000))
    return 0 if rows else 1


def cmd_check(args: argparse.Namespace) -> int:
    from bot.cli import _engine
    from service.audit import find_card
    from service.audit_render import card_text, evidence_text

    found = find_card(_engine(args), args.agency, args.year)
    if found.card is None:
        print("\n".join([found.message, *(f"  {c}" for c in found.candidates)]))
        return 1
    if args.json:
        print(json.dumps(found.card.to_json(), ensure_ascii=False, default=str))
        return 0
    print(card_text(found.card))
    for check in found.card.checks:
        print()
        print(evidence_text(found.card, check.key, limit=50))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from bot.cli import _date

    s = sub.add_parser("check", help="one report's audit scorecard with the evidence of every check")
    s.add_argument("agency", metavar="AGENCY", help="body name, short name or place (西夏区)")
    s.add_argument("year", type=int, metavar="YEAR")
    s.add_argument("--json", action="store_true", help="the scorecard as one JSON object")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("audit", help="audit a region's reports of one year (timeliness, format, numbers, 雷同)")
    s.add_argument("region", metavar="REGION")
    s.add_argument("year", type=int, metavar="YEAR")
    s.add_argument("--xlsx", default=None, metavar="FILE", help="also write the workbook (a sheet per check)")
    s.add_argument("--json", action="store_true", help="one JSON object per body")
    s.add_argument("--today", type=_date, default=None, help="reference date for 'overdue' (YYYY-MM-DD)")
    s.set_defaults(func=cmd_audit)
