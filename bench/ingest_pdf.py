"""Ingest of generated PDFs into SQLite and PostgreSQL with the worker pool (issue 18, target 2).

Why: real reports are mostly PDFs, and a PDF costs ~40× a text report to read, so "10,000 reports into the
store" has to be measured on PDFs, through the same path as `disclosure-bot ingest DIR` (service.ingest's
worker pool, then the audit's scorecards), into a fresh store of each kind.

The corpus: the first N of one plan of 10,000 generated reports (tools.generator: 2008 统计表 for 2014–2018
with some prose reports, the 2019 and 2021 formats, county/city/province bodies), each a PDF with its
tables printed as text lines, as a ruled grid or as unruled positioned cells (cycled), with the layout
noise the container can carry; the 2008 tables run over pages. PDFs are kept in a cache directory
(reused between runs; the generator's source hash names it), and the time to make missing ones is a
figure of its own, never part of the ingest figure.

Each store is ingested in a fresh child process (its own peak RSS; its workers' peak RSS from
RUSAGE_CHILDREN, their CPU time against wall time × workers for how busy the pool was). Afterwards ~50
random reports are read back from the store and compared with the numbers that made them.

Figures, per store (`sqlite`, `postgresql`), named `<store>_<n>.…` (`<store>_<done>_of_<n>.…` plus a
`…_projected` wall time when the time budget, BENCH_TIME_BUDGET, cannot hold n): wall_s, reports_per_s,
reports_per_s_per_core (cores = min(workers, CPUs)), outcome counts (rejected == 0), values stored,
scorecards, peak RSS of the parent and of the largest worker, worker busy %, the sample check, and the
1-minute load average at the start.

    .venv/bin/python bench/ingest_pdf.py [--quick] [--json PATH] [--n 10000] [--stores sqlite,postgresql]
                                         [--pg-url URL] [--cache DIR] [--sample 50] [--keep-db]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = 10_000  # one plan for every size: the quick corpus is the first 200 of the full one
QUICK_N = 200
CHUNK = 100  # files per ingest call when a deadline may cut the run short (a pool per call: <1% cost)
DEFAULT_CACHE = ROOT / "bench" / "out" / "ingest_pdf_cache"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_ingest_pdf"


def _log(msg: str) -> None:
    print(f"[ingest_pdf] {msg}", file=sys.stderr, flush=True)


def _load() -> float:
    return round(os.getloadavg()[0], 2)


# --------------------------------------------------------------------------- the corpus


def plan(seed: int) -> list[tuple[Any, int, str, int]]:
    from tools.generator import plan_corpus

    return plan_corpus(CORPUS, seed)


def _style(k: int) -> str:
    from tools.generator import PDF_TABLES

    return PDF_TABLES[k % len(PDF_TABLES)]


def _file_name(k: int, entry: tuple[Any, int, str, int]) -> str:
    _agency, year, template, _rseed = entry
    return f"{k:05d}_{year}_{template}_{_style(k)}.pdf"


def expected(k: int, entry: tuple[Any, int, str, int]) -> Any:
    """The generated report behind file k: its values are what a correct ingest stores."""
    from tools.generator import generate_report

    agency, year, template, rseed = entry
    fmt = "pdf" if _style(k) == "text" else "pdf_grid"
    from tools.generator import container_noise

    return generate_report(rseed, template, agency, year, noise=container_noise(rseed, template, fmt))


def _make(job: tuple[int, tuple[Any, int, str, int], str]) -> float:
    """Write one PDF (atomically: a killed run leaves no half file); returns its CPU seconds."""
    from tools.generator import to_pdf

    k, entry, folder = job
    start = time.process_time()
    data = to_pdf(expected(k, entry).text, tables=_style(k))
    path = Path(folder) / _file_name(k, entry)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return time.process_time() - start


def corpus_dir(cache: Path, seed: int) -> Path:
    """Named by the generator's source: a generator change never reuses stale PDFs."""
    digest = hashlib.sha256((ROOT / "tools" / "generator.py").read_bytes()).hexdigest()[:12]
    return cache / f"gen-{digest}" / f"seed{seed}"


def ensure_corpus(cache: Path, seed: int, n: int, entries: list) -> tuple[Path, dict[str, float]]:
    """The first n PDFs in the cache (made in parallel where missing) and a folder holding exactly them."""
    base = corpus_dir(cache, seed)
    pdfs = base / "pdf"
    pdfs.mkdir(parents=True, exist_ok=True)
    missing = [k for k in range(n) if not (pdfs / _file_name(k, entries[k])).exists()]
    start = time.perf_counter()
    cpu = 0.0
    if missing:
        _log(f"generating {len(missing)} PDFs into {pdfs} ({n - len(missing)} cached)")
        jobs = [(k, entries[k], str(pdfs)) for k in missing]
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as ex:
            cpu = sum(ex.map(_make, jobs, chunksize=16))
    made = {
        "generated": len(missing),
        "cached": n - len(missing),
        "generate_wall_s": time.perf_counter() - start,
        "generate_cpu_ms_per_pdf": 1000 * cpu / len(missing) if missing else 0.0,
    }
    take = base / f"take{n}"
    if not take.is_dir() or sum(1 for _ in take.iterdir()) != n:
        take.mkdir(exist_ok=True)
        for k in range(n):
            link = take / _file_name(k, entries[k])
            if not link.exists():
                link.symlink_to(Path("..") / "pdf" / link.name)
    made["bytes_total"] = sum((pdfs / _file_name(k, entries[k])).stat().st_size for k in range(n))
    return take, made


# --------------------------------------------------------------------------- one ingest (child process)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(x) for x in (task / "children").read_text().split()}
        except (OSError, ValueError):
            continue
    return found


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _schedstat(pid: int) -> tuple[int, int] | None:
    """(ns on a CPU, ns runnable but waiting for one) of a process, from the kernel's scheduler."""
    try:
        cpu, wait, _ = (int(x) for x in Path(f"/proc/{pid}/schedstat").read_text().split())
    except (OSError, ValueError):
        return None
    return cpu, wait


class _Watch(threading.Thread):
    """From outside the ingest process (a thread inside it would make the pool start by forkserver, not
    fork): the worker processes it runs (the most alive at once), their peak RSS, and how their time was
    spent — on a CPU, waiting for one (a busy machine), or idle (waiting for work: the pool's own loss)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.most = 0
        self.peak_mb = 0.0
        self.first: dict[int, tuple[float, int, int]] = {}  # pid → (time, cpu ns, wait ns) when first seen
        self.last: dict[int, tuple[float, int, int]] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            now = _children(self.pid)
            self.most = max(self.most, len(now))
            for pid in now | {self.pid}:
                if pid != self.pid:
                    self.peak_mb = max(self.peak_mb, _peak_rss_mb(pid))
                stat = _schedstat(pid)
                if stat is not None:
                    self.last[pid] = (time.monotonic(), *stat)
                    self.first.setdefault(pid, self.last[pid])

    def shares(self, parent: bool) -> dict[str, float]:
        """Percent of the watched lifetime on a CPU, runnable but waiting, and idle (workers or parent)."""
        wall = cpu = wait = 0.0
        for pid, (t1, c1, w1) in self.last.items():
            if (pid == self.pid) != parent:
                continue
            t0, c0, w0 = self.first[pid]
            wall, cpu, wait = wall + t1 - t0, cpu + (c1 - c0) / 1e9, wait + (w1 - w0) / 1e9
        if wall <= 0:
            return {"cpu_pct": 0.0, "waiting_for_cpu_pct": 0.0, "idle_pct": 0.0}
        return {
            "cpu_pct": 100 * cpu / wall,
            "waiting_for_cpu_pct": 100 * wait / wall,
            "idle_pct": max(0.0, 100 * (wall - cpu - wait) / wall),
        }


def child(url: str, folder: Path, out: Path, deadline_s: float | None, scoring: str) -> None:
    """Ingest `folder` into the store at `url` as `disclosure-bot ingest` does; write the figures to `out`.

    `scoring`: "during" scores each report from the text its worker read, as the CLI does; "after" reads
    every stored file again once the ingest is done, as the CLI did before (for before/after figures)."""
    from service.audit import IngestScoring, score_results
    from service.ingest import ingest_paths
    from service.ingest.pipeline import PARALLEL_MIN_FILES
    from storage.db import get_engine, session_scope
    from storage.migrate import ensure_schema
    from storage.queries import store_stats

    engine = get_engine(url)
    ensure_schema(engine)
    files = sorted(folder.iterdir())
    load = _load()
    print("ready", flush=True)  # the watcher starts now, after the imports and the schema
    sys.stdin.readline()
    start = time.perf_counter()
    stop_at = None if deadline_s is None else time.monotonic() + deadline_s
    results: list = []
    done = 0
    batches = [files] if stop_at is None else [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    if len(batches) > 1 and len(batches[-1]) < PARALLEL_MIN_FILES:  # a short last batch would get one worker
        batches[-2] += batches.pop()
    scorer = IngestScoring(engine) if scoring == "during" else None
    for batch in batches:
        paths = [folder] if stop_at is None else batch
        results += ingest_paths(engine, paths, progress=False, on_text=scorer).results
        done += len(batch)
        if stop_at is not None and time.monotonic() > stop_at and done < len(files):
            _log(f"time budget: {done} of {len(files)} ingested")
            break
    ingest_s = time.perf_counter() - start
    workers_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_cpu = resource.getrusage(resource.RUSAGE_SELF)
    print("ingested", flush=True)  # the scorecards' own processes (none today) are not workers
    score_start = time.perf_counter()
    cards = scorer.rest(results) if scorer is not None else score_results(engine, results)
    score_s = time.perf_counter() - score_start
    wall = time.perf_counter() - start  # what `disclosure-bot ingest DIR` takes: ingest and scorecards
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    with session_scope(engine) as session:
        stats = store_stats(session)
    engine.dispose()
    figures = {
        "done": done,
        "wall_s": wall,
        "ingest_s": ingest_s,
        "score_after_s": score_s,
        "scorecards": cards,
        "counts": counts,
        "rejected_codes": sorted({r.code for r in results if r.outcome == "rejected"}),
        "stats": stats,
        "parent_cpu_s": self_cpu.ru_utime + self_cpu.ru_stime,
        "workers_cpu_s": workers_cpu.ru_utime + workers_cpu.ru_stime,
        "parent_peak_rss_mb": self_cpu.ru_maxrss / 1024,
        "worker_peak_rss_mb": workers_cpu.ru_maxrss / 1024,
        "load_average_start": load,
    }
    out.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")


def run_child(url: str, folder: Path, deadline_s: float | None, scoring: str) -> dict:
    import subprocess

    with tempfile.TemporaryDirectory(prefix="ingest_pdf_") as tmp:
        out = Path(tmp) / "figures.json"
        cmd = [sys.executable, __file__, "--child", url, str(folder), str(out), "--scoring", scoring]
        if deadline_s is not None:
            cmd += ["--deadline-s", f"{deadline_s:.0f}"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert proc.stdin is not None and proc.stdout is not None
        watch = _Watch(proc.pid)
        if proc.stdout.readline().strip() == "ready":
            watch.start()
            proc.stdin.write("go\n")
            proc.stdin.flush()
            proc.stdout.readline()  # "ingested"
            watch.stop.set()
        if proc.wait() != 0:
            raise RuntimeError(f"ingest child failed: exit {proc.returncode}")
        got = json.loads(out.read_text(encoding="utf-8"))
        got.update(
            workers=watch.most,
            worker_hwm_mb=watch.peak_mb,
            worker_time=watch.shares(parent=False),
            parent_time=watch.shares(parent=True),
        )
        return got


# --------------------------------------------------------------------------- stores and the sample check


def fresh_pg(url: str) -> str | None:
    """An empty database at `url` (dropped and created); None when PostgreSQL is not reachable."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    try:
        admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
    except Exception as err:  # noqa: BLE001 - no PostgreSQL here: say so, measure SQLite only
        _log(f"PostgreSQL unreachable ({type(err).__name__}): skipped")
        return None
    return url


def drop_pg(url: str) -> None:
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def pg_url(args: argparse.Namespace) -> str:
    """--pg-url, else a database of our own next to run_all's BENCH_PG_URL (never run_all's own)."""
    if args.pg_url:
        return args.pg_url
    given = os.environ.get("BENCH_PG_URL")
    if not given:
        return DEFAULT_PG
    import sqlalchemy as sa

    target = sa.engine.make_url(given)
    return target.set(database=f"{target.database}_ingest_pdf").render_as_string(hide_password=False)


def check_sample(url: str, entries: list, done: int, size: int, seed: int) -> dict[str, Any]:
    """Values in the store equal the generator's for `size` random reports among the first `done`."""
    from sqlalchemy.orm import Session

    from storage.db import get_engine
    from storage.queries import get_agency, values_for

    picks = sorted(random.Random(f"sample:{seed}").sample(range(done), min(size, done)))
    engine = get_engine(url)
    bad: list[dict[str, Any]] = []
    compared = 0
    with Session(engine) as session:
        for k in picks:
            rep = expected(k, entries[k])
            agency = get_agency(session, rep.agency)
            rows = values_for(session, [agency.id], [rep.year]) if agency else []
            got = {r.indicator: r.value for r in rows if r.origin != "derived"}  # exact: int or Decimal
            compared += len(rep.values)
            if got != rep.values:
                wrong = sorted(x for x in set(got) | set(rep.values) if got.get(x) != rep.values.get(x))
                bad.append(
                    {
                        "file": _file_name(k, entries[k]),
                        "agency_found": agency is not None,
                        "differ": wrong[:8],
                    }
                )
    engine.dispose()
    return {"checked": len(picks), "values_compared": compared, "mismatches": len(bad), "bad": bad[:10]}


def figures_for(store: str, n: int, got: dict, sample: dict, cores: int, scoring: str) -> dict[str, dict]:
    done = got["done"]
    label = f"{store}_{n}" if done == n else f"{store}_{done}_of_{n}"
    suffix = "" if scoring == "during" else f"_scoring_{scoring}"
    label += suffix
    rate = done / got["wall_s"] if got["wall_s"] else float("nan")
    workers = max(1, got["workers"])
    used = min(workers, cores)
    counts = got["counts"]
    m: dict[str, dict] = {}

    def put(key: str, value: float, unit: str = "", target: str | None = None) -> None:
        m[f"{label}.{key}"] = {
            "value": round(value, 3) if isinstance(value, float) else value,
            "unit": unit,
            "target": target,
        }

    put("wall_s", got["wall_s"], "s")
    put("reports_per_s", rate, "/s")
    put("reports_per_s_per_core", rate / used, "/s")
    # what a core does when it is not shared: reports per CPU second of the parent and its workers together
    # (the wall-clock figures above are only as good as the machine is quiet: see *_waiting_for_cpu_pct)
    put("reports_per_cpu_s", done / (got["parent_cpu_s"] + got["workers_cpu_s"]), "/s")
    put("workers_cpu_ms_per_report", 1000 * got["workers_cpu_s"] / done, "ms")
    put("parent_cpu_ms_per_report", 1000 * got["parent_cpu_s"] / done, "ms")
    put("workers", workers)
    put("cores_used", used)
    for outcome in ("stored", "unchanged", "replaced", "skipped"):
        put(outcome, counts.get(outcome, 0), "reports", f"== {done}" if outcome == "stored" else None)
    put("rejected", counts.get("rejected", 0), "reports", "== 0")
    put("values_stored", got["stats"]["values"], "values")
    put("reports_in_store", got["stats"]["reports"], "reports", f"== {done}")
    put("ingest_s", got["ingest_s"], "s")
    put("scorecards", got["scorecards"], "reports")
    put("scorecards_after_ingest_s", got["score_after_s"], "s")
    put("parent_cpu_s", got["parent_cpu_s"], "s")
    put("workers_cpu_s", got["workers_cpu_s"], "s")
    put("workers_busy_pct", 100 * got["workers_cpu_s"] / (got["ingest_s"] * workers), "%")
    for who in (
        "worker",
        "parent",
    ):  # idle workers = the pool waiting for the parent; waiting = a busy machine
        for key, value in got[f"{who}_time"].items():
            put(f"{who}s_{key}" if who == "worker" else f"{who}_{key}", value, "%")
    put("parent_peak_rss_mb", got["parent_peak_rss_mb"], "MB")
    put("worker_peak_rss_mb", max(got["worker_peak_rss_mb"], got["worker_hwm_mb"]), "MB")
    put("load_average_start", got["load_average_start"])
    put("sample_reports_checked", sample["checked"], "reports")
    put("sample_values_compared", sample["values_compared"], "values")
    put("sample_mismatches", sample["mismatches"], "reports", "== 0")
    if done != n:
        m[f"{store}_{n}{suffix}.wall_s_projected"] = {
            "value": round(n / rate, 1),
            "unit": "s",
            "target": None,
        }
    return m


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_N} PDFs instead of {CORPUS:,}")
    ap.add_argument("--json", type=Path, help="write the figures here (else stdout)")
    ap.add_argument("--n", type=int, default=None, help=f"PDFs to ingest (at most {CORPUS:,})")
    ap.add_argument("--stores", default="sqlite,postgresql")
    ap.add_argument("--pg-url", default=None, help="PostgreSQL database to (re)create for the run")
    ap.add_argument("--keep-db", action="store_true", help="keep the stores (their paths are printed)")
    ap.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("BENCH_INGEST_PDF_CACHE") or DEFAULT_CACHE)
    )
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--sample", type=int, default=50, help="reports compared with the generator's numbers")
    ap.add_argument("--child", nargs=3, metavar=("URL", "DIR", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--deadline-s", type=float, default=None, help=argparse.SUPPRESS)
    ap.add_argument(
        "--scoring",
        choices=("during", "after"),
        default="during",
        help="scorecards from the workers' text as the CLI does (during), or by reading every file again "
        "after the ingest, as before (after: the before figure)",
    )
    args = ap.parse_args()
    if args.child:
        url, folder, out = args.child
        child(url, Path(folder), Path(out), args.deadline_s, args.scoring)
        return
    started = time.monotonic()
    quick = args.quick or os.environ.get("BENCH_QUICK") == "1"
    n = min(CORPUS, args.n or (QUICK_N if quick else CORPUS))
    budget = float(os.environ.get("BENCH_TIME_BUDGET") or 0) or None
    cores = os.cpu_count() or 1
    load_start = _load()
    entries = plan(args.seed)
    folder, made = ensure_corpus(args.cache, args.seed, n, entries)
    metrics: dict[str, dict] = {
        "corpus.n": {"value": n, "unit": "PDFs", "target": None},
        "corpus.generated_now": {"value": made["generated"], "unit": "PDFs", "target": None},
        "corpus.cached": {"value": made["cached"], "unit": "PDFs", "target": None},
        "corpus.generate_wall_s": {"value": round(made["generate_wall_s"], 1), "unit": "s", "target": None},
        "corpus.generate_cpu_ms_per_pdf": {
            "value": round(made["generate_cpu_ms_per_pdf"], 1),
            "unit": "ms",
            "target": None,
        },
        "corpus.mb": {"value": round(made["bytes_total"] / 1048576, 1), "unit": "MB", "target": None},
        "load_average_start": {"value": load_start, "unit": "", "target": None},
    }
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    for i, store in enumerate(stores):
        tmp = None
        if store == "sqlite":
            tmp = tempfile.mkdtemp(prefix="ingest_pdf_sqlite_")
            url = f"sqlite:///{tmp}/bench.db"
        elif store == "postgresql":
            url = fresh_pg(pg_url(args))
            if url is None:
                continue
        else:
            raise SystemExit(f"unknown store {store!r}: sqlite or postgresql")
        deadline = None
        if budget is not None:  # a fair share of what is left, the sample checks and clean-up aside
            left = budget - (time.monotonic() - started) - 30 * (len(stores) - i)
            deadline = max(30.0, left / (len(stores) - i) * 0.85)
        _log(f"{store}: ingesting {n} PDFs from {folder} (load {_load()})")
        try:
            got = run_child(url, folder, deadline, args.scoring)
            sample = check_sample(url, entries, got["done"], args.sample, args.seed)
        finally:  # a failed or interrupted run leaves no store behind either
            if args.keep_db:
                _log(f"{store}: kept at {url}")
            elif store == "sqlite" and tmp:
                shutil.rmtree(tmp, ignore_errors=True)
            elif store == "postgresql":
                drop_pg(url)
        if sample["bad"]:
            _log(f"{store}: sample mismatches {json.dumps(sample['bad'], ensure_ascii=False)}")
        metrics.update(figures_for(store, n, got, sample, cores, args.scoring))
        _log(f"{store}: {got['done']} in {got['wall_s']:.1f} s, {got['counts']}, workers {got['workers']}")
    result = {"cores": cores, "machine_load_average_start": load_start, "metrics": metrics}
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
