"""End to end over a small generated corpus: parse + ingest (other helpers' code) + answer (ours).

The expected numbers come from the generator's manifest, never from the engine. Skipped when the
generator or the ingest is not available yet.
"""

from __future__ import annotations

import random

import pytest

from tests.query.conftest import TODAY, said


@pytest.mark.parametrize("word,key", [("依申请数", "apply.received.total"), ("行政复议", "review.total")])
def test_generated_values_by_full_name(corpus, word, key):
    answerer, manifest = corpus
    checked = 0
    for r in manifest:
        if key not in r["values"]:
            continue
        ans = answerer.ask(f"{r['agency']} {r['year']}年 {word}", today=TODAY)
        assert ans.status == "ok", said(ans)
        assert [(a.agency, a.year, a.indicator, a.value) for a in ans.answers] == [
            (r["agency"], r["year"], key, r["values"][key])
        ]
        checked += 1
    assert checked >= 10


def test_generated_values_by_short_name(corpus):
    """The name without its city (e.g. 怀峰县教育局) resolves to the same body when it is unique."""
    answerer, manifest = corpus
    rng = random.Random(1)
    for r in rng.sample(manifest, 8):
        path = r["region_path"]
        short = r["agency"]
        if path and short.startswith(path[0]) and len(path) > 1:
            short = short[len(path[0]) :]
        ans = answerer.ask(f"{short} {r['year']} 依申请数", today=TODAY)
        if ans.status == "ambiguous":
            assert r["agency"] in [c.label for c in ans.candidates]
            continue
        assert ans.status == "ok", said(ans)
        assert ans.answers[0].agency == r["agency"]
        assert ans.answers[0].value == r["values"]["apply.received.total"]


def test_generated_trend_matches_manifest(corpus):
    answerer, manifest = corpus
    by_agency: dict[str, dict[int, float]] = {}
    for r in manifest:
        by_agency.setdefault(r["agency"], {})[r["year"]] = r["values"]["apply.received.total"]
    agency, years = max(by_agency.items(), key=lambda kv: len(kv[1]))
    ans = answerer.ask(f"{agency} 历年 依申请数", today=TODAY)
    assert ans.intent == "trend"
    assert [(a.year, a.value) for a in ans.answers] == sorted(years.items())
