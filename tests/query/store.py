"""Small helpers that write Agency/Report/IndicatorValue rows directly (fast fixtures for the engine).

Why not always ingest: the answer engine must be testable without the parsers, and a hand-made store
lets a test say exactly which cells exist, which are blank and which bodies sit in which region.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from reports.catalogue import definition
from storage.db import session_scope
from storage.models import Agency, AgencyAlias, CellStateRow, IndicatorValue, Report, ReportFinding

REGIONS = {
    "银川市西夏区": "宁夏回族自治区/银川市/西夏区",
    "银川市兴庆区": "宁夏回族自治区/银川市/兴庆区",
    "银川市金凤区": "宁夏回族自治区/银川市/金凤区",
    "银川市": "宁夏回族自治区/银川市",
    "中卫市沙坡头区": "宁夏回族自治区/中卫市/沙坡头区",
    "中卫市": "宁夏回族自治区/中卫市",
    "石嘴山市惠农区": "宁夏回族自治区/石嘴山市/惠农区",
    "淮安市洪泽区": "江苏省/淮安市/洪泽区",
    "淮安市": "江苏省/淮安市",
}


def region_of(name: str) -> str:
    for prefix in sorted(REGIONS, key=len, reverse=True):
        if name.startswith(prefix):
            return REGIONS[prefix]
    return ""


def kind_of(name: str) -> str:
    return "people_gov" if name.endswith("人民政府") else "department"


@dataclass
class FakeReport:
    agency: str
    year: int
    template: str
    values: dict[str, float | None]
    file: str = ""
    region_path: str | None = None
    aliases: list[str] = field(default_factory=list)
    findings: list[tuple[str, str, list[str]]] = field(default_factory=list)  # rule, message, keys


def write_reports(engine: Engine, reports: Iterable[FakeReport]) -> None:
    """Store the reports (blank cells — None — get a "blank" cell state and no value, as the ingest does)."""
    with session_scope(engine) as s:
        agencies: dict[str, Agency] = {}
        for fr in reports:
            ag = agencies.get(fr.agency)
            if ag is None:
                from sqlmodel import select

                ag = s.exec(select(Agency).where(Agency.name == fr.agency)).first()
            if ag is None:
                rp = fr.region_path if fr.region_path is not None else region_of(fr.agency)
                ag = Agency(
                    name=fr.agency,
                    kind=kind_of(fr.agency),
                    region_path=rp,
                    region=rp.split("/")[-1] if rp else "",
                    first_year=fr.year,
                )
                s.add(ag)
                s.flush()
                for al in fr.aliases:
                    s.add(AgencyAlias(agency_id=ag.id, alias=al))
            agencies[fr.agency] = ag
            file = fr.file or f"{fr.agency}_{fr.year}.txt"
            title = f"{fr.agency}{fr.year}年政府信息公开工作年度报告"
            rep = Report(
                agency_id=ag.id,
                year=fr.year,
                template=fr.template,
                title=title,
                file_name=file,
                file_hash=hashlib.sha256(f"{file}{fr.year}".encode()).hexdigest(),
            )
            s.add(rep)
            s.flush()
            for i, (key, val) in enumerate(sorted(fr.values.items()), 1):
                d = definition(key, fr.template if fr.template != "narrative" else None)
                row = d.row_label if d else key
                if val is None:  # a blank cell printed in the table: its state, no value
                    s.add(CellStateRow(report_id=rep.id, indicator=key, state="blank", line_no=i + 10, line_text=row))
                    continue
                s.add(
                    IndicatorValue(
                        report_id=rep.id,
                        indicator=key,
                        value=float(val),
                        value_text=val,  # the exact number (ExactNumber writes its text)
                        unit=d.unit if d else "件",
                        line_no=i + 10,
                        line_text=f"{row}\t{val:g}",
                        origin="table" if d and fr.template != "narrative" else "prose",
                        section=d.section if d else "",
                        row_label=row,
                        column_label=d.column_label if d else "",
                    )
                )
            for rule, message, keys in fr.findings:
                s.add(
                    ReportFinding(
                        report_id=rep.id,
                        rule=rule,
                        message=message,
                        indicators=keys,
                        values={k: fr.values.get(k) for k in keys},
                    )
                )


def gold_reports(gold_dir: Path) -> list[FakeReport]:
    out = []
    for name in ("seeds.json", "extra.json"):
        data = json.loads((gold_dir / name).read_text(encoding="utf-8"))
        for r in data["reports"]:
            out.append(FakeReport(r["agency"], int(r["year"]), r["template"], r["values"], file=r["file"]))
    return out
