"""Build the starter dataset (bot/data/starter.jsonl) from the public reports in ../shared.

Why: a fresh clone should answer real questions at once, but the project must not ship other people's
text. So this runs the project's own parser over ../shared/reports and keeps only facts: body, year,
template, indicator key, value, unit as printed, the official template's row/column labels, title,
line number, and the public URL / publication date from ../shared/SOURCES.md where known. Never the
lines themselves. `make starter` rebuilds it; tests/test_starter.py checks the committed file is current.

Run: python -m tools.starter [--shared ../shared] [--out bot/data/starter.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

from reports import exact
from reports.catalogue import definition
from reports.parse import parse_path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
DEFAULT_OUT = ROOT / "bot" / "data" / "starter.jsonl"
_UNKNOWN = {"", "not known", "unknown", "-", "—"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_sources(shared: Path) -> dict[str, dict[str, str]]:
    """File name → {url, published} from SOURCES.md's table ("not known" cells become empty)."""
    out: dict[str, dict[str, str]] = {}
    path = shared / "SOURCES.md"
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not cells[0].startswith("reports/"):
            continue
        url = cells[3] if cells[3].lower() not in _UNKNOWN and cells[3].startswith("http") else ""
        published = cells[4] if _DATE.match(cells[4]) else ""
        for name in re.split(r",\s*", cells[0]):
            out[Path(name).name] = {"url": url, "published": published}
    return out


def _value_record(v, template: str) -> dict:
    """A figure with the official template's labels (indicators.csv), not the labels as printed."""
    d = definition(v.key, template)
    return {
        "indicator": v.key,
        "value": v.value,
        "unit": v.unit,
        "line": v.line_no,
        "origin": v.origin,
        "section": d.section if d else "",
        "row": d.row_label if d else "",
        "column": d.column_label if d else "",
    }


def report_record(path: Path, source: dict[str, str]) -> dict:
    """One report's facts as a JSON-able dict; no original text (line_text is dropped)."""
    parsed = parse_path(path)
    ident = parsed.identity
    values = [_value_record(v, parsed.template) for v in parsed.values if v.value is not None]
    findings = [
        {
            "rule": f.rule,
            "message": f.message,
            "values": f.values,
            "expected": f.expected,
            "actual": f.actual,
            "line": f.line_no,
        }
        for f in parsed.findings
    ]
    return {
        "agency": ident.agency,
        "year": ident.year,
        "template": parsed.template,
        "kind": ident.kind,
        "region_path": list(ident.region_path),
        "aliases": list(ident.aliases),
        "title": ident.title,
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "url": source.get("url", ""),
        "published": source.get("published", ""),
        "values": values,
        "findings": findings,
    }


def build(shared: Path = DEFAULT_SHARED) -> str:
    """The starter file's whole text (one JSON line per report, sorted by file name)."""
    sources = read_sources(shared)
    lines = []
    for path in sorted((shared / "reports").glob("*.txt")):
        rec = report_record(path, sources.get(path.name, {}))
        lines.append(exact.dumps(rec, ensure_ascii=False, sort_keys=True))  # numbers with their printed digits
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if not (args.shared / "reports").is_dir():
        ap.error(f"{args.shared}/reports not found")
    text = build(args.shared)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10))} reports)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
