"""`disclosure-bot findings [AGENCY] [YEAR]`: what is wrong with or missing from stored reports.

Lists per report the failed identities (勾稽关系), rows not found or not readable (completeness),
cross-year and magnitude findings, and how many cells carry no number, by why. `--json` numbers are
exact (10**30 + 1 as its 31 digits, never 1e+30): read them with json.loads(line, parse_float=Decimal).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from reports import exact
from storage.findings import ReportFindings, kind_of, report_findings

_KIND_ZH = {
    "identity": "勾稽",
    "completeness": "完整性",
    "cross_year": "跨年度",
    "magnitude": "数量级",
    "negative": "负数",
    "prose_vs_table": "正文与表格",
}
_STATE_ZH = {"blank": "空白", "mark": "印有符号", "unreadable": "读不出", "missing": "未找到"}


def render(item: ReportFindings) -> str:
    r = item.report
    head = f"{r.agency} {r.year} 年（{r.template}，{r.file_name}）：{len(item.findings)} 条"
    lines = [head]
    for f in item.findings:
        where = f"第{f.line_no}行 " if f.line_no else ""
        lines.append(f"  [{_KIND_ZH.get(kind_of(f.rule), kind_of(f.rule))}] {where}{f.message}")
    if item.gaps:
        gaps = " · ".join(f"{_STATE_ZH.get(s, s)} {n}" for s, n in sorted(item.gaps.items()))
        lines.append(f"  没有数字的格子：{gaps}")
    return "\n".join(lines)


def cmd_findings(args: argparse.Namespace, engine_of: Callable[[argparse.Namespace], Any]) -> int:
    agency, year = args.agency, args.year
    if agency is not None and year is None and agency.isdigit() and len(agency) == 4:
        agency, year = None, int(agency)  # `findings 2020`
    items = report_findings(engine_of(args), agency, year)
    if not items:
        what = " ".join(str(x) for x in (agency, year) if x is not None) or "库中"
        print(f"没有找到 {what} 的报告 (no stored report matches)")
        return 1
    for item in items:
        print(exact.dumps(item.to_json(), ensure_ascii=False) if args.json else render(item), flush=True)
    return 0


def register(sub: Any, engine_of: Callable[[argparse.Namespace], Any]) -> None:
    """Add the `findings` subcommand; `engine_of(args)` opens the store (schema checked)."""
    s = sub.add_parser(
        "findings", help="a report's findings: identities, missing rows, cross-year, magnitude"
    )
    s.add_argument("agency", nargs="?", default=None, metavar="AGENCY", help="body name, alias or part of it")
    s.add_argument("year", nargs="?", type=int, default=None, metavar="YEAR")
    s.add_argument("--json", action="store_true", help="one JSON object per report")
    s.set_defaults(func=lambda args: cmd_findings(args, engine_of))
