"""Fuzzing the question reader and the answer engine (issue 7): a chat user can type anything.

Properties:
- parse_question never raises, and its internal reader `_parse` does not either (the public wrapper
  turns a reader bug into "no structure", which would hide it); what it reads stays in range;
- Answerer.ask never raises, always returns ok|ambiguous|not_found|no_data, and never answers with the
  "could not handle this question" fallback, which only a swallowed exception produces;
- the answer's JSON form and its follow-up context serialise as plain JSON (no NaN);
- every number in an ok answer has a source (report title, line number, non-empty line text), and a
  table/prose number is printed on that line (NFKC, thousands separators); a store-wide answer whose
  value is computed (a total, a rate) keeps its parts' sources.

Two stores: the committed sample fixtures (tests/fixtures, real parser output) and the hand-made
fixture store of tests/query/conftest.py (18 reports, several years, regions and blank cells).
Follow-ups are fuzzed too: a sequence of questions with each answer's context handed to the next.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

from query.engine import Answerer
from query.parse_question import MAX_CHARS, MAX_RANGE, MAX_YEAR, MIN_YEAR, _parse, normalize, parse_question
from reports import exact
from reports.prose import to_number
from storage.db import create_all, get_engine
from tests.query.conftest import said

pytestmark = pytest.mark.fuzz

TODAY = date(2021, 1, 31)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STATUSES = {"ok", "ambiguous", "not_found", "no_data"}
FALLBACK = "这个问题没能处理"

# ----------------------------------------------------------------------------------------- vocabulary

AGENCIES = (
    "临江市",
    "临江市人民政府",
    "河西区",
    "河西区审批局",
    "临江市河西区审批服务管理局",
    "白石市",
    "城关区",
    "白石市城关区人民政府",
    "清水县公安局",
    "兴庆区",
    "银川市兴庆区人民政府",
    "兴庆区教育局",
    "西夏区",
    "西夏区审批局",
    "银川市",
    "金凤区",
    "中卫市",
    "沙坡头区",
    "洪泽区",
    "惠农区",
    "xqq",
    "xingqing",
    "银川市政务服务管理局",
    "宁夏",
    "江苏省",
    "全市",
)
YEARS = (
    "2016",
    "2017",
    "2019年",
    "2020年度",
    "2023",
    "二〇二〇年",
    "二零一九",
    "20年",
    "去年",
    "今年",
    "前年",
    "近3年",
    "近三年",
    "2017到2020",
    "2017-2020",
    "2017～20",
    "2018年以来",
    "历年",
    "1989",
    "2101",
    "0000",
    "99年",
)
INDICATORS = (
    "依申请数",
    "依申请总数",
    "行政复议",
    "复议",
    "行政诉讼",
    "诉讼",
    "主动公开",
    "投诉",
    "处理费",
    "纠错率",
    "公开率",
    "予以公开",
    "不予公开",
    "结转下年",
    "上年结转",
    "收费",
    "专项经费",
    "培训人次",
    "网上申请",
    "新闻发布会",
    "依申请数比例",
)
INTENTS = (
    "最多",
    "最少",
    "前5",
    "前十名",
    "排名",
    "合计",
    "总数",
    "对比",
    "比较",
    "趋势",
    "变化",
    "有哪些年份",
    "有哪些单位",
    "是什么意思",
    "怎么算",
    "帮助",
    "那",
    "呢",
    "和",
    "、",
    "与",
    "/source",
    "/export",
    "/help",
    "/start",
    "@disclosure_bot",
    "？",
    "!",
    " ",
)
PIECES = st.one_of(
    st.sampled_from(AGENCIES),
    st.sampled_from(YEARS),
    st.sampled_from(INDICATORS),
    st.sampled_from(INTENTS),
    st.integers(-5, 3000).map(str),
    st.text(max_size=4),
    st.text(alphabet="０１２３４５６７８９年区市局县一二十百", max_size=6),
)
# agency + year + indicator (+ intent), the shape most real questions have, in any order
WELL_FORMED = st.tuples(
    st.lists(st.sampled_from(AGENCIES), min_size=1, max_size=2),
    st.lists(st.sampled_from(("2016", "2017", "2020", "2023", *YEARS)), max_size=2),
    st.lists(st.sampled_from(INDICATORS), min_size=1, max_size=2),
    st.lists(st.sampled_from(INTENTS), max_size=1),
    st.randoms(use_true_random=False),
    st.sampled_from(["", " ", "，"]),
).map(lambda t: t[5].join(t[4].sample(p := t[0] + t[1] + t[2] + t[3], len(p))))
QUESTIONS = st.one_of(
    WELL_FORMED,
    st.text(max_size=200),
    st.lists(PIECES, max_size=8).map("".join),
    st.lists(PIECES, max_size=8).map(" ".join),
)

# ----------------------------------------------------------------------------------------- stores


@pytest.fixture(scope="module")
def sample_answerer(tmp_path_factory) -> Answerer:
    """The committed sample fixtures, ingested by the real parser (GBK text of each format)."""
    from service.ingest import ingest_paths

    path = tmp_path_factory.mktemp("fuzz_store") / "store.db"
    eng = get_engine(f"sqlite:///{path}")
    create_all(eng)
    files = sorted(FIXTURES.glob("sample_*_gbk.txt"))
    summary = ingest_paths(eng, files, progress=False, workers=1)
    assert sum(r.outcome == "stored" for r in summary.results) == len(files)
    return Answerer(eng)


@pytest.fixture(scope="module", params=["samples", "hand_made"])
def answerer(request, sample_answerer) -> Answerer:
    if request.param == "samples":
        return sample_answerer
    return request.getfixturevalue("fixture_answerer")


# ----------------------------------------------------------------------------------------- checks


def _numbers(text: str, chinese: bool = False) -> set[float]:
    t = re.sub(r"(?<=\d),(?=\d{3})", "", unicodedata.normalize("NFKC", text))
    found = {float(m) for m in re.findall(r"\d+(?:\.\d+)?", t)}
    if chinese:
        for run in re.findall(r"[零〇一二两三四五六七八九十百千万]+", t):
            found |= {
                v
                for i in range(len(run))
                for j in range(i + 1, len(run) + 1)
                if (v := to_number(run[i:j])) is not None
            }
    return found


def swallowed(answerer: Answerer, question: str, context: dict | None = None) -> BaseException | None:
    """The exception behind a fallback answer: ask() hides it from the user, the test wants to see it."""
    try:
        answerer._answer(question, TODAY, dict(context or {}))
    except Exception as err:  # noqa: BLE001 - returned to the caller
        return err
    return None


def check_answer(
    answer, question: str, answerer: Answerer | None = None, context: dict | None = None
) -> None:
    assert answer.status in STATUSES, answer.status
    text = said(answer)  # what every front end shows (service.render)
    assert isinstance(text, str) and text.strip(), "an answer always says something"
    if FALLBACK in text:
        err = swallowed(answerer, question, context) if answerer is not None else None
        if err is not None:
            raise AssertionError(f"ask() swallowed {type(err).__name__}: {err}") from err
        raise AssertionError(f"a swallowed exception: {text}")
    payload = answer.to_json()
    assert payload["status"] == answer.status
    # the `ask --json` contract (written by reports.exact.dumps: Decimals as JSON numbers with their
    # digits) and the saved follow-up context are plain JSON (no NaN, no objects)
    exact.dumps(payload, ensure_ascii=False, allow_nan=False)
    json.dumps(answer.context, ensure_ascii=False, allow_nan=False)
    if answer.status != "ok":
        return
    for row in answer.answers:
        if row.value is None:
            continue  # "no data" rows say so; they carry no number
        src = row.source
        assert src is not None, f"a number without a source: {row}"
        assert src.report_title and src.line_no >= 1 and src.line_text.strip(), src
        assert src.origin in {"table", "prose", "derived"}, src.origin
        if src.origin == "table" and row.unit != "%":
            assert abs(float(row.value)) in _numbers(src.line_text), (
                f"{row.indicator}={row.value} not on its source line {src.line_text!r}"
            )
        if src.origin == "prose" and row.value != 0:  # a prose 0 may be "未收到…申请", in words
            assert abs(float(row.value)) in _numbers(src.line_text, chinese=True), (
                f"{row.indicator}={row.value} not on its source line {src.line_text!r}"
            )


# ----------------------------------------------------------------------------------------- reader


@given(st.one_of(st.text(max_size=300), QUESTIONS))
@example("二〇二〇到二〇一〇年")
@example("/start@bot 近九十九年")
@example("前0名")
def test_reader_never_raises_and_stays_in_range(question):
    pq = _parse(question, TODAY)  # the internal reader: the public wrapper would hide a crash
    assert parse_question(question, TODAY) == pq
    assert all(MIN_YEAR <= y <= MAX_YEAR for y in pq.years), pq.years
    assert pq.years == sorted(set(pq.years))
    if pq.year_range:
        a, b = pq.year_range
        assert a <= b and b - a <= MAX_RANGE and set(range(a, b + 1)) <= set(pq.years)
    assert pq.recent_n is None or 1 <= pq.recent_n <= MAX_RANGE
    assert pq.top_n is None or 1 <= pq.top_n <= 1000
    assert len(pq.raw) <= MAX_CHARS and len(pq.text) <= MAX_CHARS
    assert "  " not in pq.rest and pq.rest == pq.rest.strip()


@given(st.one_of(st.text(max_size=300), QUESTIONS))
def test_normalising_twice_changes_nothing(question):
    once = normalize(question)
    assert normalize(once) == once


@given(st.one_of(st.none(), st.integers(), st.binary(max_size=20), st.lists(st.integers(), max_size=3)))
def test_reader_takes_non_text_without_raising(thing):
    pq = parse_question(thing, TODAY)  # type: ignore[arg-type]
    assert isinstance(pq.text, str)


@given(
    st.sampled_from(AGENCIES),
    st.sampled_from(INDICATORS),
    st.integers(MIN_YEAR, 2099),
    st.integers(0, MAX_RANGE),
    st.sampled_from(["到", "-", "至", "~", "—", "－", "～"]),
    st.sampled_from(["", "年", "年度"]),
    st.sampled_from(["", " ", "，"]),
    st.booleans(),
)
def test_the_years_a_question_states_are_read(agency, indicator, first, span, dash, suffix, sep, as_range):
    """ "兴庆区 2017年 依申请数" reads [2017]; "2017到2020" (any dash, 年/年度 or not) reads 2017…2020."""
    last = min(2099, first + span)
    if as_range:
        question = f"{agency}{sep}{first}{suffix}{dash}{last}{suffix}{sep}{indicator}"
        want = list(range(first, last + 1))
    else:
        question = f"{agency}{sep}{first}{suffix}{sep}{indicator}"
        want = [first]
    pq = parse_question(question, TODAY)
    assert pq.years == want, (question, pq.years)


# ----------------------------------------------------------------------------------------- engine


@given(question=QUESTIONS)
@example(question="临江市 2023 依申请数")
@example(question="白石市 2016 依申请总数")
@example(question="2020年依申请数最多的单位")
@example(question="江市人民政总数")  # a place and 总数 but no indicator: never the "both readings" total
@example(question="白石市 2020 总数")
@example(question="临江市合计")
def test_ask_never_raises_and_every_number_has_a_source(answerer, question):
    answer = answerer.ask(question, today=TODAY)
    note(said(answer))
    check_answer(answer, question, answerer)


@given(st.lists(QUESTIONS, min_size=2, max_size=5))
def test_follow_up_chains(answerer, questions):
    """Each answer's context goes to the next question, as the terminal chat does."""
    context: dict = {}
    for q in questions:
        answer = answerer.ask(q, today=TODAY, context=context)
        note(f"{q!r} → {answer.status}: {said(answer)[:120]}")
        check_answer(answer, q, answerer, context)
        if answer.status in {"ok", "no_data"}:
            context = dict(answer.context)


_CHATS = itertools.count()


@given(st.lists(QUESTIONS, min_size=2, max_size=5))
def test_follow_up_chains_kept_in_the_store(answerer, questions):
    """The bot's way: context saved per chat in the store. An answer that is not ok/no_data leaves the
    saved context alone; one that changes it saves exactly the answer's context."""
    from storage.conversations import load_context

    chat = f"fuzz:{next(_CHATS)}"
    for q in questions:
        before = load_context(answerer.engine, chat)
        answer = answerer.ask(q, today=TODAY, chat_key=chat)
        note(f"{q!r} → {answer.status}: {said(answer)[:120]}")
        check_answer(answer, q, answerer, before)
        after = load_context(answerer.engine, chat)
        if answer.status not in {"ok", "no_data"}:
            assert after == before
        elif after != before:
            assert after == answer.context


def test_the_answer_check_can_fail(sample_answerer):
    answer = sample_answerer.ask("临江市 2023 依申请数", today=TODAY)
    assert answer.status == "ok" and answer.answers
    check_answer(answer, "")
    answer.answers[0].value = 98765.0
    with pytest.raises(AssertionError):
        check_answer(answer, "")
    answer.answers[0].source = None
    with pytest.raises(AssertionError):
        check_answer(answer, "")


# ----------------------------------------------------------------------------------------- regressions


def test_two_name_segments_that_each_combine(sample_answerer):
    """Found by this fuzzing (fixed in query.engine, 3733797): two name runs split by a year, each made
    of several agency forms; the second run's mention indices pointed past the list the first run's
    combination had rebuilt (IndexError, answered as "could not handle this question")."""
    question = "临江临江人民政府2000临江临江"
    assert swallowed(sample_answerer, question) is None
    check_answer(sample_answerer.ask(question, today=TODAY), question, sample_answerer)


# ----------------------------------------------------------------------------------------- same question, other spelling

_WORDS = {"依申请数": "apply.received.total", "行政复议": "review.total", "行政诉讼": "litigation.total"}
_FW = str.maketrans("0123456789", "０１２３４５６７８９")


def _signature(answer) -> tuple:
    return answer.status, [(r.agency, r.year, r.indicator, r.value) for r in answer.answers]


@given(
    st.integers(0, 10**6),
    st.sampled_from(sorted(_WORDS)),
    st.permutations([0, 1, 2]),
    st.sampled_from([" ", "", "，", "  ", "、"]),
    st.booleans(),
    st.sampled_from(["{y}", "{y}年", "{y}年度"]),
)
def test_word_order_separators_and_full_width_digits_change_no_answer(
    fixture_answerer, pick, word, order, sep, full_width, year_format
):
    """ "单位 年份 指标" in any order, joined any way, with ０-９: the same answer, and it is the stored
    cell (blank → no_data; 行政诉讼 may be computed from its two parts when the total is not printed)."""
    from tests.query.conftest import FIXTURE_REPORTS, fixture_value

    rep = FIXTURE_REPORTS[pick % len(FIXTURE_REPORTS)]
    want = fixture_answerer.ask(f"{rep.agency} {rep.year} {word}", today=TODAY)
    parts = [rep.agency, year_format.format(y=rep.year), word]
    question = sep.join(parts[i] for i in order)
    if full_width:
        question = question.translate(_FW)
    got = fixture_answerer.ask(question, today=TODAY)
    note(f"{question!r} → {said(got)[:200]}")
    check_answer(got, question, fixture_answerer)
    assert _signature(got) == _signature(want)
    stored = fixture_value(rep.agency, rep.year, _WORDS[word])
    if _WORDS[word] == "litigation.total":
        return
    if stored is None:
        assert want.status == "no_data", want.text
    else:
        assert want.status == "ok" and [r.value for r in want.answers] == [stored], want.text
