"""PDF reading speed (issue 18.1): median ms per PDF for the pdfminer reader (before) and the reader
(pdfium objects where pdfium can stand in, else pdfminer), side by side in one run, with their ratio
and a check that both give exactly the same text. Files: the real PDFs in ../shared/pdf and the
generated PDFs in tests/fixtures. One process, one core.

    .venv/bin/python bench/pdf.py [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _median_ms(fn, data: bytes, repeat: int) -> float:  # noqa: ANN001
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def run(repeat: int) -> dict:
    from reports import readers

    files = sorted((ROOT.parent / "shared" / "pdf").glob("*.pdf")) + sorted(
        (ROOT / "tests" / "fixtures").glob("*.pdf")
    )
    rows, same = [], True
    for path in files:
        data = path.read_bytes()
        same &= readers._read_pdf(data) == readers._read_pdf_pdfminer(data)  # also warms up
        old = _median_ms(readers._read_pdf_pdfminer, data, repeat)
        new = _median_ms(readers._read_pdf, data, repeat)
        rows.append({"file": path.name, "pdfminer_ms": round(old, 1), "reader_ms": round(new, 1)})
    old_med = statistics.median(r["pdfminer_ms"] for r in rows)
    new_med = statistics.median(r["reader_ms"] for r in rows)
    return {
        "files": rows,
        "load_average": os.getloadavg()[0],
        "metrics": {
            "reader_median_ms": {"value": round(new_med, 1), "unit": "ms", "target": "<= 150"},
            "pdfminer_median_ms": {"value": round(old_med, 1), "unit": "ms"},
            "speedup_x": {"value": round(old_med / new_med, 2), "unit": "x", "target": ">= 5"},
            "same_text": {"value": int(same), "unit": "bool", "target": "== 1"},
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one run per file instead of three")
    ap.add_argument("--json", type=Path, help="write the figures here (else stdout)")
    args = ap.parse_args()
    result = run(1 if args.quick else 3)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
