"""`make bench`: run every benchmark under bench/ and record the figures against their targets.

Each bench/<name>.py runs as its own subprocess (a crash or hang in one cannot take the others down) with a
per-bench timeout inside one overall budget (default 19 minutes: the whole run must finish in under 20 on
a 2-core machine). Each bench is called as ``python bench/<name>.py --json bench/out/<name>.json`` plus
``--quick`` for the quick profile (only when its --help mentions --quick). The figures are merged into
bench/results.json (name → {value, unit, target, met, date, machine}; entries of benches not run this time
are kept with their old date) and bench/RESULTS.md (generated between markers; text outside them is kept,
so analysis written by hand survives a re-run).

What a bench writes to its --json file (either form):

* ``{"metrics": {"p99_ms": {"value": 12.3, "unit": "ms", "target": "<= 25"}, ...}}`` — preferred; a
  target is "<= x", "< x", ">= x", "> x" or "== x". ``"metrics"`` may also be a list of such dicts with a
  ``"name"``; the same ``{"value", "unit", "target"}`` dicts may also sit at the top level or nested
  (``{"ask_p50_ms": {"value": ...}}``). Other keys are kept as context.
* a flat or nested dict of figures: every number becomes a metric ``<bench>.<dotted.key>``; units are
  guessed from the key (``_ms``, ``_s``/``seconds``, ``_per_second``, ``_mb`` …) and targets come from
  an optional top-level ``"targets": {"dotted.key": "<= 5"}`` or from TARGETS below (the targets named
  in the issues).

Environment given to every bench: BENCH_QUICK=1 in the quick profile; BENCH_PG_URL = a fresh PostgreSQL
database for this run (dropped afterwards) when PostgreSQL is reachable, for SQLite-vs-PostgreSQL figures;
BENCH_TIME_BUDGET = seconds the bench should aim to finish in (85% of its timeout, which is a fair share
of the time left). A bench whose full size does not fit should measure what fits and project (and say so
in the figure's name, e.g. ``…_projected``) rather than be killed with no figures at all.

A bench that writes no --json file may print its JSON object on stdout instead (bench/scale.py does: it
is called with no --json and, in the quick profile, --quick). A bench named in EXPECTED whose script is not
there is listed as skipped with a note, so the run works while it is being written.

After the benches come two pytest steps (``--no-tests`` skips both):
  * ``fuzz``: ``pytest -m fuzz`` with HYPOTHESIS_PROFILE=full (many examples) → fuzz.passed, fuzz.failed
    (== 0), fuzz.collected (>= 1: no test marked fuzz, pytest's exit 5, is a recorded failure, not a crash).
    The quick profile runs it only when named (``--only fuzz``), then with the default profile;
  * ``tests`` (full profile only): the other tests marked ``slow`` (fault/crash/scale), HYPOTHESIS_PROFILE=full
    → tests.slow.passed, tests.slow.failed.

Before each step the load average is read: ``<step>.load_average`` (1-minute) is recorded with the figures,
and RESULTS.md warns when it was above BUSY_LOAD at the start of a step (wall-clock figures are inflated).

    .venv/bin/python bench/run_all.py [--quick] [--only parse,answer,fuzz] [--timeout 300] [--budget 1140]
                                      [--results DIR]   # write results.json and RESULTS.md to DIR
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
RESULTS_JSON = BENCH_DIR / "results.json"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
SHANGHAI = ZoneInfo("Asia/Shanghai")
ORDER = ["parse", "answer", "bot", "flood", "broadcast", "scale", "harvest", "ingest_pdf"]  # the issues' benches first, the rest alphabetically
SKIP = {"run_all", "conftest"}
EXPECTED = ["scale"]  # benches being written: listed as skipped (with a note) while their script is absent
STDOUT_JSON = {"scale"}  # benches that print their JSON on stdout and take no --json (nor a --help probe)
PYTEST_STEPS = ["fuzz", "tests"]
# Quick-profile arguments for benches whose --help has no --quick (their own sizes flags).
QUICK_FALLBACK: dict[str, list[str]] = {"bot": ["--chats", "50", "--questions", "4"]}
TESTS_RESERVE = 120.0  # seconds kept for the full-profile slow tests at the end of a full run
# seconds kept for the fuzz step (the full profile, 2,000 examples a test, needs more: ~5 min on a quiet
# machine; what does not fit is cut off and reported as "N of M tests done")
FUZZ_RESERVE = {"full": 300.0, "quick": 90.0}
# Shares of the time budget: broadcast's full size is ~6 min at 30 msg/s, flood's ~3 min (two 60 s runs), the
# others size themselves.
# flood: two 60 s runs (fair, baseline) + start-up; ingest_pdf: 10,000 PDFs × 2 stores, what fits
WEIGHTS = {"broadcast": 2.5, "parse": 1.5, "flood": 1.5, "ingest_pdf": 2.5}
BUSY_LOAD = 1.5  # 1-minute load average above which a step's wall-clock figures are flagged
BEGIN, END = "<!-- BEGIN GENERATED by bench/run_all.py -->", "<!-- END GENERATED -->"

# Targets named in the issues, matched against the flattened metric name (first match wins).
# A bench that states its own target (metrics[...]["target"] or "targets") overrides these.
TARGETS: list[tuple[str, str]] = [
    (r"^parse\..*median.*ms", "<= 5"),  # issue 3: ≤ 5 ms median per report
    (r"^parse\..*sqlite.*10[_,]?000.*(seconds|_s)$|^parse\..*10[_,]?000.*sqlite.*(seconds|_s)$", "<= 120"),
    (r"^answer\..*(ask|question).*p50.*ms", "<= 5"),  # issue 4: ask p50 ≤ 5 ms, p99 ≤ 25 ms
    (r"^answer\..*(ask|question).*p99.*ms", "<= 25"),
    (r"^answer\..*(resol|agency|agencies|names).*p99.*ms", "<= 10"),  # resolution over 150,000 names
    (r"^bot\..*lost", "== 0"),  # issue 5: lost messages 0
    (r"^broadcast\..*(messages_per_s(econd)?|msgs_per_s(econd)?)$", ">= 27"),  # issue 6: ≥ 27 msg/s
    (r"^broadcast\..*dup", "== 0"),
    (r"^broadcast\..*(miss|lost)", "== 0"),
    (r"^audit\..*copy_detect.*ms", "<= 50"),  # issue 17: 内容雷同 detection ≤ 50 ms per report
    (r"\.failed$", "== 0"),
]
UNIT_SUFFIXES: list[tuple[str, str]] = [
    (r"(_|^)ms$|_ms_", "ms"),
    (r"per_second$|per_s$|_rps$|/s$", "/s"),
    (r"(_|^)(seconds|secs|s)$", "s"),
    (r"(_|^)mb$", "MB"),
    (r"(_|^)(kb|kib)$", "KB"),
    (r"(_|^)(bytes)$", "B"),
    (r"(ratio|speedup|x)$", "×"),
    (r"(accuracy|share|rate_pct|pct|percent)$", "%"),
]


def machine() -> str:
    """Where the figures were measured: CPU model and count, RAM, OS, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    return f"{cpu} × {os.cpu_count()}{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _is_script(path: Path) -> bool:
    return (
        re.search(r"^if __name__ == [\"']__main__[\"']", path.read_text(encoding="utf-8"), re.M) is not None
    )


def discover(only: list[str] | None) -> list[Path]:
    """bench/*.py scripts in ORDER, plus the EXPECTED ones (a path that may not exist yet); `only` filters.
    A module without ``if __name__ == "__main__"`` is a bench's helper (bench/scale_data.py), not a bench."""
    files = [
        p
        for p in BENCH_DIR.glob("*.py")
        if p.stem not in SKIP and not p.stem.startswith("_") and _is_script(p)
    ]
    files += [BENCH_DIR / f"{name}.py" for name in EXPECTED if not (BENCH_DIR / f"{name}.py").exists()]
    files.sort(key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.stem))
    if only:
        missing = set(only) - {p.stem for p in files} - set(PYTEST_STEPS)
        if missing:
            raise SystemExit(f"no such bench: {', '.join(sorted(missing))}")
        files = [p for p in files if p.stem in only]
    return files


def bench_help(script: Path, env: dict[str, str]) -> str:
    """The bench's --help text ("" when it has none or fails), to see which flags it takes."""
    try:
        out = subprocess.run(
            [sys.executable, str(script), "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            env=env,
        )
    except (subprocess.TimeoutExpired, OSError):
        return ""
    return out.stdout if out.returncode == 0 else ""


def json_from_stdout(text: str) -> object | None:
    """The JSON object a bench printed on stdout: the whole output, or the last object that starts a line
    and runs to the end (progress lines before it are fine)."""
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    decoder = json.JSONDecoder()
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    for pos in reversed(starts):
        if text.startswith("{", pos):
            try:
                data, end = decoder.raw_decode(text, pos)
            except ValueError:
                continue
            if not text[end:].strip():
                return data
    return None


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except (AttributeError, OSError):
        return None


def parse_target(target: object) -> tuple[str, float] | None:
    """'<= 5' → ('<=', 5.0); {'op': '>=', 'value': 27} works too; anything else → None."""
    if isinstance(target, dict) and "op" in target and "value" in target:
        return str(target["op"]), float(target["value"])
    if isinstance(target, int | float) and not isinstance(target, bool):
        return "<=", float(target)
    if isinstance(target, str):
        m = re.fullmatch(r"\s*(<=|>=|==|<|>|≤|≥|=)\s*(-?[\d.]+(?:e-?\d+)?)\s*\S*\s*", target)
        if m:
            op = {"≤": "<=", "≥": ">=", "=": "=="}.get(m.group(1), m.group(1))
            return op, float(m.group(2))
    return None


def target_text(target: object) -> str | None:
    """A target as shown to people: a bare number means an upper bound ("<= 5")."""
    parsed = parse_target(target)
    if parsed is None:
        return None if target is None else str(target)
    if isinstance(target, str):
        return target.strip()
    return f"{parsed[0]} {parsed[1]:g}"


def met(value: object, target: object) -> bool | None:
    parsed = parse_target(target)
    if parsed is None:
        return None
    if value is None:
        return False  # the bench did not produce the figure its target needs
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isnan(value):
        return False
    op, limit = parsed
    return {
        "<=": value <= limit,
        "<": value < limit,
        ">=": value >= limit,
        ">": value > limit,
        "==": value == limit,
    }[op]


def guess_unit(key: str) -> str:
    leaf = key.rsplit(".", 1)[-1].lower()
    for pattern, unit in UNIT_SUFFIXES:
        if re.search(pattern, leaf):
            return unit
    return ""


def default_target(name: str) -> str | None:
    for pattern, target in TARGETS:
        if re.search(pattern, name, re.IGNORECASE):
            return target
    return None


def _is_metric(data: object) -> bool:
    """{"value": 3.2, "unit": "ms", "target": "<= 5", ...} anywhere in a bench's JSON is one figure."""
    return isinstance(data, dict) and "value" in data and bool({"unit", "target", "met"} & set(data))


def _flatten(prefix: str, data: object, out: dict[str, object]) -> None:
    if isinstance(data, dict) and not _is_metric(data):
        for k, v in data.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = data


def normalise(bench: str, data: object) -> dict[str, dict]:
    """A bench's JSON → {metric name: {value, unit, target}} (see the module docstring)."""
    metrics: dict[str, dict] = {}
    if not isinstance(data, dict):
        return metrics
    declared = data.get("metrics")
    if isinstance(declared, list):
        declared = {str(m.get("name")): m for m in declared if isinstance(m, dict) and m.get("name")}
    if isinstance(declared, dict):
        for key, m in declared.items():
            m = m if isinstance(m, dict) else {"value": m}
            name = key if key.startswith(bench + ".") else f"{bench}.{key}"
            metrics[name] = {
                "value": m.get("value"),
                "unit": m.get("unit") or guess_unit(key),
                "target": m.get("target", default_target(name)),
            }
        return metrics
    targets = next((data[k] for k in ("targets", "target") if isinstance(data.get(k), dict)), {})
    flat: dict[str, object] = {}
    _flatten("", {k: v for k, v in data.items() if k not in ("targets", "target")}, flat)
    for key, value in flat.items():
        name = f"{bench}.{key}"
        if _is_metric(value):
            assert isinstance(value, dict)
            metrics[name] = {
                "value": value.get("value"),
                "unit": value.get("unit") or guess_unit(key),
                "target": value.get("target", targets.get(key, default_target(name))),
            }
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        metrics[name] = {
            "value": value,
            "unit": guess_unit(key),
            "target": targets.get(key, default_target(name)),
        }
    for key, target in targets.items():  # a target whose figure is missing or null is a miss, not a gap
        name = f"{bench}.{key}"
        if name not in metrics:
            metrics[name] = {"value": flat.get(key), "unit": guess_unit(key), "target": target}
    return metrics


def _pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(
            host=os.environ.get("PGHOST", "127.0.0.1"),
            port=os.environ.get("PGPORT", "5432"),
            user=os.environ.get("PGUSER", "postgres"),
            dbname="postgres",
            connect_timeout=3,
        ).close()
        return True
    except Exception:  # noqa: BLE001 - no PostgreSQL just means no PostgreSQL figures
        return False


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "postgres"),
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


class BenchRun:
    def __init__(self, name: str) -> None:
        self.name = name
        self.status = "not run"
        self.seconds = 0.0
        self.metrics: dict[str, dict] = {}
        self.note = ""
        self.load: tuple[float, float, float] | None = None  # load average when the step started


def _run_group(cmd: list[str], env: dict[str, str], log, timeout: float, stdout=None) -> int | None:
    """Run in its own process group; on timeout the whole group (stand-ins, workers) is killed. None = timeout.
    Output goes to `log` (stdout too, unless a separate `stdout` file is given)."""
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=stdout if stdout is not None else log,
        stderr=log if stdout is not None else subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
        return None
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)  # Ctrl-C on make bench: leave nothing running
        raise


def run_one(script: Path, quick: bool, timeout: float, env: dict[str, str]) -> BenchRun:
    """One bench in its own process group: figures from its --json file, or from its stdout."""
    run = BenchRun(script.stem)
    run.load = load_average()
    if not script.exists():
        run.status = "skipped: not written yet"
        run.note = f"bench/{script.name} is not there yet"
        print(f"[bench] {script.stem}: {run.note}", file=sys.stderr, flush=True)
        return run
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    json_path = OUT_DIR / f"{script.stem}.json"
    log_path = OUT_DIR / f"{script.stem}.log"
    stdout_path = OUT_DIR / f"{script.stem}.stdout"
    json_path.unlink(missing_ok=True)
    cmd = [sys.executable, str(script)]
    if script.stem in STDOUT_JSON:
        cmd += ["--quick"] if quick else []
    else:
        help_text = bench_help(script, env)
        cmd += ["--json", str(json_path)] if "--json" in help_text or not help_text else []
        if quick:
            cmd += ["--quick"] if "--quick" in help_text else QUICK_FALLBACK.get(script.stem, [])
    print(
        f"[bench] {script.stem}: {' '.join(cmd[1:])} (timeout {timeout:.0f} s)", file=sys.stderr, flush=True
    )
    t0 = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log, stdout_path.open("w", encoding="utf-8") as out:
        code = _run_group(cmd, env, log, timeout, stdout=out)
    run.seconds = time.monotonic() - t0
    data = None
    if json_path.exists():
        try:
            data = json.loads(json_path.read_text(encoding="utf-8"))
        except ValueError as err:
            run.note = f"unreadable JSON: {err}"
    if data is None:
        data = json_from_stdout(stdout_path.read_text(encoding="utf-8", errors="replace"))
    run.metrics = normalise(script.stem, data) if data is not None else {}
    if code is None:
        run.status = f"timeout after {timeout:.0f} s"
    elif code != 0:
        run.status = f"exit {code}"
    elif not run.metrics:
        run.status = "no figures"
    else:
        run.status = "ok"
    if run.status != "ok":
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        failed = [k.split(".", 1)[1] for k, m in run.metrics.items() if met(m["value"], m["target"]) is False]
        if failed:
            run.note = (run.note + " missed: " + ", ".join(failed)).strip()
        run.note = (run.note + " " + " | ".join(tail)).strip()[:300]
    print(
        f"[bench] {script.stem}: {run.status} in {run.seconds:.1f} s, {len(run.metrics)} figures",
        file=sys.stderr,
        flush=True,
    )
    return run


def _pytest_counts(text: str) -> tuple[dict[str, int], str]:
    """pytest's closing line → ({'passed': 3, 'failed': 1, ...}, the line)."""
    for line in reversed(text.strip().splitlines()):
        found = re.findall(r"(\d+) (passed|failed|errors?|skipped|deselected)", line)
        if found or "no tests ran" in line:
            return {k: int(n) for n, k in found}, line.strip("= ").strip()
    return {}, ""


def run_pytest_step(
    name: str, marker: str, env: dict[str, str], timeout: float, profile: str, need_tests: bool
) -> BenchRun:
    """`pytest -m <marker>` in its own process group with HYPOTHESIS_PROFILE=<profile>.

    Figures: <name>.passed, <name>.failed (== 0) and, when `need_tests`, <name>.collected (>= 1): a marker
    with no test (pytest's exit 5) is then a recorded failure; otherwise it is fine (nothing to run).
    Each test's outcome is logged as it finishes (-vv), so a step cut off by its timeout still reports
    what it had done (status "timeout …", note "N of M tests done").
    """
    run = BenchRun(name)
    run.load = load_average()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log_path = OUT_DIR / f"{name}.log"
    env = dict(env, HYPOTHESIS_PROFILE=profile, BENCH_FULL="1" if profile == "full" else "0")
    env.pop("TEST_DATABASE_URL", None)
    # -vv (with addopts' -q: one line per test as it finishes, and pytest's closing "N passed" line);
    # -rfE: a "FAILED <test id>" summary line per failure, so the note names the failing tests
    cmd = [sys.executable, "-m", "pytest", "-m", marker, "-p", "no:cacheprovider", "-vv", "-rfE"]
    print(
        f"[bench] {name}: pytest -m {marker!r} (HYPOTHESIS_PROFILE={profile}, timeout {timeout:.0f} s)",
        file=sys.stderr,
        flush=True,
    )
    t0 = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        code = _run_group(cmd, env, log, timeout)
    run.seconds = time.monotonic() - t0
    text = log_path.read_text(encoding="utf-8", errors="replace")
    counts, closing = _pytest_counts(text)
    failing = re.findall(r"^(?:FAILED|ERROR) (\S+)", text, re.M)
    selected = re.search(r"collected \d+ items?(?: / (\d+) deselected)?(?: / (\d+) selected)?", text)
    if code is None:  # cut off: count the per-test lines written so far
        done = re.findall(r"^\S+::\S+ (PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b", text, re.M)
        counts = {k.lower(): done.count(k) for k in ("PASSED", "FAILED", "ERROR", "SKIPPED")}
        failing = re.findall(r"^(\S+::\S+) (?:FAILED|ERROR)\b", text, re.M)
        total = selected.group(2) if selected and selected.group(2) else "?"
        closing = f"{len(done)} of {total} tests done: " + ", ".join(
            f"{n} {k}" for k, n in counts.items() if n
        )
    failed = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    passed = counts.get("passed", 0)
    prefix = "tests.slow" if name == "tests" else name  # tests.slow.* as before
    run.metrics = {
        f"{prefix}.passed": {"value": passed, "unit": "", "target": None},
        f"{prefix}.failed": {"value": failed, "unit": "", "target": "== 0"},
    }
    if need_tests:
        run.metrics[f"{prefix}.collected"] = {
            "value": passed + failed + counts.get("skipped", 0),
            "unit": "",
            "target": ">= 1",
        }
    if code is None:
        run.status = f"timeout after {timeout:.0f} s"
        run.note = ((f"failed: {', '.join(failing)}; " if failing else "") + closing)[:400]
    elif code == 5:
        run.status = "exit 5: no tests" if need_tests else "ok"
        run.note = f"no test is marked {marker}"
    else:
        run.status = "ok" if code == 0 else f"exit {code}"
        if code != 0:
            run.note = (f"failed: {', '.join(failing)}; " if failing else "") + closing
            run.note = run.note[:400]
    print(f"[bench] {name}: {run.status} in {run.seconds:.1f} s ({closing})", file=sys.stderr, flush=True)
    return run


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_md(
    results: dict[str, dict], runs: list[BenchRun], profile: str, total: float, when: str, where: str
) -> str:
    """The generated part of RESULTS.md: runs, every target met/missed with its figure, all figures."""
    lines = [
        BEGIN,
        "",
        "## Latest run",
        "",
        f"- When: {when} (Asia/Shanghai) · profile: **{profile}** · total {total:.0f} s",
        f"- Machine: {where}",
        "- Reproduce: `make bench` (full) or `make bench-quick`",
        "",
    ]
    busy = busy_steps(runs)
    if busy:
        lines += [
            f"> ⚠️ Busy machine: the 1-minute load average was above {BUSY_LOAD:g} when "
            + ", ".join(f"{name} ({load:.1f})" for name, load in busy)
            + f" started ({os.cpu_count()} CPUs). Wall-clock figures of those steps are inflated; "
            "CPU-time figures are less affected. Re-run on a quiet machine before comparing.",
            "",
        ]
    if runs:
        lines += [
            "| bench | status | seconds | load at start | figures | note |",
            "|---|---|---:|---:|---:|---|",
        ]
        for r in runs:
            load = f"{r.load[0]:.2f}" if r.load else "—"
            lines.append(
                f"| {r.name} | {r.status} | {r.seconds:.1f} | {load} | {len(r.metrics)} | {_md_cell(r.note)} |"
            )
        lines.append("")
    targeted = {k: v for k, v in results.items() if v.get("target") is not None}
    lines += ["## Targets", ""]
    if targeted:
        lines += ["| figure | value | target | met | measured |", "|---|---:|---|:---:|---|"]
        for name, m in sorted(targeted.items()):
            mark = {True: "✅ met", False: "❌ missed", None: "?"}[m.get("met")]
            lines.append(
                f"| {name} | {_fmt(m.get('value'))} {m.get('unit', '')} | {_md_cell(m['target'])} "
                f"| {mark} | {m.get('date', '')} |"
            )
        n_met = sum(1 for m in targeted.values() if m.get("met") is True)
        lines += ["", f"{n_met} of {len(targeted)} targets met.", ""]
    else:
        lines += ["No figure with a target has been recorded yet.", ""]
    lines += ["## All figures", "", "| figure | value | unit | target | measured |", "|---|---:|---|---|---|"]
    for name, m in sorted(results.items()):
        lines.append(
            f"| {name} | {_fmt(m.get('value'))} | {m.get('unit', '')} | "
            f"{_md_cell(m.get('target') or '')} | {m.get('date', '')} |"
        )
    lines += ["", END]
    return "\n".join(lines)


def busy_steps(runs: list[BenchRun]) -> list[tuple[str, float]]:
    """Steps that started with the 1-minute load average above BUSY_LOAD."""
    return [(r.name, r.load[0]) for r in runs if r.load and r.load[0] > BUSY_LOAD and r.seconds > 0]


def write_md(generated: str, path: Path | None = None) -> None:
    """Replace only the generated block of RESULTS.md; hand-written text around it stays."""
    path = path or RESULTS_MD  # looked up at call time (tests point RESULTS_MD elsewhere)
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + generated + tail, encoding="utf-8")
            return
        path.write_text(text.rstrip() + "\n\n" + generated + "\n", encoding="utf-8")
        return
    header = (
        "# Benchmark results\n\nWritten by `make bench` (bench/run_all.py). Figures are from the machine "
        "named below; targets come from the issues. Text outside the generated block is kept.\n\n"
    )
    path.write_text(header + generated + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes (each bench's --quick); a few minutes")
    p.add_argument("--only", default="", help="comma-separated bench names (default: all)")
    p.add_argument("--timeout", type=float, default=None, help="per-bench timeout in seconds")
    p.add_argument("--budget", type=float, default=None, help="overall time budget in seconds")
    p.add_argument(
        "--no-tests",
        dest="tests",
        action="store_false",
        help="skip the pytest steps (fuzz, and the slow fault/crash tests)",
    )
    p.add_argument(
        "--results",
        type=Path,
        default=None,
        help="folder for results.json and RESULTS.md (default bench/, bench/out/quick/ for --quick: the "
        "committed figures come from full runs only)",
    )
    args = p.parse_args(argv)
    quick = args.quick or os.environ.get("BENCH_QUICK") == "1"
    per_bench = args.timeout or (240.0 if quick else 600.0)
    budget = args.budget or (600.0 if quick else 19 * 60.0)
    only = [s for s in args.only.split(",") if s]
    scripts = discover(only)
    # the quick profile leaves the fuzz step out (make test runs those tests with the default profile) unless
    # it is asked for by name: bench-quick stays within about three minutes
    with_fuzz = args.tests and ("fuzz" in only if (only or quick) else True)
    with_tests = args.tests and not quick and (not only or "tests" in only)
    if not scripts and not with_fuzz and not with_tests:
        print("no benchmarks found under bench/", file=sys.stderr)
        return 1
    results_dir = args.results or (BENCH_DIR / "out" / "quick" if quick else BENCH_DIR)
    results_dir.mkdir(parents=True, exist_ok=True)
    results_json, results_md = results_dir / RESULTS_JSON.name, results_dir / RESULTS_MD.name
    profile = "quick" if quick else "full"

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    if quick:
        env["BENCH_QUICK"] = "1"
    pg_db = None
    if "BENCH_PG_URL" not in env and _pg_reachable():
        pg_db = f"disclosure_bench_{int(time.time())}_{random.randrange(10**6)}"
        try:
            _pg_admin(f'CREATE DATABASE "{pg_db}"')
            host, port = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432")
            env["BENCH_PG_URL"] = (
                f"postgresql+psycopg://{os.environ.get('PGUSER', 'postgres')}@{host}:{port}/{pg_db}"
            )
        except Exception as err:  # noqa: BLE001
            print(f"[bench] no PostgreSQL database for this run: {err}", file=sys.stderr)
            pg_db = None

    t_start = time.monotonic()
    runs: list[BenchRun] = []
    reserve = (FUZZ_RESERVE[profile] if with_fuzz else 0.0) + (TESTS_RESERVE if with_tests else 0.0)
    try:
        for i, script in enumerate(scripts):
            left = budget - (time.monotonic() - t_start) - reserve
            if left < 30:
                skipped = BenchRun(script.stem)
                skipped.status = "skipped: time budget spent"
                runs.append(skipped)
                continue
            # A fair (weighted) share of what is left (time a fast bench leaves over rolls on to the next
            # ones), told to the bench as BENCH_TIME_BUDGET so it can size itself (and project) to fit.
            weights = [WEIGHTS.get(p.stem, 1.0) for p in scripts[i:]]
            share = left * weights[0] / sum(weights)
            timeout = min(per_bench, max(share, min(left, 60.0)))
            bench_env = dict(env, BENCH_TIME_BUDGET=str(int(timeout * 0.85)))
            runs.append(run_one(script, quick, timeout, bench_env))
        if with_fuzz:  # what the benches left, less the slow tests' reserve
            left = budget - (time.monotonic() - t_start) - (TESTS_RESERVE if with_tests else 0.0)
            if left >= 30:
                runs.append(
                    run_pytest_step(
                        "fuzz", "fuzz", env, left, profile="default" if quick else "full", need_tests=True
                    )
                )
            else:
                skipped = BenchRun("fuzz")
                skipped.status = "skipped: time budget spent"
                runs.append(skipped)
        if with_tests:
            left = budget - (time.monotonic() - t_start)
            if left >= 60:  # the fuzz tests ran above: not twice
                runs.append(
                    run_pytest_step("tests", "slow and not fuzz", env, left, profile="full", need_tests=False)
                )
            else:
                skipped = BenchRun("tests")
                skipped.status = "skipped: time budget spent"
                runs.append(skipped)
    finally:
        if pg_db:
            try:
                _pg_admin(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
            except Exception as err:  # noqa: BLE001
                print(f"[bench] could not drop {pg_db}: {err}", file=sys.stderr)
    total = time.monotonic() - t_start

    when = datetime.now(SHANGHAI).isoformat(timespec="seconds")
    where = machine()
    results: dict[str, dict] = {}
    if results_json.exists():
        try:
            results = json.loads(results_json.read_text(encoding="utf-8"))
        except ValueError:
            results = {}
    for run in runs:
        if run.status.startswith("skipped"):
            continue
        prefix = run.name + "."
        results = {k: v for k, v in results.items() if not k.startswith(prefix)}  # this run replaces them
        for name, m in run.metrics.items():
            results[name] = {
                "value": m["value"],
                "unit": m["unit"],
                "target": target_text(m["target"]),
                "met": met(m["value"], m["target"]),
                "date": when,
                "machine": where,
                "profile": profile,
            }
        if run.load:  # uniform for every step (a bench's own figure of that name is replaced)
            results[f"{run.name}.load_average"] = {
                "value": round(run.load[0], 2),
                "unit": "",
                "target": None,
                "met": None,
                "date": when,
                "machine": where,
                "profile": profile,
                "note": "1-minute load average when the step started",
            }
        results[f"{run.name}.run_seconds"] = {
            "value": round(run.seconds, 1),
            "unit": "s",
            "target": None,
            "met": None,
            "date": when,
            "machine": where,
            "profile": profile,
        }
        if run.status != "ok":
            results[f"{run.name}.completed"] = {
                "value": 0,
                "unit": "",
                "target": "== 1",
                "met": False,
                "date": when,
                "machine": where,
                "profile": profile,
                "error": f"{run.status}: {run.note}"[:300],
            }
    results_dir.mkdir(parents=True, exist_ok=True)
    results_json.write_text(
        json.dumps(dict(sorted(results.items())), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    write_md(render_md(results, runs, profile, total, when, where), results_md)
    missed = [k for k, v in results.items() if v.get("met") is False and v.get("date") == when]
    busy = busy_steps(runs)
    if busy:
        print(
            f"[bench] warning: busy machine (1-min load > {BUSY_LOAD:g} at the start of "
            + ", ".join(f"{n} {v:.1f}" for n, v in busy)
            + "): wall-clock figures are inflated",
            file=sys.stderr,
        )
    print(
        f"[bench] {len(runs)} steps in {total:.0f} s → {results_json}, {results_md}; "
        f"targets missed: {', '.join(missed) or 'none'}",
        file=sys.stderr,
    )
    return 0 if all(r.status == "ok" or r.status.startswith("skipped: not written") for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
