"""Answer speed and agency resolution (issue 4).

1. `ask` in-process over a SQLite store of 3,000 generated agencies × 10 years (rows written directly):
   p50 ≤ 5 ms, p99 ≤ 25 ms, over a mix of single values, trends, comparisons, rankings, regional totals,
   pinyin and mistyped names.
2. Agency resolution over 150,000 generated names: p99 ≤ 10 ms for mistyped / homophone / shortened
   names, side by side with `difflib.get_close_matches` on the same names and queries (speed ratio and
   top-1 accuracy of each; difflib runs on a subset because it scans every name per query).

    .venv/bin/python bench/answer.py [--quick] [--json PATH] [--seed N]
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEARS = list(range(2014, 2024))


def _pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))
    return s[k] * 1000


def _agencies(n: int, seed: int):
    from tools.generator import generate_agencies

    return generate_agencies(n, seed)


def _template(year: int) -> str:
    return "2008" if year <= 2018 else ("2019" if year <= 2020 else "2021")


def _values(rng: random.Random, template: str) -> dict[str, float]:
    received = rng.randint(0, 400)
    if template == "2008":
        v = {
            "apply.received.total": received,
            "apply.received.online": received // 2,
            "active.total": rng.randint(100, 9000),
            "active.by_website": rng.randint(50, 5000),
            "apply.answered.total": received,
            "apply.answered.granted": received // 2,
            "apply.answered.denied": received // 10,
            "review.total": rng.randint(0, 5),
            "review.corrected": 0,
            "litigation.total": rng.randint(0, 3),
            "litigation.corrected": 0,
            "training.trainees": rng.randint(0, 500),
            "org.staff_full_time": rng.randint(0, 9),
            "apply.fees": 0,
        }
    else:
        v = {
            "apply.received.total": received,
            "apply.received.natural_person": received - received // 5,
            "apply.received.commercial": received // 5,
            "apply.result.granted.total": received // 2,
            "apply.result.total.total": received,
            "review.total": rng.randint(0, 5),
            "review.corrected": 0,
            "litigation.direct.total": rng.randint(0, 3),
            "litigation.after_review.total": rng.randint(0, 2),
            "litigation.direct.corrected": 0,
            "litigation.after_review.corrected": 0,
            "active.license.decisions": rng.randint(0, 90000),
        }
        for k in ("state_secret", "law_prohibited", "third_party", "process_info"):
            v[f"apply.result.denied.{k}.total"] = rng.randint(0, 3)
    return v


def build_store(path: Path, n_agencies: int, seed: int):
    """Agencies, reports and values written with bulk inserts (the parsers are benchmarked elsewhere)."""
    from sqlalchemy import insert

    from reports import exact
    from reports.catalogue import definition
    from storage.db import create_all, get_engine
    from storage.models import Agency, IndicatorValue, Report

    eng = get_engine(f"sqlite:///{path}")
    create_all(eng)
    rng = random.Random(seed)
    gen = _agencies(n_agencies, seed)
    ag_rows = [
        {
            "id": i + 1,
            "name": a.name,
            "kind": a.kind,
            "region_path": "/".join(a.region_path),
            "region": a.region_path[-1] if a.region_path else "",
            "source": "report",
        }
        for i, a in enumerate(gen)
    ]
    rep_rows, val_rows = [], []
    rid = 0
    for aid in range(1, len(gen) + 1):
        for y in YEARS:
            rid += 1
            t = _template(y)
            name = gen[aid - 1].name
            rep_rows.append(
                {
                    "id": rid,
                    "agency_id": aid,
                    "year": y,
                    "template": t,
                    "title": f"{name}{y}年政府信息公开工作年度报告",
                    "file_name": f"{aid}_{y}.txt",
                    "file_hash": f"{rid:064x}",
                    "replaced_count": 0,
                    "warnings": [],
                }
            )
            for i, (k, val) in enumerate(_values(rng, t).items()):
                d = definition(k, t)
                val_rows.append(
                    {
                        "report_id": rid,
                        "indicator": k,
                        "value": exact.order_key(exact.to_exact(val)),
                        "value_text": exact.text(exact.to_exact(val)),  # the store keeps numbers exactly
                        "unit": d.unit if d else "",
                        "line_no": 20 + i,
                        "line_text": f"{d.row_label if d else k} {val}",
                        "origin": "table",
                        "section": d.section if d else "",
                        "row_label": d.row_label if d else k,
                        "column_label": d.column_label if d else "",
                    }
                )
    with eng.begin() as c:
        c.execute(insert(Agency), ag_rows)
        c.execute(insert(Report), rep_rows)
        for i in range(0, len(val_rows), 50000):
            c.execute(insert(IndicatorValue), val_rows[i : i + 50000])
    return eng, gen, len(rep_rows), len(val_rows)


def _short(a) -> str:
    """What a user would type: the name without province and city."""
    name = a.name
    for p in a.region_path[:2]:
        if name.startswith(p):
            name = name[len(p) :]
    return name or a.name


def questions(gen, rng: random.Random, n: int) -> list[str]:
    from query.agencies import pinyin

    cities = sorted({a.region_path[1] for a in gen if len(a.region_path) >= 2})
    qs = []
    kinds = [
        "value",
        "value",
        "value",
        "short",
        "trend",
        "compare",
        "rank",
        "total",
        "pinyin",
        "typo",
        "avail",
    ]
    for i in range(n):
        a = rng.choice(gen)
        b = rng.choice(gen)
        y = rng.choice(YEARS)
        kind = kinds[i % len(kinds)]
        if kind == "value":
            qs.append(f"{a.name} {y} {rng.choice(['依申请数', '复议', '诉讼', '予以公开', '纠错率'])}")
        elif kind == "short":
            qs.append(f"{_short(a)} {y}年 依申请数是多少")
        elif kind == "trend":
            qs.append(f"{a.name} 2015-2020 依申请数")
        elif kind == "compare":
            qs.append(f"{a.name}和{b.name} {y} 依申请数 对比")
        elif kind == "rank":
            qs.append(f"{y}年{rng.choice(cities)}依申请数最多的前5个单位")
        elif kind == "total":
            qs.append(f"{rng.choice(cities)} {y} 依申请数合计")
        elif kind == "pinyin":
            qs.append(
                f"{pinyin(a.region_path[-1])} {y} 复议" if len(a.region_path) > 2 else f"{a.name} {y} 复议"
            )
        elif kind == "typo":
            name = a.name
            k = rng.randrange(len(name))
            qs.append(f"{name[:k]}{name[k + 1 :]} {y} 依申请数")
        else:
            qs.append(f"{a.name}有哪些年份")
    return qs


def bench_ask(n_agencies: int, n_questions: int, seed: int) -> dict:
    from query.engine import Answerer

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        eng, gen, n_reports, n_values = build_store(Path(tmp) / "bench.db", n_agencies, seed)
        build_s = time.perf_counter() - t0
        a = Answerer(eng)
        t0 = time.perf_counter()
        a.ask("帮助")
        load_s = time.perf_counter() - t0
        rng = random.Random(seed + 1)
        qs = questions(gen, rng, n_questions)
        for q in qs[:50]:  # warm-up
            a.ask(q)
        times: list[float] = []
        cpu: list[float] = []
        statuses: dict[str, int] = {}
        for q in qs:
            c = time.thread_time()
            s = time.perf_counter()
            ans = a.ask(q)
            times.append(time.perf_counter() - s)
            cpu.append(time.thread_time() - c)
            statuses[ans.status] = statuses.get(ans.status, 0) + 1
        eng.dispose()
    return {
        "agencies": n_agencies,
        "reports": n_reports,
        "values": n_values,
        "store_build_s": build_s,
        "first_load_s": load_s,
        "questions": len(qs),
        "p50_ms": _pct(times, 0.5),
        "p99_ms": _pct(times, 0.99),
        "max_ms": max(times) * 1000,
        "statuses": statuses,
        "cpu_p50_ms": _pct(cpu, 0.5),
        "cpu_p99_ms": _pct(cpu, 0.99),
    }


def _homophone_map(names: list[str]) -> dict[str, list[str]]:
    from query.agencies import pinyin

    by_sound: dict[str, set[str]] = {}
    for n in names[:20000]:
        for ch in n:
            by_sound.setdefault(pinyin(ch), set()).add(ch)
    return {s: sorted(c) for s, c in by_sound.items() if len(c) > 1}


def resolution_queries(gen, rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """(query, expected name, kind) — typos, homophones, dropped characters, short forms."""
    from query.agencies import pinyin

    names = [a.name for a in gen]
    sounds = _homophone_map(names)
    pool = "".join(sorted({ch for nm in names[:5000] for ch in nm}))
    out = []
    kinds = ("typo", "homophone", "drop", "short", "typo", "homophone", "drop", "pinyin")
    while len(out) < n:
        a = rng.choice(gen)
        kind = kinds[len(out) % len(kinds)]
        name = a.name
        place_len = sum(len(p) for p in a.region_path[1:] if name.find(p) >= 0) or 3
        if kind == "typo":
            k = rng.randrange(len(name))
            q = name[:k] + rng.choice(pool) + name[k + 1 :]
        elif kind == "homophone":
            idx = [i for i, ch in enumerate(name[:place_len]) if pinyin(ch) in sounds]
            if not idx:
                continue
            k = rng.choice(idx)
            alts = [c for c in sounds[pinyin(name[k])] if c != name[k]]
            q = name[:k] + rng.choice(alts) + name[k + 1 :]
        elif kind == "drop":
            k = rng.randrange(len(name))
            q = name[:k] + name[k + 1 :]
        elif kind == "pinyin":
            if len(a.region_path) < 3 or not name.endswith("人民政府"):
                continue
            q = pinyin(_short(a))
        else:
            q = _short(a)
        if q != name:
            out.append((q, name, kind))
    return out


def bench_resolution(n_names: int, n_queries: int, n_difflib: int, seed: int) -> dict:
    from query.agencies import AgencyIndex, AgencyRec

    gen = _agencies(n_names, seed)
    t0 = time.perf_counter()
    index = AgencyIndex(AgencyRec(i + 1, a.name, a.kind, "/".join(a.region_path)) for i, a in enumerate(gen))
    build_s = time.perf_counter() - t0
    index.pinyin_index  # noqa: B018 - wait for the background pinyin n-grams (Latin queries) before timing
    names = [a.name for a in gen]
    by_name = {n: i + 1 for i, n in enumerate(names)}
    rng = random.Random(seed + 2)
    qs = resolution_queries(gen, rng, n_queries)
    for q, _n, _k in qs[:20]:
        index.resolve_text(q)
    times, top1, ok_right, ok_wrong, ambiguous = [], 0, 0, 0, 0
    cpu: list[float] = []
    for q, expect, _kind in qs:
        c = time.thread_time()
        s = time.perf_counter()
        res = index.resolve_text(q)
        times.append(time.perf_counter() - s)
        cpu.append(time.thread_time() - c)
        ranked = index.fuzzy(q, limit=3) if res.status != "ok" else []
        want = by_name[expect]
        if res.status == "ok":
            got = res.ids[0]
            ok_right += got == want
            ok_wrong += got != want
            top1 += got == want
        else:
            ambiguous += res.status == "ambiguous"
            best = res.ids[:1] or [a for a, _p, _s in ranked if a >= 0][:1]
            top1 += bool(best) and best[0] == want
    d_times, d_top1 = [], 0
    ours_sub = 0
    for q, expect, _kind in qs[:n_difflib]:
        s = time.perf_counter()
        got = difflib.get_close_matches(q, names, n=1, cutoff=0.6)
        d_times.append(time.perf_counter() - s)
        d_top1 += bool(got) and got[0] == expect
        res = index.resolve_text(q)
        ours_sub += bool(res.ids) and res.ids[0] == by_name[expect]
    n = len(qs)
    return {
        "names": n_names,
        "index_build_s": build_s,
        "queries": n,
        "p50_ms": _pct(times, 0.5),
        "cpu_p50_ms": _pct(cpu, 0.5),
        "cpu_p99_ms": _pct(cpu, 0.99),
        "p99_ms": _pct(times, 0.99),
        "top1": top1 / n,
        "resolved_right": ok_right / n,
        "resolved_wrong": ok_wrong / n,
        "ambiguous": ambiguous / n,
        "difflib_queries": len(d_times),
        "difflib_p50_ms": _pct(d_times, 0.5),
        "difflib_p99_ms": _pct(d_times, 0.99),
        "difflib_top1": d_top1 / max(1, len(d_times)),
        "ours_top1_same_subset": ours_sub / max(1, len(d_times)),
        "speed_ratio_p50": _pct(d_times, 0.5) / max(1e-9, _pct(times, 0.5)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (CI smoke run)")
    ap.add_argument("--json", type=Path, help="write {name: {value, unit, target, met}} here")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    n_ag, n_q = (300, 400) if args.quick else (3000, 2000)
    n_names, n_rq, n_dl = (20000, 200, 10) if args.quick else (150000, 1000, 30)

    ask = bench_ask(n_ag, n_q, args.seed)
    print(
        f"ask: {ask['agencies']} agencies × {len(YEARS)} years = {ask['reports']} reports, {ask['values']} values "
        f"(store {ask['store_build_s']:.1f}s, first load {ask['first_load_s'] * 1000:.0f} ms)"
    )
    print(
        f"  {ask['questions']} questions: p50 {ask['p50_ms']:.2f} ms, p99 {ask['p99_ms']:.2f} ms, "
        f"max {ask['max_ms']:.1f} ms (thread CPU p50 {ask['cpu_p50_ms']:.2f} ms, p99 {ask['cpu_p99_ms']:.2f} ms); "
        f"statuses {ask['statuses']}"
    )
    res = bench_resolution(n_names, n_rq, n_dl, args.seed)
    print(
        f"resolution: {res['names']} names (index {res['index_build_s']:.1f}s), {res['queries']} mistyped/short queries"
    )
    print(
        f"  ours:    p50 {res['p50_ms']:.2f} ms, p99 {res['p99_ms']:.2f} ms, top-1 {res['top1']:.1%}, "
        f"resolved right {res['resolved_right']:.1%}, resolved WRONG {res['resolved_wrong']:.1%}, "
        f"ambiguous {res['ambiguous']:.1%} (thread CPU p50 {res['cpu_p50_ms']:.2f} ms, p99 {res['cpu_p99_ms']:.2f} ms)"
    )
    print(
        f"  difflib: p50 {res['difflib_p50_ms']:.0f} ms, p99 {res['difflib_p99_ms']:.0f} ms, top-1 "
        f"{res['difflib_top1']:.1%} on {res['difflib_queries']} queries (ours on the same: "
        f"{res['ours_top1_same_subset']:.1%}); ours is {res['speed_ratio_p50']:.0f}× faster at p50"
    )
    out = {
        "ask_p50_ms": {
            "value": round(ask["p50_ms"], 3),
            "unit": "ms",
            "target": 5,
            "met": ask["p50_ms"] <= 5,
        },
        "ask_p99_ms": {
            "value": round(ask["p99_ms"], 3),
            "unit": "ms",
            "target": 25,
            "met": ask["p99_ms"] <= 25,
        },
        "resolve_p99_ms": {
            "value": round(res["p99_ms"], 3),
            "unit": "ms",
            "target": 10,
            "met": res["p99_ms"] <= 10,
        },
        "resolve_top1": {"value": round(res["top1"], 4), "unit": "ratio", "target": None, "met": None},
        "resolve_wrong_silent": {
            "value": round(res["resolved_wrong"], 4),
            "unit": "ratio",
            "target": None,
            "met": None,
        },
        "difflib_top1": {
            "value": round(res["difflib_top1"], 4),
            "unit": "ratio",
            "target": None,
            "met": None,
        },
        "difflib_speed_ratio": {
            "value": round(res["speed_ratio_p50"], 1),
            "unit": "x",
            "target": None,
            "met": None,
        },
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(
        f"load average during the run: {load:.1f} on {os.cpu_count()} CPUs (wall times include waiting for a CPU)"
    )
    out["ask_cpu_p99_ms"] = {
        "value": round(ask["cpu_p99_ms"], 3),
        "unit": "ms",
        "target": 25,
        "met": ask["cpu_p99_ms"] <= 25,
    }
    out["resolve_cpu_p99_ms"] = {
        "value": round(res["cpu_p99_ms"], 3),
        "unit": "ms",
        "target": 10,
        "met": res["cpu_p99_ms"] <= 10,
    }
    # at the end of the run; bench/run_all.py records answer.load_average (at the start) for every step
    out["load_average_end"] = {"value": round(load, 2), "unit": "", "target": None, "met": None}
    if args.quick:
        for v in out.values():
            v["quick"] = True
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(v["met"] is not False for v in out.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
