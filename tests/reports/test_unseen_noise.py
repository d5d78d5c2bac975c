"""Round trip over the issue-13 (p13b) noise kinds of the generator: who published it (web-page lines,
a title naming no body with the body in the 落款, a name wrapped over lines, 二〇二三年), money units
printed in the cell or a note, 信息处理费 wordings — alone, mixed, and in DOCX (with Word features) and
PDF containers. Every value, its unit, the body and the year must come back exactly; nothing extra.
"""

from __future__ import annotations

import itertools
import random

import pytest

from reports.parse import parse_bytes, parse_text
from tests.reports.docx_features import WORD_FEATURES
from tools.generator import (
    UNSEEN_NOISE,
    generate_agencies,
    generate_report,
    to_docx,
    to_pdf,
    with_unseen_noise,
)

AGENCIES = generate_agencies(12, seed=13)
TITLE_KINDS = ("signed_only", "wrapped_title")  # one title shape at a time (signed_only wins)


def _case(seed: int) -> tuple:
    rng = random.Random(f"unseen-case:{seed}")
    template = rng.choice(("2019", "2021", "2008"))
    gen = AGENCIES[seed % len(AGENCIES)]
    year = {"2019": 2020, "2021": 2023, "2008": 2016}[template]
    kinds = {k for k in UNSEEN_NOISE if rng.random() < 0.5}
    base = generate_report(seed, template, gen, year, noise=["tabs", "label_variants"])
    return with_unseen_noise(base, kinds, seed)


def _check(rep, gen) -> None:
    assert (rep.identity.agency, rep.identity.year) == (gen.agency, gen.year)
    got = rep.value_map()
    wrong = {k: (v, got.get(k)) for k, v in gen.values.items() if got.get(k) != v}
    assert not wrong, (sorted(gen.noise), wrong)
    assert set(got) - set(gen.values) <= {"litigation.total"}, sorted(set(got) - set(gen.values))
    units = {v.key: v.unit for v in rep.values}
    for key, unit in gen.units.items():
        assert units[key] == unit, (key, sorted(gen.noise))


@pytest.mark.parametrize("seed", range(40))
def test_text_round_trip(seed):
    gen = _case(seed)
    _check(parse_text(gen.text, "report.txt"), gen)


@pytest.mark.parametrize(("seed", "feature"), list(itertools.product(range(0, 40, 5), sorted(WORD_FEATURES))))
def test_docx_round_trip(seed, feature):
    gen = _case(seed)
    _check(parse_bytes(WORD_FEATURES[feature](to_docx(gen.text)), "report.docx"), gen)


@pytest.mark.parametrize(("seed", "tables"), list(itertools.product(range(1, 40, 9), ("grid", "positions"))))
def test_pdf_round_trip(seed, tables):
    gen = _case(seed)
    _check(parse_bytes(to_pdf(gen.text, tables=tables), "report.pdf"), gen)


def test_each_kind_is_drawn():
    drawn = set().union(*(_case(s).noise for s in range(40)))
    assert set(UNSEEN_NOISE) <= drawn
    assert set(TITLE_KINDS) <= drawn
