"""Where a stored report came from: load the shipped starter dataset, and tag reports by source.

Why here: writing reports is storage's job (store_parsed), and every SQL statement lives in storage/.
The starter dataset (bot/data/starter.jsonl, built by tools/starter.py) holds figures and facts of
public reports, never their text, so its values carry no original line (line_text stays empty).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.models import Report

SOURCE_KINDS = ("sample", "starter", "ingested", "harvested")
REPORT = Report.__table__


def _parsed_from_record(rec: dict[str, Any]) -> SimpleNamespace:
    """The duck-typed ParsedReport store_parsed expects, rebuilt from one starter line."""
    ident = SimpleNamespace(
        agency=rec["agency"],
        year=int(rec["year"]),
        title=rec.get("title", ""),
        kind=rec.get("kind", "other"),
        region_path=list(rec.get("region_path", [])),
        aliases=list(rec.get("aliases", [])),
    )
    values = [
        SimpleNamespace(
            key=v["indicator"], value=v["value"], unit=v.get("unit", ""), line_no=v.get("line", 0),
            line_text="", origin=v.get("origin", "table"), section=v.get("section", ""),
            row_label=v.get("row", ""), column_label=v.get("column", ""),
        )
        for v in rec.get("values", [])
    ]
    findings = [
        SimpleNamespace(
            rule=f.get("rule", ""), message=f.get("message", ""), values=f.get("values", {}),
            expected=f.get("expected"), actual=f.get("actual"), line_no=f.get("line"),
        )
        for f in rec.get("findings", [])
    ]
    return SimpleNamespace(
        identity=ident, template=rec["template"], values=values, findings=findings,
        file_name=f"starter:{rec.get('file', '')}", file_hash=rec.get("sha256", ""), warnings=[],
    )


def read_records(path: Path) -> list[dict[str, Any]]:
    """The starter file's records; a broken line is an error naming the line (nothing half-loaded)."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line, parse_float=Decimal))  # exact: 0.69 stays 0.69
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{n}: not a JSON line ({err})") from err
    return out


def load_starter(engine: Engine, path: Path) -> list[Any]:
    """Store every starter report (one transaction) tagged source_kind=starter with URL and date."""
    from storage.ingest import store_parsed  # storage.ingest pulls in the parsers; only needed here

    results = []
    with Session(engine) as session:
        for rec in read_records(path):
            result = store_parsed(session, _parsed_from_record(rec))
            results.append(result)
            if result.report_id is not None and result.outcome != "unchanged":
                _tag(session, [result.report_id], "starter", rec.get("url", ""), rec.get("published", ""))
        session.commit()
    return results


def _tag(session: Session, report_ids: list[int], kind: str, url: str = "", published: str = "") -> None:
    values: dict[str, Any] = {"source_kind": kind}
    if url:
        values["source_url"] = url[:1000]
    if published:
        values["published_on"] = date.fromisoformat(published)
    session.connection().execute(update(REPORT).where(REPORT.c.id.in_(report_ids)).values(**values))


def mark_source(
    engine: Engine, report_ids: Iterable[int], kind: str, *, url: str = "", published: str = ""
) -> None:
    """Tag reports as sample/starter/ingested/harvested (and record their public URL and date)."""
    if kind not in SOURCE_KINDS:
        raise ValueError(f"unknown source kind {kind!r}; expected one of {SOURCE_KINDS}")
    ids = [int(i) for i in report_ids if i is not None]
    if not ids:
        return
    with Session(engine) as session:
        _tag(session, ids, kind, url, published)
        session.commit()
