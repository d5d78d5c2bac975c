"""PDF reading and PDF ingest speed (issue 18.1, 18.2).

1. Median ms per PDF, side by side in one run on one core: today's reader (pdfminer objects, pdfplumber's
   own reading and de-duplication), the reader (pdfium objects on the pages where pdfium can stand in
   for pdfminer, pdfminer's on the others, all read by reports.pdf_text), and pypdf's text extraction
   alone (no tables, for scale). Files: the real PDFs in ../shared/pdf and generated PDFs of the three
   table styles. Both readers must give exactly the same text. Also: the share of pages pdfium stands
   in for, and the import cost of the reader (a fresh process; not in the per-PDF figures).
2. Ingest of generated PDFs (formats and table styles mixed) into SQLite and PostgreSQL with the worker
   pool: wall time and reports/s per core; when the time budget cannot hold 10,000, what fits is measured
   and the 10,000 figure is projected (named ``…_projected``).

    .venv/bin/python bench/pdf.py [--quick] [--json PATH] [--ingest N] [--no-pg]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_pdf"

from ingest_pdf import fresh_pg  # noqa: E402 - the 10,000-PDF bench's own fresh database (bench/ is on sys.path)


def _median_ms(fn, data: bytes, repeat: int) -> float:  # noqa: ANN001
    samples = []
    for _ in range(repeat):
        start = time.process_time()  # one core: CPU time, less sensitive to a busy machine
        fn(data)
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def _today(data: bytes) -> str:
    """The reader as it was: pdfminer objects and pdfplumber's own (quadratic) de-duplication."""
    from reports import readers

    fast = readers._dedupe_chars
    readers._dedupe_chars = lambda page: page.dedupe_chars()
    try:
        return readers._read_pdf_pdfminer(data)
    finally:
        readers._dedupe_chars = fast


def _pypdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def generated_pdfs(n: int, seed: int) -> list[tuple[str, bytes]]:
    from tools.generator import PDF_TABLES, generate_report, plan_corpus, to_pdf

    out = []
    for k, (agency, year, template, rseed) in enumerate(plan_corpus(n, seed)):
        rep = generate_report(rseed, template, agency, year)
        out.append((Path(rep.file_name).stem + ".pdf", to_pdf(rep.text, PDF_TABLES[k % len(PDF_TABLES)])))
    return out


def _pdfium_pages(data: bytes) -> tuple[int, int]:
    """(pages pdfium stands in for, pages)."""
    from reports.pdfium_pages import open_pages

    with open_pages(data) as pages:
        if pages is None:
            import pypdfium2 as pdfium

            try:
                doc = pdfium.PdfDocument(data)
            except Exception:  # noqa: BLE001 - not a PDF pdfium opens: no page of it
                return 0, 0
            n = len(doc)
            doc.close()
            return 0, n
        return sum(p is not None for p in pages), len(pages)


def import_ms() -> float:
    """Wall ms to import the PDF reader and its libraries in a fresh interpreter (median of 3)."""
    import subprocess

    code = (
        "import time; t = time.perf_counter(); import pypdfium2, pdfplumber; "
        "from reports import readers, pdf_text, pdfium_pages; print(time.perf_counter() - t)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    return statistics.median(runs) * 1000


def bench_readers(files: list[tuple[str, bytes]], repeat: int) -> dict:
    from reports import readers

    rows, same = [], True
    for name, data in files:
        same &= readers._read_pdf(data) == _today(data)  # also warms up
        rows.append(
            {
                "file": name,
                "today_ms": round(_median_ms(_today, data, repeat), 1),
                "reader_ms": round(_median_ms(readers._read_pdf, data, repeat), 1),
                "pypdf_ms": round(_median_ms(_pypdf, data, repeat), 1),
                "pdfium_pages": "{}/{}".format(*_pdfium_pages(data)),
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    return {"files": rows, "same": same}


def bench_ingest(url: str, files: list[tuple[str, bytes]]) -> dict:
    from service.ingest import ingest_paths
    from storage.db import create_all, get_engine

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, data in files:
            (folder / name).write_bytes(data)
        engine = get_engine(url.replace("{tmp}", tmp))
        create_all(engine)
        start = time.perf_counter()
        counts = ingest_paths(engine, [folder], progress=False).counts()
        seconds = time.perf_counter() - start
        engine.dispose()
    return {"seconds": seconds, "stored": counts.get("stored", 0), "n": len(files)}


def main() -> None:  # noqa: PLR0915
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one run per file, 30 PDFs ingested")
    ap.add_argument("--json", type=Path, help="write the figures here (else stdout)")
    ap.add_argument("--ingest", type=int, default=None, help="generated PDFs to ingest (default: what fits)")
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    quick = args.quick or os.environ.get("BENCH_QUICK") == "1"
    budget = float(os.environ.get("BENCH_TIME_BUDGET") or 0) or (120.0 if quick else 900.0)
    started = time.monotonic()
    metrics: dict[str, dict] = {}

    def put(name: str, value: float, unit: str, target: str | None = None) -> None:
        metrics[name] = {"value": round(value, 2), "unit": unit, "target": target}
        print(f"[pdf] {name:40s} {value:10.2f} {unit}", file=sys.stderr)

    real = [(p.name, p.read_bytes()) for p in sorted((ROOT.parent / "shared" / "pdf").glob("*.pdf"))]
    made = generated_pdfs(3 if quick else 6, seed=7)
    put("reader_load_average_before", os.getloadavg()[0], "load")
    found = bench_readers(real + made, 1 if quick else 5)
    put("reader_load_average_after", os.getloadavg()[0], "load")
    rows = found["files"]
    for label, subset in (("real", rows[: len(real)]), ("generated", rows[len(real) :]), ("all", rows)):
        if not subset:
            continue
        today = statistics.median(r["today_ms"] for r in subset)
        new = statistics.median(r["reader_ms"] for r in subset)
        pypdf = statistics.median(r["pypdf_ms"] for r in subset)
        put(f"{label}_reader_median_ms", new, "ms", "<= 150")
        put(f"{label}_today_median_ms", today, "ms")
        put(f"{label}_pypdf_median_ms", pypdf, "ms")
        put(f"{label}_speedup_vs_today_x", today / new, "x", ">= 5")
        put(f"{label}_reader_vs_pypdf_x", pypdf / new, "x", ">= 1")
        done = [tuple(map(int, r["pdfium_pages"].split("/"))) for r in subset]
        put(f"{label}_pdfium_page_share", sum(a for a, _ in done) / max(1, sum(b for _, b in done)), "ratio")
    put("same_text_as_today", float(found["same"]), "bool", "== 1")
    # pdfium reads a CJK font that is not embedded with a system CJK font; without one it gives single
    # glyphs no width and those pages go to pdfminer (the image installs fonts-noto-cjk)
    from service.charts import cjk_font

    font = cjk_font() or "none"
    print(f"[pdf] system CJK font: {font}", file=sys.stderr)
    put("reader_import_ms", import_ms(), "ms")

    left = budget - (time.monotonic() - started)
    cores = os.cpu_count() or 1
    n = args.ingest or (30 if quick else 10_000)
    # generating a PDF costs about as much as reading it: fit generation + two ingests in what is left
    probe = generated_pdfs(6, seed=11)
    t = time.perf_counter()
    bench_ingest("sqlite:///{tmp}/probe.db", probe)
    per = (time.perf_counter() - t) / len(probe)
    fits = max(30, int(left * 0.8 / (per * 3.5)))
    measured = min(n, fits)
    files = generated_pdfs(measured, seed=3)
    targets = [("sqlite", "sqlite:///{tmp}/bench.db")]
    if not args.no_pg:
        url = fresh_pg(os.environ.get("BENCH_PG_URL") or DEFAULT_PG)
        if url:
            targets.append(("postgresql", url))
    suffix = "" if measured == n else "_projected"
    for label, url in targets:
        got = bench_ingest(url, files)
        rate = got["n"] / got["seconds"]
        put(f"ingest_{label}_{measured}_seconds", got["seconds"], "s")
        put(f"ingest_{label}_{n}_seconds{suffix}", n / rate, "s")
        put(f"ingest_{label}_reports_per_s_per_core", rate / cores, "/s")
        put(f"ingest_{label}_stored", got["stored"], "reports", f"== {got['n']}")
    result = {
        "files": rows, "cores": cores, "load_average": os.getloadavg()[0], "cjk_system_font": font, "metrics": metrics
    }
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
