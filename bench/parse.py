"""Parse and ingest speed (issue 3): median ms per report and reports/s for the shared reports and for
1,000 generated ones; seconds to ingest 10,000 generated reports into SQLite and into PostgreSQL.

Targets: ≤ 5 ms median per report; 10,000 reports into SQLite ≤ 2 minutes.
Generated reports come from tools.generator (random layout noise, deterministic by --seed); they are
also checked against the numbers that made them, so a fast-but-wrong parser shows up here too.

    .venv/bin/python bench/parse.py [--quick] [--json PATH] [--pg-url URL] [--no-pg]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED_REPORTS = ROOT.parent / "shared" / "reports"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_parse"


def _ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000 if samples else float("nan")


def bench_shared(repeat: int) -> dict[str, float] | None:
    """Median ms per report over the shared reports (each parsed `repeat` times, first run warms up)."""
    from reports.parse import parse_bytes

    files = sorted(p for p in SHARED_REPORTS.glob("*") if p.is_file()) if SHARED_REPORTS.is_dir() else []
    if not files:
        return None
    blobs = [(p.name, p.read_bytes()) for p in files]
    for name, data in blobs:  # warm-up (imports, regex compilation, caches)
        parse_bytes(data, name)
    per_report: list[float] = []
    cpu: list[float] = []
    t0 = time.perf_counter()
    for _ in range(repeat):
        for name, data in blobs:
            s, c = time.perf_counter(), time.process_time()
            parse_bytes(data, name)
            per_report.append(time.perf_counter() - s)
            cpu.append(time.process_time() - c)
    total = time.perf_counter() - t0
    return {
        "n": len(blobs),
        "median_ms": _ms(per_report),
        "median_cpu_ms": _ms(cpu),
        "reports_per_s": len(per_report) / total,
    }


def bench_generated(n: int, seed: int) -> dict:
    """Parse `n` generated reports (UTF-8 text with random noise); also count wrong round trips.

    The corpus depends only on (n, seed) and the generator's code — its sha256 is reported so two runs can
    be told apart — and the parser uses no clock, so the mismatch count is deterministic: a change between
    runs is a code change, never load. Each mismatch is kept (report text + what differed) for save_mismatches.
    """
    from reports.parse import parse_bytes
    from tools.generator import generate_report, plan_corpus

    reports = [generate_report(rseed, t, a, y) for a, y, t, rseed in plan_corpus(n, seed)]
    blobs = [(r.file_name, r.text.encode("utf-8")) for r in reports]
    corpus_sha = hashlib.sha256(b"".join(data for _name, data in blobs)).hexdigest()[:16]
    bad: list[dict] = []
    parse_bytes(*reversed(blobs[0]))  # warm-up
    times: list[float] = []
    cpu: list[float] = []
    mismatches = 0
    t0 = time.perf_counter()
    for rep, (name, data) in zip(reports, blobs, strict=True):
        s, c = time.perf_counter(), time.process_time()
        try:
            parsed = parse_bytes(data, name)
        except Exception:  # noqa: BLE001 - counted as a mismatch, the bench goes on
            parsed = None
        times.append(time.perf_counter() - s)
        cpu.append(time.process_time() - c)
        if parsed is None:
            mismatches += 1
            bad.append({"report": rep, "problem": "parser raised"})
            continue
        got = {v.key: v.value for v in parsed.values if v.origin != "derived"}
        if got != rep.values or parsed.identity.agency != rep.agency or parsed.identity.year != rep.year:
            mismatches += 1
            diff = {
                k: {"expected": rep.values.get(k), "parsed": got.get(k)}
                for k in sorted(set(got) | set(rep.values))
                if got.get(k) != rep.values.get(k)
            }
            if parsed.identity.agency != rep.agency:
                diff["identity.agency"] = {"expected": rep.agency, "parsed": parsed.identity.agency}
            if parsed.identity.year != rep.year:
                diff["identity.year"] = {"expected": rep.year, "parsed": parsed.identity.year}
            bad.append({"report": rep, "problem": diff})
    total = time.perf_counter() - t0
    return {
        "n": n,
        "median_ms": _ms(times),
        "median_cpu_ms": _ms(cpu),
        "p95_ms": sorted(times)[int(len(times) * 0.95) - 1] * 1000 if times else float("nan"),
        "reports_per_s": n / total,
        "mismatches": mismatches,
        "corpus_sha": corpus_sha,
        "bad": bad,
    }


def save_mismatches(bad: list[dict], folder: Path, seed: int) -> None:
    """Each mismatching report's text plus mismatches.json (template, noise, seed, what differed): the
    reproducers for whoever fixes the parser (parse_bytes(path.read_bytes(), path.name))."""
    folder.mkdir(parents=True, exist_ok=True)
    index = []
    for item in bad:
        rep = item["report"]
        (folder / rep.file_name).write_text(rep.text, encoding="utf-8")
        index.append(
            {
                "file": rep.file_name,
                "template": getattr(rep, "template", None),
                "noise": sorted(getattr(rep, "noise", ()) or ()),
                "corpus_seed": seed,
                "problem": item["problem"],
            }
        )
    (folder / "mismatches.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    print(f"[parse] {len(bad)} mismatching reports saved to {folder}", file=sys.stderr)


def _fresh_sqlite(folder: Path):
    from storage.db import create_all, get_engine

    eng = get_engine(f"sqlite:///{folder / 'bench.db'}")
    create_all(eng)
    return eng


def _fresh_pg(url: str):
    """An empty schema in `url`'s database (created if missing); None if PostgreSQL is unreachable."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    from storage import models  # noqa: F401 - registers the tables
    from storage.db import create_all, database_url, get_engine

    url = database_url(url)
    target = sa.engine.make_url(url)
    try:
        admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database}
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
    except Exception as err:  # noqa: BLE001 - no PostgreSQL here: say so, measure SQLite only
        print(
            f"[parse] PostgreSQL unreachable ({type(err).__name__}); skipping the PostgreSQL ingest",
            file=sys.stderr,
        )
        return None
    eng = get_engine(url)
    SQLModel.metadata.drop_all(eng)
    with eng.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    create_all(eng)
    return eng


def bench_ingest(engine, folder: Path, deadline: float | None) -> dict[str, float]:
    """Ingest the folder's files in chunks; stop at `deadline` (monotonic) and report what was done."""
    from service.ingest import ingest_paths

    files = sorted(p for p in folder.iterdir() if p.suffix == ".txt")
    done = stored = rejected = 0
    seconds = 0.0
    for i in range(0, len(files), 250):
        t0 = time.perf_counter()
        counts = ingest_paths(engine, files[i : i + 250], progress=False).counts()
        seconds += time.perf_counter() - t0
        done += min(250, len(files) - i)
        stored += counts.get("stored", 0)
        rejected += counts.get("rejected", 0)
        if deadline is not None and time.monotonic() > deadline and done < len(files):
            print(f"[parse] time budget: ingested {done} of {len(files)}, projecting", file=sys.stderr)
            break
    return {
        "n": done,
        "seconds": seconds,
        "reports_per_s": done / seconds,
        "stored": stored,
        "rejected": rejected,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--quick", action="store_true", help="smaller run: 200 generated, 500 ingested (projected)"
    )
    ap.add_argument("--json", type=Path, help="write {metrics: {name: {value, unit, target, met}}} here")
    ap.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL") or DEFAULT_PG)
    ap.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL ingest")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--generated", type=int, default=None, help="generated reports to parse (default 1000)")
    ap.add_argument("--ingest", type=int, default=None, help="generated reports to ingest (default 10000)")
    args = ap.parse_args(argv)
    quick = args.quick or os.environ.get("BENCH_QUICK") == "1"
    n_gen = args.generated or (200 if quick else 1000)
    n_ingest = args.ingest or (500 if quick else 10_000)
    metrics: dict[str, dict] = {}
    started = time.monotonic()

    def put(name: str, value: float, unit: str, target: str | None = None) -> None:
        met = None
        if target is not None and value == value:
            op, bound = target.split()
            met = {"<=": value <= float(bound), ">=": value >= float(bound), "==": value == float(bound)}[op]
        metrics[name] = {"value": round(value, 3), "unit": unit, "target": target, "met": met}
        flag = "" if met is None else ("  ✓" if met else "  ✗ target " + target)
        print(f"{name:42s} {value:12.3f} {unit}{flag}")

    shared = bench_shared(repeat=5 if quick else 20)
    if shared:
        put("shared_median_ms", shared["median_ms"], "ms", "<= 5")
        put(
            "shared_median_cpu_ms", shared["median_cpu_ms"], "ms"
        )  # CPU time: less sensitive to a busy machine
        put("shared_reports_per_s", shared["reports_per_s"], "/s")
    else:
        print("[parse] ../shared/reports missing: shared-report figures skipped", file=sys.stderr)
    gen = bench_generated(n_gen, args.seed)
    put(f"generated_{n_gen}_median_ms", gen["median_ms"], "ms", "<= 5")
    put(f"generated_{n_gen}_median_cpu_ms", gen["median_cpu_ms"], "ms")
    put(f"generated_{n_gen}_p95_ms", gen["p95_ms"], "ms")
    put(f"generated_{n_gen}_reports_per_s", gen["reports_per_s"], "/s")
    put(f"generated_{n_gen}_mismatches", gen["mismatches"], "reports", "== 0")
    print(
        f"[parse] generated corpus: {n_gen} reports, seed {args.seed}, sha256 {gen['corpus_sha']}",
        file=sys.stderr,
    )
    mismatch_dir = ROOT / "bench" / "out" / f"parse_mismatches_{n_gen}_seed{args.seed}"
    if gen["bad"]:
        save_mismatches(gen["bad"], mismatch_dir, args.seed)

    from tools.generator import write_corpus

    # run_all tells each bench its share of the time (BENCH_TIME_BUDGET); measure what fits and project.
    budget = float(os.environ.get("BENCH_TIME_BUDGET") or 0) or None
    left = None if budget is None else budget - (time.monotonic() - started)
    if left is not None:
        n_ingest = max(250, min(n_ingest, int(left / 0.01)))  # ~2 ms to write + ≥ 8 ms to ingest each
    with tempfile.TemporaryDirectory(prefix="bench_parse_") as tmp:
        corpus = Path(tmp) / "corpus"
        t0 = time.perf_counter()
        write_corpus(corpus, n_ingest, seed=args.seed, formats=("txt",))
        print(
            f"[parse] generated {n_ingest} report files in {time.perf_counter() - t0:.1f} s", file=sys.stderr
        )
        stores = [("sqlite", lambda: _fresh_sqlite(Path(tmp)))]
        if not args.no_pg:
            stores.append(("postgres", lambda: _fresh_pg(args.pg_url)))
        for i, (name, make) in enumerate(stores):
            deadline = None
            if budget is not None:
                left = budget - (time.monotonic() - started)
                deadline = time.monotonic() + left * (0.55 if i == 0 and len(stores) > 1 else 0.95)
            eng = make()
            if eng is None:
                continue
            res = bench_ingest(eng, corpus, deadline)
            eng.dispose()
            n = int(res["n"])
            if n != 10_000:
                put(f"{name}_ingest_{n}_s", res["seconds"], "s")
            projected = "" if n == 10_000 else "_projected"
            put(
                f"{name}_ingest_10000_s{projected}",
                res["seconds"] * 10_000 / n,
                "s",
                "<= 120" if name == "sqlite" else None,
            )
            put(f"{name}_ingest_reports_per_s", res["reports_per_s"], "/s")
            put(f"{name}_ingest_rejected", res["rejected"], "reports", "== 0")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"[parse] load average {load:.1f} on {os.cpu_count()} CPUs (wall times grow with load)",
        file=sys.stderr,
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "metrics": metrics,
            "quick": quick,
            "seed": args.seed,
            "generated_corpus_sha": gen["corpus_sha"],
            "mismatch_reports": str(mismatch_dir) if gen["bad"] else None,
            "load_average": load,
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
