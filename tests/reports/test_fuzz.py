"""Fuzzing the report parser (issue 7): arbitrary text, and real-looking reports mutated line by line.

Properties, for every input:
- parse_text / parse_bytes / parse_path either return a ParsedReport or raise ReportError (with a code);
  any other exception is a bug;
- every value has provenance: a line number inside the normalised input, and a non-empty line text that
  is exactly that line (surrounding whitespace aside);
- no number the input does not contain: a table or prose value appears on its cited line (after the
  documented normalisations: NFKC full-width digits, thousands separators, "12件"-style units, Chinese
  numerals in prose; a prose 0 may come from a "无/未收到" sentence; a number wrapped onto the next line
  of a paragraph; a 2019/2021 table row whose cells were printed one per line cites the row's first line);
  a derived value equals its documented formula over values that are themselves present.

`HYPOTHESIS_PROFILE=full` (registered in tests/conftest.py) runs many more examples; the tests carry the
`fuzz` marker so `pytest -m fuzz` selects just them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from reports import exact
from reports.model import ParsedReport, ReportError
from reports.parse import DERIVED_MODERN, parse_bytes, parse_path, parse_text
from reports.prose import to_number
from reports.readers import read_document
from reports.text import to_lines
from tools.generator import NOISE_KINDS, TEMPLATES, generate_agencies, generate_report

pytestmark = pytest.mark.fuzz

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
YEAR = {"2008": 2016, "2019": 2020, "2021": 2023, "narrative": 2014}

# ----------------------------------------------------------------------------------------- the property


_NUM = re.compile(r"\d+(?:\.\d+)?")
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万]+")


def _numbers_in(text: str, chinese: bool = False) -> set[exact.Number]:
    """Every number a line prints, after the normalisations the parsers document (exactly: 0.69 is
    Decimal('0.69'), as the parser reads it)."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)  # thousands separators
    found = {exact.to_exact(m.group(0)) for m in _NUM.finditer(t)}
    if chinese:
        for m in _CN_RUN.finditer(t):
            run = m.group(0)
            # every substring: "共收到二十件" → 二十, also "十二五" style runs where a part is the number
            for i in range(len(run)):
                for j in range(i + 1, min(len(run), i + 8) + 1):
                    v = to_number(run[i:j])
                    if v is not None:
                        found.add(v)
    return found


def _digits_only(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def check_report(text: str, parsed: ParsedReport) -> None:
    """Provenance and "no invented number" for one parse of `text` (the decoded, pre-split input)."""
    lines = to_lines(text)
    by_key = {v.key: v for v in parsed.values}
    assert len(by_key) == len(parsed.values), "a key appears twice"
    for v in parsed.values:
        where = f"{v.key}={v.value} ({v.origin}) line {v.line_no}: {v.line_text!r}"
        assert 1 <= v.line_no <= len(lines), where
        printed = lines[v.line_no - 1].raw
        assert v.line_text.strip(), where
        assert v.line_text.strip() == printed.strip(), f"{where} but line is {printed!r}"
        assert v.value == v.value and abs(v.value) != float("inf"), where
        if v.origin == "derived":
            parts = dict(DERIVED_MODERN).get(v.key)
            assert parts is not None, f"undocumented derived value {where}"
            assert all(p in by_key and by_key[p].origin != "derived" for p in parts), where
            assert v.value == exact.total(by_key[p].value for p in parts), where
            continue
        if v.origin == "prose":
            if v.value == 0:
                continue  # "未收到…申请", "无。": a zero stated in words
            # a paragraph joins wrapped lines, so the number may continue on the next line
            joined = _digits_only(printed) + "".join(
                _digits_only(ln.raw) for ln in lines[v.line_no : v.line_no + 2]
            )
            assert v.value in _numbers_in(printed, chinese=True) or v.value in _numbers_in(
                joined, chinese=True
            ), f"prose number not on its line: {where}"
            continue
        assert v.origin == "table", where
        values_here = _numbers_in(printed)
        if abs(v.value) in values_here:
            continue
        if parsed.template in ("2019", "2021"):
            # a row whose cells were printed one per line (web tables) cites its first line
            later = set().union(*(_numbers_in(ln.raw) for ln in lines[v.line_no - 1 :]))
            assert abs(v.value) in later, f"table number not in the input after its line: {where}"
            continue
        raise AssertionError(f"table number not on its line: {where}")
    for f in parsed.findings:
        # a finding names its rule, says it in words, points at a real line and is about values we hold
        assert f.rule and f.message.strip(), f
        assert f.line_no is None or 1 <= f.line_no <= len(lines), f
        for key, value in f.values.items():
            assert value is None or value == value, f  # no NaN
            if f.rule != "prose_vs_table":
                assert key in by_key or value is None, f"finding about a value not extracted: {f}"
    assert all(isinstance(w, str) and w for w in parsed.warnings)


def parse_or_reject(text: str, file_name: str = "") -> ParsedReport | None:
    try:
        parsed = parse_text(text, file_name=file_name)
    except ReportError as err:
        assert err.code and err.reason, err
        return None
    check_report(text, parsed)
    return parsed


# ----------------------------------------------------------------------------------------- seed texts


@functools.cache
def fixture_texts() -> tuple[tuple[str, str], ...]:
    """(file name, decoded text) of every committed sample fixture (all four containers)."""
    out = []
    for p in sorted(FIXTURES.glob("sample_*")):
        if p.name.endswith(".json"):
            continue
        out.append((p.name, read_document(p.read_bytes(), p.name)))
    return tuple(out)


@st.composite
def generated_text(draw) -> tuple[str, str]:
    template = draw(st.sampled_from(TEMPLATES))
    seed = draw(st.integers(0, 10**6))
    noise = draw(st.one_of(st.none(), st.frozensets(st.sampled_from(NOISE_KINDS), max_size=5)))
    agency = generate_agencies(3, seed % 31)[seed % 3]
    rep = generate_report(seed, template, agency, YEAR[template] + seed % 2, noise=noise)
    return rep.file_name, rep.text


def seed_text() -> st.SearchStrategy[tuple[str, str]]:
    return st.one_of(st.sampled_from(fixture_texts()), generated_text())


# ----------------------------------------------------------------------------------------- mutations

_FW = str.maketrans("0123456789", "０１２３４５６７８９")
_CN = str.maketrans("0123456789", "〇一二三四五六七八九")
_SNIPPETS = (
    "统计指标 单位 统计数",
    "收到申请数 件",
    "（一）收到申请数",
    "件",
    "条",
    "0",
    "12",
    "1,234",
    "－3",
    "二十",
    "一、主动公开情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "本年新收政府信息公开申请数量 1 2 3 4 5 6 21",
    "共收到政府信息公开申请二十件，其中当面申请5件。",
    "未发生行政复议、行政诉讼。",
    "无。",
    "- 3 -",
    "第 2 页",
    "|---|---|",
    "\t\t\t",
    "（不同渠道和方式公开相同信息计1条）",
    "注：",
    "单位负责人：",
    "2019年",
)


def _mutate_line(draw, line: str) -> str:
    kind = draw(st.sampled_from(["insert", "fullwidth", "chinese", "digit", "cut", "replace_num"]))
    if kind == "fullwidth":
        return line.translate(_FW)
    if kind == "chinese":
        return line.translate(_CN)
    pos = draw(st.integers(0, len(line)))
    if kind == "insert":
        piece = draw(
            st.one_of(
                st.text(max_size=4),
                st.sampled_from(["0", "7", "99", "1.5", "-", "|", "\t", "  ", "（", "）", "件", "万元"]),
            )
        )
        return line[:pos] + piece + line[pos:]
    if kind == "digit":
        return line[:pos] + str(draw(st.integers(0, 99999))) + line[pos:]
    if kind == "cut":
        end = draw(st.integers(pos, len(line)))
        return line[:pos] + line[end:]
    nums = list(re.finditer(r"\d+", line))
    if not nums:
        return line
    m = draw(st.sampled_from(nums))
    return line[: m.start()] + str(draw(st.integers(0, 10**7))) + line[m.end() :]


@st.composite
def mutated(draw, base: st.SearchStrategy[tuple[str, str]] | None = None) -> tuple[str, str]:
    """A seed report with 1–6 random line-level edits."""
    name, text = draw(base if base is not None else seed_text())
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            lines = [""]
        n = len(lines)
        i = draw(st.integers(0, n - 1))
        op = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "edit", "merge", "split", "insert", "truncate", "digits"]
            )
        )
        if op == "delete":
            del lines[i : i + draw(st.integers(1, 5))]
        elif op == "duplicate":
            lines[i:i] = lines[i : i + draw(st.integers(1, 3))]
        elif op == "swap":
            j = draw(st.integers(0, n - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "edit":
            lines[i] = _mutate_line(draw, lines[i])
        elif op == "merge" and i + 1 < n:
            lines[i : i + 2] = [lines[i] + draw(st.sampled_from(["", " ", "\t", "  "])) + lines[i + 1]]
        elif op == "split":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i : i + 1] = [lines[i][:pos], lines[i][pos:]]
        elif op == "insert":
            lines.insert(i, draw(st.one_of(st.sampled_from(_SNIPPETS), st.text(max_size=30))))
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
        elif op == "digits":
            table = draw(st.sampled_from([_FW, _CN]))
            lines = [ln.translate(table) for ln in lines]
    return name, "\n".join(lines)


# ----------------------------------------------------------------------------------------- tests


def test_the_checker_can_fail():
    """The property is real: a value moved to another line, or changed, is caught."""
    name, text = fixture_texts()[0]
    parsed = parse_text(text, file_name=name)
    check_report(text, parsed)
    v = next(v for v in parsed.values if v.origin == "table" and v.value > 1)
    original = (v.value, v.line_no)
    v.value = v.value * 1000 + 7
    with pytest.raises(AssertionError):
        check_report(text, parsed)
    v.value, v.line_no = original
    v.line_no = v.line_no + 1 if v.line_no < len(text.split("\n")) else v.line_no - 1
    with pytest.raises(AssertionError):
        check_report(text, parsed)


@pytest.mark.parametrize("index", range(16))
def test_fixtures_satisfy_the_property(index):
    name, text = fixture_texts()[index]
    assert parse_or_reject(text, name) is not None


@given(st.text(max_size=2000), st.sampled_from(["", "x.txt", "某某区人民政府2019年报告.txt"]))
def test_arbitrary_text(text, file_name):
    parse_or_reject(text, file_name)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(_SNIPPETS),
            st.text(alphabet="0123456789０１２３ 　\t|件条一二十（）、.-", max_size=20),
            st.text(max_size=12),
        ),
        max_size=60,
    )
)
def test_report_shaped_noise(lines):
    """Lines made of report vocabulary, numbers and separators, under a real title."""
    text = "临江市河西区人民政府2019年政府信息公开工作年度报告\n" + "\n".join(lines)
    parse_or_reject(text)


@given(generated_text())
def test_generated_reports(seed):
    name, text = seed
    assert parse_or_reject(text, name) is not None


@given(mutated())
def test_mutated_reports(seed):
    name, text = seed
    note(text)
    parse_or_reject(text, name)


@given(mutated(st.sampled_from(fixture_texts())), st.sampled_from(["", "file"]))
def test_mutated_fixtures_with_and_without_file_name(seed, use_name):
    name, text = seed
    parse_or_reject(text, name if use_name else "")


_ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "big5", "utf-16-le"]


@given(
    mutated(),
    st.sampled_from(_ENCODINGS),
    st.sampled_from([".txt", ".md", ".TXT", ".html", ".htm", ""]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_mutated_reports_as_bytes(seed, encoding, suffix, newline):
    name, text = seed
    data = text.replace("\n", newline).encode(encoding, errors="replace")
    file_name = Path(name).stem + suffix
    try:
        decoded = read_document(data, file_name)
    except ReportError as err:
        assert err.code, err
        decoded = None
    try:
        parsed = parse_bytes(data, file_name)
    except ReportError as err:
        assert err.code and err.reason, err
        return
    assert decoded is not None
    check_report(decoded, parsed)


@given(
    st.binary(max_size=3000), st.sampled_from(["a.txt", "a.pdf", "a.docx", "a.html", "a.md", "a.doc", "a"])
)
def test_arbitrary_bytes(data, file_name):
    try:
        parsed = parse_bytes(data, file_name)
    except ReportError as err:
        assert err.code and err.reason, err
        return
    check_report(read_document(data, file_name), parsed)


@given(mutated(st.sampled_from(fixture_texts())))
def test_parse_path_matches_parse_bytes(tmp_path_factory, seed):
    name, text = seed
    path = tmp_path_factory.mktemp("fuzz") / (Path(name).stem + ".txt")
    path.write_bytes(text.encode("utf-8"))
    try:
        parsed = parse_path(path)
    except ReportError as err:
        assert err.code
        with pytest.raises(ReportError):
            parse_bytes(path.read_bytes(), path.name)
        return
    check_report(read_document(path.read_bytes(), path.name), parsed)
    again = parse_bytes(path.read_bytes(), path.name)
    assert [(v.key, v.value, v.line_no) for v in again.values] == [
        (v.key, v.value, v.line_no) for v in parsed.values
    ]


@given(mutated(), st.sampled_from(["html", "docx"]))
def test_mutated_reports_in_containers(seed, container):
    """The mutated text laid out as a web page or a Word file (real <table>/Word tables) and read back."""
    from tools.generator import to_docx, to_html

    name, text = seed
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")  # XML cannot carry controls
    if container == "html":
        data, file_name = to_html(text).encode("utf-8"), Path(name).stem + ".html"
    else:
        data, file_name = to_docx(text), Path(name).stem + ".docx"
    try:
        parsed = parse_bytes(data, file_name)
    except ReportError as err:
        assert err.code and err.reason, err
        return
    check_report(read_document(data, file_name), parsed)


@settings(max_examples=max(5, settings.default.max_examples // 20))  # ~0.6 s per PDF
@given(mutated())
def test_mutated_reports_as_pdf(seed):
    """The mutated text as a PDF text layer (wrapped prose, footers), read back through pdfplumber."""
    from tools.generator import to_pdf

    name, text = seed
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    data, file_name = to_pdf(text), Path(name).stem + ".pdf"
    try:
        parsed = parse_bytes(data, file_name)
    except ReportError as err:
        assert err.code and err.reason, err
        return
    check_report(read_document(data, file_name), parsed)


# ----------------------------------------------------------------------------------------- metamorphic


def _signature(text: str, file_name: str = "") -> tuple:
    try:
        p = parse_text(text, file_name=file_name)
    except ReportError as err:
        return ("rejected", err.code)
    return (
        p.identity.agency,
        p.identity.year,
        p.template,
        sorted((v.key, v.value, v.line_no, v.origin) for v in p.values),
    )


@given(st.one_of(seed_text(), mutated()))
def test_full_width_digits_and_line_endings_change_nothing(seed):
    """NFKC is documented: ０-９ read as 0-9; CRLF/CR read as LF; trailing blank lines are nothing."""
    name, text = seed
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a stray "\r\n" must not become "\r\r\n"
    want = _signature(text, name)
    assert _signature(text.translate(_FW), name) == want
    assert _signature(text.replace("\n", "\r\n"), name) == want
    assert _signature(text + "\n \n\u3000\n", name) == want


@given(st.one_of(seed_text(), mutated()), st.sampled_from(["gb18030", "utf-16", "utf-8-sig"]))
def test_an_encoding_round_trip_changes_nothing(seed, encoding):
    """Bytes in GB18030/UTF-16/UTF-8 with BOM read back to the same report. Control characters are
    dropped first: the reader rejects text with more than 2% of them as undecodable, by design."""
    name, text = seed
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    want = _signature(text, "report.txt")
    assume(want[0] != "rejected")
    try:
        p = parse_bytes(text.encode(encoding), "report.txt")
        got: tuple = (
            p.identity.agency,
            p.identity.year,
            p.template,
            sorted((v.key, v.value, v.line_no, v.origin) for v in p.values),
        )
    except ReportError as err:
        got = ("rejected", err.code)
    assert got == want


@given(
    st.sampled_from(TEMPLATES),
    st.integers(0, 10**6),
    st.one_of(st.none(), st.frozensets(st.sampled_from(NOISE_KINDS), max_size=5)),
    st.data(),
)
def test_page_breaks_anywhere_in_the_body_change_no_value(template, seed, noise, data):
    """A page footer or a blank line between any two lines (a PDF page break) moves no number."""
    agency = generate_agencies(3, seed % 31)[seed % 3]
    rep = generate_report(seed, template, agency, YEAR[template], noise=noise)
    lines = rep.text.split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(3, len(lines) - 1))
        lines.insert(i, data.draw(st.sampled_from(["- 3 -", "第 2 页", "— 12 —", "3/9", "", "  "])))
    text = "\n".join(lines)
    note(text)
    parsed = parse_text(text, file_name=rep.file_name)
    check_report(text, parsed)
    got = {v.key: v.value for v in parsed.values if v.origin != "derived"}
    assert got == rep.values


_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})(\d{3})(?![\d.])")
_PROSE_COUNT = re.compile(r"(?<![\d.])(\d+)(件|宗)")


@given(
    st.sampled_from(TEMPLATES),
    st.integers(0, 10**6),
    st.one_of(st.none(), st.frozensets(st.sampled_from(NOISE_KINDS), max_size=5)),
    st.sampled_from(["thousands", "chinese"]),
)
def test_documented_number_spellings_change_no_value(template, seed, noise, spelling):
    """Thousands separators anywhere ("3,940"), and prose counts in Chinese numerals ("二十件") in
    narrative reports, read as the same numbers."""
    import cn2an

    if spelling == "chinese":
        template = "narrative"
    agency = generate_agencies(3, seed % 31)[seed % 3]
    rep = generate_report(seed, template, agency, YEAR[template], noise=noise)
    if spelling == "thousands":
        text = _THOUSANDS.sub(r"\1,\2", rep.text)
    else:
        text = _PROSE_COUNT.sub(lambda m: cn2an.an2cn(m.group(1)) + m.group(2), rep.text)
    note(text)
    parsed = parse_text(text, file_name=rep.file_name)
    check_report(text, parsed)
    assert {v.key: v.value for v in parsed.values if v.origin != "derived"} == rep.values


@functools.cache
def shared_texts() -> tuple[tuple[str, str], ...]:
    """The real reports in ../shared/reports (empty when the folder is absent)."""
    from tests.conftest import SHARED_REPORTS

    if not SHARED_REPORTS.is_dir():
        return ()
    files = sorted(p for p in SHARED_REPORTS.iterdir() if p.is_file())
    return tuple((p.name, read_document(p.read_bytes(), p.name)) for p in files)


def real_texts() -> st.SearchStrategy[tuple[str, str]]:
    return st.sampled_from(shared_texts() + fixture_texts())


@given(mutated(real_texts()))
def test_mutated_real_reports(seed):
    """The shared real reports (when present) and the fixtures, mutated."""
    name, text = seed
    note(text)
    parse_or_reject(text, name)


@given(real_texts(), st.data())
def test_page_footers_anywhere_in_a_real_report_change_no_value(seed, data):
    name, text = seed
    want = {v.key: v.value for v in parse_text(text, file_name=name).values}
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(3, len(lines) - 1))
        lines.insert(i, data.draw(st.sampled_from(["- 3 -", "第 2 页", "— 12 —", "3/9"])))
    moved = "\n".join(lines)
    parsed = parse_text(moved, file_name=name)
    check_report(moved, parsed)
    assert {v.key: v.value for v in parsed.values} == want


@functools.cache
def _template_keys(template: str) -> tuple[str, ...]:
    year = {"2008": 2016, "2019": 2020, "2021": 2023}[template]
    rep = generate_report(5, template, generate_agencies(1, 1)[0], year, noise=frozenset())
    return tuple(sorted(rep.values))


_ANY_NUMBER = st.one_of(
    st.integers(-10, 10**9).map(float),
    st.floats(-1e12, 1e12, allow_nan=False),
    st.sampled_from([0.1, 0.2, 0.3, 1e-9]),
)


@given(st.sampled_from(["2008", "2019", "2021"]), st.data())
def test_arithmetic_checks_on_any_subset_of_values(template, data):
    """check_2008/check_modern on any subset of a format's keys with any numbers: no exception, and a
    finding is only about values that were given and that really differ."""
    from reports.checks_2008 import check_2008
    from reports.checks_modern import check_modern

    keys = data.draw(st.lists(st.sampled_from(_template_keys(template)), unique=True))
    values = {k: data.draw(_ANY_NUMBER) for k in keys}
    if template == "2008":
        findings = check_2008(values)
    else:
        findings = check_modern(values, template, {k: i + 1 for i, k in enumerate(keys)})
    for f in findings:
        assert f.rule and f.message, f
        assert all(k in values or v is None for k, v in f.values.items()), f
        if f.expected is not None and f.actual is not None:  # the checks are exact: any difference counts
            assert exact.to_exact(f.expected) != exact.to_exact(f.actual), f


_CN_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
_TITLE_YEAR = re.compile(r"(\d{4})(\s*)年")


@given(
    st.sampled_from(TEMPLATES),
    st.integers(0, 10**6),
    st.one_of(st.none(), st.frozensets(st.sampled_from(NOISE_KINDS), max_size=5)),
    st.sampled_from(["chinese", "wrapped", "spaced", "name_wrapped"]),
    st.integers(2, 40),
)
def test_title_spellings_change_no_identity(template, seed, noise, how, cut):
    """The title's year in Chinese numerals (二〇一九年), spaced out, the title wrapped right after the
    year or inside the body's name: the same body and year (no file name to fall back on)."""
    agency = generate_agencies(3, seed % 31)[seed % 3]
    rep = generate_report(seed, template, agency, YEAR[template], noise=noise)
    lines = rep.text.split("\n")
    i = next(k for k, line in enumerate(lines) if "年度报告" in line)
    m = _TITLE_YEAR.search(lines[i])
    assume(m is not None)
    t = lines[i]
    if how == "chinese":
        lines[i] = t[: m.start(1)] + m.group(1).translate(_CN_DIGITS) + t[m.end(1) :]
    elif how == "wrapped":
        lines[i : i + 1] = [t[: m.end()], t[m.end() :]]
    elif how == "spaced":
        lines[i] = t[: m.start(1)] + " " + m.group(1) + " " + t[m.end(1) :]
    else:  # a long title wrapped inside the body's name: "汇翠市台源区" / "工业和信息化局2016年…"
        assume(2 <= cut < m.start(1))
        lines[i : i + 1] = [t[:cut], t[cut:]]
    note("\n".join(lines[: i + 3]))
    got = parse_text("\n".join(lines)).identity
    want = parse_text(rep.text).identity
    assert (got.agency, got.year) == (want.agency, want.year)


_BANNERS = (
    "首页",
    "政务公开",
    "信息公开",
    "当前位置：首页 > 政务公开 > 年度报告",
    "发布日期：2021-01-20",
    "来源：本网",
    "【字体：大 中 小】",
    "索引号：11640100/2021-00012",
    "年度报告",
    "政府信息公开年度报告",
    "打印本页 关闭窗口",
    "宁夏回族自治区",
    "政府信息公开专栏",
    "人民政府",
    "办公室",
    "江苏省人民政府",
)


@given(
    st.sampled_from(TEMPLATES),
    st.integers(0, 10**6),
    st.lists(st.sampled_from(_BANNERS), min_size=1, max_size=3),
    st.booleans(),
)
def test_web_page_lines_above_the_title_change_no_identity(template, seed, banners, next_to_title):
    """Navigation, dates and site names printed before the title (web pages) do not change who
    published the report; also when the last of them stands right above a title split over two lines."""
    rep = generate_report(seed, template, generate_agencies(3, seed % 31)[seed % 3], YEAR[template])
    lines = rep.text.split("\n")
    i = next(k for k, line in enumerate(lines) if line.strip())
    if next_to_title:
        i = next(k for k, line in enumerate(lines) if "年度报告" in line)
        assume(not lines[i].strip().startswith(str(rep.year)))  # the year line's own agency line above
    moved = lines[:i] + list(banners) + lines[i:]
    note("\n".join(moved[: i + 5]))
    got = parse_text("\n".join(moved)).identity
    want = parse_text(rep.text).identity
    assert (got.agency, got.year) == (want.agency, want.year)


def _relayout(text: str, how: str) -> str:
    lines = text.split("\n")
    if how == "no_blank_lines":  # PDF text without paragraph gaps
        return "\n".join(line for line in lines if line.strip())
    if how == "indented":  # Word paragraphs indented with two ideographic spaces
        return "\n".join(
            "\u3000\u3000" + line
            if line and not line[0].isspace() and "\t" not in line and "|" not in line
            else line
            for line in lines
        )
    return "\n".join(line + " " for line in lines)  # trailing spaces


@given(
    st.sampled_from(TEMPLATES),
    st.integers(0, 10**6),
    st.one_of(st.none(), st.frozensets(st.sampled_from(NOISE_KINDS), max_size=5)),
    st.sampled_from(["no_blank_lines", "indented", "trailing_spaces"]),
)
def test_layout_whitespace_changes_nothing(template, seed, noise, how):
    rep = generate_report(
        seed, template, generate_agencies(3, seed % 31)[seed % 3], YEAR[template], noise=noise
    )
    text = _relayout(rep.text, how)
    note(text)
    parsed = parse_text(text, file_name=rep.file_name)
    check_report(text, parsed)
    assert (parsed.identity.agency, parsed.identity.year, parsed.template) == (
        rep.agency,
        rep.year,
        rep.template,
    )
    assert {v.key: v.value for v in parsed.values if v.origin != "derived"} == rep.values


# ----------------------------------------------------------------------------------------- regressions


def test_total_row_under_a_repeated_header_keeps_its_numbers():
    """Found by test_page_breaks_anywhere…: 2019, seed 3, noise {repeated_header, footer, split_labels}.
    The 三 header repeated after a page break left "机构" pending and swallowed "（七）总计" as a header
    fragment, so the 总计 row's numbers on the next line were dropped."""
    from reports.tables_modern import parse_modern_tables

    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "申请人情况",
            "自然人",
            "法人或其他组织",
            "总计",
            "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1",
            "（六）其他处理 0 0 0 0 0 0 0",
            "- 5 -",
            "申请人情况",
            "法 律 服 务",
            "机构",
            "其他",
            "（七）总计",
            "1 0 0 0 0 0 1",
            "四、结转下年度继续办理 0 0 0 0 0 0 0",
        ]
    )
    got = {v.key: (v.value, v.line_no) for v in parse_modern_tables(to_lines(text), "2019")}
    assert got["apply.result.total.total"] == (1.0, 14)
    assert got["apply.result.total.natural_person"] == (1.0, 14)
    assert got["apply.carried_out.total"] == (0.0, 15)


@pytest.mark.parametrize(
    ("rows", "want", "absent"),
    [
        # generator 2008 seed 9025 (noise blank, split_labels): 延期办结数 blank, its unit alone below it,
        # then （三）申请答复数 wrapped over two lines — the 11 went to 延期办结数
        (
            [
                "（二）申请办结数",
                "件",
                "1.按时办结数",
                "件 11",
                "2.延期办结数",
                "件",
                "（三）申请",
                "答复数 件 11",
            ],
            {"apply.closed.on_time": (11.0, 5), "apply.answered.total": (11.0, 9)},
            ["apply.closed.total", "apply.closed.extended"],
        ),
        # seed 2504: the same under 主动公开规范性文件数 / 制发规范性文件总数
        (
            [
                "（一）主动公开政府信息数 条 481",
                "其中：主动公开规范性文件数",
                "条",
                "制发规范性",
                "文件总数  件    0",
            ],
            {"active.total": (481.0, 2), "active.normative_docs_made": (0.0, 6)},
            ["active.normative_docs_published"],
        ),
        # the unit alone on its line and the number on the next still make one row
        (
            ["（二）申请办结数", "件", "7", "1.按时办结数", "件", "7"],
            {"apply.closed.total": (7.0, 4), "apply.closed.on_time": (7.0, 7)},
            ["apply.closed.extended"],
        ),
    ],
)
def test_blank_row_with_its_unit_below_then_a_wrapped_label(rows, want, absent):
    from reports.table2008 import parse_2008_table

    text = "\n".join(["统计指标 单位 统计数", *rows])
    got = {v.key: (v.value, v.line_no) for v in parse_2008_table(to_lines(text))}
    for key, value in want.items():
        assert got.get(key) == value, (key, got)
    for key in absent:
        assert key not in got, (key, got)


@pytest.mark.parametrize(
    ("sentence", "template", "want"),
    [
        # generator 2021 seed 262143 with thousands separators added: the fee was lost
        ("全年收取政府信息公开信息处理费３，９４０元。", "2021", {"apply.processing_fee": 3940.0}),
        (
            "本年共收到政府信息公开申请1,234件，其中当面申请1,000件，网上申请234件。",
            "2008",
            {
                "apply.received.total": 1234.0,
                "apply.received.in_person": 1000.0,
                "apply.received.online": 234.0,
            },
        ),
        ("主动公开政府信息12,345条。", "2008", {"active.total": 12345.0}),
        ("收到政府信息公开申请2,3件。", "2008", {}),  # not a thousands separator: no number
    ],
)
def test_prose_numbers_with_thousands_separators(sentence, template, want):
    from reports.prose import parse_prose

    got = {v.key: v.value for v in parse_prose(to_lines(sentence), template)}
    assert got == want


def test_title_wrapped_after_its_year():
    """Generator 2008 seed 7703: "怀义市汇盛区人民政府办公室2016年" / "度政府信息公开工作年度报告" was read as
    the 人民政府 itself (from "本报告由…人民政府办公室根据…", which drops 办公室)."""
    from reports.identity import identify

    text = "\n".join(
        [
            "怀义市汇盛区人民政府办公室2016年",
            "度政府信息公开工作年度报告",
            "本报告由怀义市汇盛区人民政府办公室根据《条例》要求编制，统计期限自2016年1月1日起。",
        ]
    )
    ident = identify(to_lines(text))
    assert (ident.agency, ident.year) == ("怀义市汇盛区人民政府办公室", 2016)
    # a sentence wrapped the same way names no body: the opening lines still decide
    text = "\n".join(
        [
            "根据2016年",
            "度政府信息公开工作年度报告要求",
            "本报告由怀义市汇盛区人民政府办公室根据《条例》编制，统计期限自2016年1月1日起。",
        ]
    )
    assert identify(to_lines(text)).agency == "怀义市汇盛区人民政府"


@pytest.mark.parametrize(
    ("first", "second", "agency"),
    [
        # found by splitting generator titles inside the name: 912 of 3,615 splits named the wrong body
        ("汇翠市台源区", "工业和信息化局2016年政府信息公开工作年度报告", "汇翠市台源区工业和信息化局"),
        ("东长市南武区怀泰镇人民", "政府2020年政府信息公开工作年度报告", "东长市南武区怀泰镇人民政府"),
        ("崇武市安", "定县农业农村局2016年政府信息公开工作年度报告", "崇武市安定县农业农村局"),
        ("怀义市汇盛区人民政府办", "公室2020年政府信息公开工作年度报告", "怀义市汇盛区人民政府办公室"),
        # the line above is a site banner, not the name's start: the title line alone decides
        ("政务公开", "银川市教育局2019年政府信息公开工作年度报告", "银川市教育局"),
        ("首页 > 信息公开", "东长市商务局2019年政府信息公开工作年度报告", "东长市商务局"),
    ],
)
def test_title_wrapped_inside_the_body_name(first, second, agency):
    from reports.identity import identify

    intro = f"本报告由{agency}根据《条例》要求编制。"
    assert identify(to_lines("\n".join([first, second, intro]))).agency == agency


def test_a_web_page_word_between_name_and_title_is_not_part_of_the_name():
    """Generator 2008 seed 10 with "首页" inserted: "湖河市农业农村局" + "首页" was taken as one name (a
    joined name must end in a body or place word)."""
    from reports.identity import identify

    text = "\n".join(
        ["湖河市农业农村局", "首页", "2016 年政府信息公开工作年度报告", "本报告由湖河市农业农村局编制。"]
    )
    assert identify(to_lines(text)).agency == "湖河市农业农村局"
