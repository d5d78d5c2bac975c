"""Indicator words → catalogue keys per template, derived formulas and glossary text."""

from __future__ import annotations

import pytest

from query.indicators import CONCEPTS, IndicatorMatch, describe, glossary, keys_of, phrase_table, suggestions
from reports.catalogue import definition


def match(word: str) -> IndicatorMatch:
    from query.indicators import column_concept, concept

    cid, col = phrase_table()[word]
    return IndicatorMatch(column_concept(col) if col else concept(cid), col)


@pytest.mark.parametrize(
    ("word", "template", "key"),
    [
        ("依申请数", "2008", "apply.received.total"),
        ("依申请数", "2019", "apply.received.total"),
        ("依申请数", "2021", "apply.received.total"),
        ("收到申请", "2008", "apply.received.total"),
        ("申请量", "2021", "apply.received.total"),
        ("新收申请", "2019", "apply.received.total"),
        ("复议", "2008", "review.total"),
        ("复议", "2021", "review.total"),
        ("诉讼", "2008", "litigation.total"),
        ("诉讼", "2019", "litigation.total"),
        ("主动公开", "2008", "active.total"),
        ("予以公开", "2008", "apply.answered.granted"),
        ("予以公开", "2019", "apply.result.granted.total"),
        ("不予公开", "2008", "apply.answered.denied"),
        ("网站公开", "2008", "active.by_website"),
        ("培训人次", "2008", "training.trainees"),
        ("专职人员", "2008", "org.staff_full_time"),
        ("收费", "2008", "apply.fees"),
        ("收费", "2021", "apply.processing_fee"),
        ("网上申请", "2008", "apply.received.online"),
        ("网络申请", "2008", "apply.received.online"),
        ("复议纠错", "2008", "review.corrected"),
        ("行政复议纠正", "2019", "review.corrected"),
        ("收到申请数", "2019", "apply.received.total"),
        ("行政复议数量", "2019", "review.total"),
    ],
)
def test_word_to_key(word, template, key):
    assert match(word).formula(template) == key


@pytest.mark.parametrize(
    ("word", "template"),
    [("主动公开", "2019"), ("网上申请", "2021"), ("培训人次", "2019"), ("自然人", "2008"), ("收费", "2019")],
)
def test_not_in_format(word, template):
    assert match(word).formula(template) is None


def test_applicant_columns():
    m = match("自然人")
    assert m.concept.id == "column:natural_person"
    from query.indicators import combine

    got = combine([IndicatorMatch(CONCEPTS["granted"]), m])
    assert [g.formula("2019") for g in got] == ["apply.result.granted.natural_person"]
    got = combine([match("商业企业")])
    assert [g.formula("2021") for g in got] == ["apply.received.commercial"]


def test_derived_formulas_read_existing_keys():
    for c in CONCEPTS.values():
        for t in ("2008", "2019", "2021"):
            for k in keys_of(c.formula(t)):
                if k == "litigation.total" and t != "2008":
                    continue  # stored by the parser as a derived sum; the engine recomputes it if absent
                assert definition(k, t) is not None and t in definition(k, t).templates, (c.id, t, k)


def test_describe_names_row_and_column():
    text = describe("apply.received.total", "2019")
    assert "总计" in text and "本年新收" in text
    assert "÷" in describe(CONCEPTS["correction_rate"].formula("2019"), "2019")


def test_glossary_mentions_each_format():
    text = glossary(IndicatorMatch(CONCEPTS["apply_received"]))
    assert "2008" in text and "2019" in text and "2021" in text


def test_suggestions():
    assert "依申请数" in suggestions("依申请书")
    assert "行政复议" in suggestions("行政复义")
    assert suggestions("") == []
