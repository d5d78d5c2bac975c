"""The report generator: deterministic, arithmetically consistent, noisy in the promised ways, and
(once the parsers exist) parsed back to exactly the numbers that made each report."""

from __future__ import annotations

import importlib.util
import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reports.compare import value_problems
from tools.generator import (
    _RESULT_ROWS,
    APPLICABLE,
    COLS,
    CONTAINER_NOISE,
    NOISE_KINDS,
    TEMPLATES,
    GenAgency,
    generate_agencies,
    generate_report,
    render,
    to_docx,
    to_gbk,
    to_html,
    to_pdf,
    write_corpus,
)

HAVE_PARSER = importlib.util.find_spec("reports.parse") is not None
YEAR = {"2008": 2016, "2019": 2020, "2021": 2023, "narrative": 2014}
AGENCY = GenAgency("临江市河西区审批服务管理局", "department", ("青川省", "临江市", "河西区"))
BIG = GenAgency("临江市人民政府", "people_gov", ("青川省", "临江市"))
ALL_NOISE = frozenset(NOISE_KINDS)
needs_parser = pytest.mark.skipif(not HAVE_PARSER, reason="reports.parse not written yet")

# ------------------------------------------------------------------ agencies


def test_agencies_are_unique_deterministic_and_scale():
    agencies = generate_agencies(150_000, seed=7)
    assert len(agencies) == 150_000
    assert len({a.name for a in agencies}) == 150_000
    assert generate_agencies(3000, seed=7) == generate_agencies(3000, seed=7)
    assert {a.kind for a in agencies} == {"people_gov", "department", "township", "devzone", "other"}
    for a in agencies[:2000]:
        assert a.region_path and re.search(r"(省|自治区)$", a.region_path[0]), a
        assert a.name.startswith(a.region_path[-1]) or a.name.startswith(a.region_path[1]), a
        if a.kind == "township":
            assert a.name.endswith(("镇人民政府", "乡人民政府", "街道办事处"))
        if a.kind == "devzone":
            assert "开发区" in a.name


def test_small_agency_lists_differ_by_seed():
    assert generate_agencies(8, 1) != generate_agencies(8, 2)
    assert len(generate_agencies(1, 0)) == 1 and generate_agencies(0, 0) == []


# ------------------------------------------------------------------ determinism and layout


@pytest.mark.parametrize("template", TEMPLATES)
def test_same_seed_same_report(template):
    a = generate_report(11, template, AGENCY, YEAR[template])
    b = generate_report(11, template, AGENCY, YEAR[template])
    assert a.text == b.text and a.values == b.values and a.noise == b.noise
    c = generate_report(12, template, AGENCY, YEAR[template])
    assert c.text != a.text


@pytest.mark.parametrize("template", TEMPLATES)
def test_title_line_names_agency_and_year(template):
    rep = generate_report(3, template, AGENCY, YEAR[template], noise=frozenset())
    first = next(line for line in rep.text.splitlines() if line.strip())
    assert first == f"{AGENCY.name}{YEAR[template]}年政府信息公开工作年度报告"
    assert rep.agency == AGENCY.name and rep.year == YEAR[template] and rep.template == template


def test_unknown_template_or_noise_is_refused():
    with pytest.raises(ValueError):
        generate_report(1, "2030", AGENCY, 2030)
    with pytest.raises(ValueError):
        generate_report(1, "2019", AGENCY, 2020, noise={"sparkles"})


def test_value_keys_match_the_catalogue():
    from reports.catalogue import definition

    for template in ("2008", "2019", "2021"):
        rep = generate_report(5, template, BIG, YEAR[template], noise=frozenset())
        for key in rep.values:
            d = definition(key, template)
            assert d is not None and template in d.templates, (template, key)
    full = {
        "2008": 58,
        "2019": 198,
    }
    for template, n in full.items():
        assert len(generate_report(5, template, BIG, YEAR[template], noise=frozenset()).values) == n


# ------------------------------------------------------------------ arithmetic


def _identities(values: dict[str, float], template: str) -> list[tuple[str, float, float]]:
    """(rule, expected, actual) for every identity whose values are all present."""
    out = []

    def check(rule: str, total_key: str, part_keys: list[str]) -> None:
        if total_key in values and all(k in values for k in part_keys):
            out.append((rule, values[total_key], sum(values[k] for k in part_keys)))

    if template in ("2019", "2021"):
        # every result row of the format (a wholly blank row must not vanish from the sum)
        subs = ["other.overdue_correction", "other.unpaid_fee", "other.other"]
        one_row = template == "2019" or any(f"apply.result.other.{c}" in values for c in COLS)
        stems = [s for s, _, _ in _RESULT_ROWS] + (["other"] if one_row else subs)
        for c in COLS:
            a, b = values.get(f"apply.received.{c}"), values.get(f"apply.carried_in.{c}")
            t, o = values.get(f"apply.result.total.{c}"), values.get(f"apply.carried_out.{c}")
            if None not in (a, b, t, o):
                out.append((f"balance.{c}", a + b, t + o))
            check(f"results.{c}", f"apply.result.total.{c}", [f"apply.result.{s}.{c}" for s in stems])
        prefixes = ["apply.received", "apply.carried_in", "apply.carried_out"]
        prefixes += [f"apply.result.{s}" for s in [*stems, "total"]]
        for p in prefixes:
            check(f"row.{p}", f"{p}.total", [f"{p}.{c}" for c in COLS[:-1]])
        for p in ("review", "litigation.direct", "litigation.after_review"):
            check(p, f"{p}.total", [f"{p}.{x}" for x in ("upheld", "corrected", "other", "pending")])
    elif template == "2008":
        check(
            "received",
            "apply.received.total",
            [f"apply.received.{x}" for x in ("in_person", "fax", "online", "letter")],
        )
        check("closed", "apply.closed.total", ["apply.closed.on_time", "apply.closed.extended"])
        items = (
            "already_public",
            "granted",
            "partial",
            "denied",
            "not_this_agency",
            "not_exist",
            "asked_to_amend",
            "other_channel",
        )
        check("answered", "apply.answered.total", [f"apply.answered.{x}" for x in items])
        subs = (
            "state_secret",
            "commercial_secret",
            "privacy",
            "security_stability",
            "not_gov_info",
            "other_legal",
        )
        check("denied", "apply.answered.denied", [f"apply.answered.denied.{x}" for x in subs])
        for p in ("review", "litigation"):
            check(p, f"{p}.total", [f"{p}.{x}" for x in ("upheld", "corrected", "other")])
        check("staff", "org.staff", ["org.staff_full_time", "org.staff_part_time"])
    else:
        channels = [f"apply.received.{x}" for x in ("in_person", "online", "letter", "fax")]
        if any(k in values for k in channels):
            check("received", "apply.received.total", [k for k in channels if k in values])
    return out


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", range(25))
def test_every_identity_of_the_format_holds(template, seed):
    agency = BIG if seed % 2 else AGENCY
    for noise in (
        frozenset(),
        ALL_NOISE,
        frozenset({"spaces", "blank"}),
        frozenset({"blank", "label_variants"}),
    ):
        rep = generate_report(seed, template, agency, YEAR[template], noise=noise)
        ids = _identities(rep.values, template)
        if template != "narrative" and not noise:
            assert len(ids) >= 5
        bad = [(r, e, a) for r, e, a in ids if abs(e - a) > 1e-9]
        assert not bad, bad
        assert all(v >= 0 for k, v in rep.values.items() if not k.endswith(".change"))


@pytest.mark.parametrize("template", ["2008", "2019", "2021"])
def test_an_inconsistent_report_breaks_exactly_its_misprinted_total(template):
    for seed in range(10):
        rep = generate_report(seed, template, BIG, YEAR[template], inconsistent=True)
        ((key, (right, printed)),) = rep.broken.items()
        assert right != printed and rep.values[key] == printed
        bad = [r for r, e, a in _identities(rep.values, template) if abs(e - a) > 1e-9]
        assert bad, key
        fixed = dict(rep.values, **{key: right})
        assert not [r for r, e, a in _identities(fixed, template) if abs(e - a) > 1e-9]


@needs_parser
@pytest.mark.parametrize("template", ["2008", "2019", "2021"])
def test_the_parser_flags_the_misprinted_total_and_keeps_the_printed_number(template):
    from reports.parse import parse_text

    for seed in range(6):
        rep = generate_report(seed, template, BIG, YEAR[template], inconsistent=True)
        ((key, _),) = rep.broken.items()
        parsed = parse_text(rep.text, file_name=rep.file_name)
        assert not _roundtrip_problems(rep, parsed)
        assert any(key in f.values for f in parsed.findings), (key, [f.rule for f in parsed.findings])


def test_blank_cells_are_absent_not_zero():
    seen_blank = False
    for seed in range(20):
        full = generate_report(seed, "2019", BIG, 2020, noise=frozenset({"tabs"}))
        blank = generate_report(seed, "2019", BIG, 2020, noise=frozenset({"tabs", "blank"}))
        missing = set(full.values) - set(blank.values)
        assert set(blank.values) <= set(full.values)
        seen_blank |= bool(missing)
    assert seen_blank


# ------------------------------------------------------------------ each noise kind shows up


def _noisy(template: str, kind: str, pred, seeds=range(30)) -> bool:
    return any(
        pred(generate_report(s, template, BIG, YEAR[template], noise=frozenset({kind}))) for s in seeds
    )


@pytest.mark.parametrize(
    ("template", "kind", "pred"),
    [
        ("2019", "tabs", lambda r: "\t" in r.text),
        ("2019", "pipes", lambda r: re.search(r"^\| .+ \|$", r.text, re.M)),
        ("2008", "spaces", lambda r: re.search(r"\S {2,}\S", r.text)),
        ("2021", "vertical_heading", lambda r: "\n本\n年\n度\n办\n理\n结\n果\n" in r.text),
        ("2019", "footer", lambda r: re.search(r"^- \d+ -$", r.text, re.M)),
        ("2008", "repeated_header", lambda r: r.text.count("统计指标") + r.text.count("统 计 指 标") >= 2),
        ("2021", "fullwidth", lambda r: re.search(r"[０-９]", r.text)),
        ("2019", "signed", lambda r: re.search(r"(^| )\+\d", r.text, re.M)),
        ("2021", "markdown", lambda r: "**" in r.text and "<http" in r.text),
        ("2019", "one_line_review", lambda r: re.search(r"^(\d+ ){14}\d+$", r.text, re.M)),
        (
            "2019",
            "label_variants",
            lambda r: "社会组织\t" in r.text or " 社会组织" in r.text or "\n社会组织" in r.text,
        ),
        (
            "2021",
            "split_labels",
            lambda r: re.search(r"^\D*[^\d\s]$\n^[^\s（一二三四五六七八九十\d].*\d$", r.text, re.M),
        ),
        ("2019", "blank", lambda r: len(r.values) < 198),
        ("2021", "title_variants", lambda r: f"{r.agency}{r.year}年政府信息公开工作年度报告" not in r.text),
        # issue 13
        (
            "2021",
            "detached_labels",
            lambda r: re.search(r"^[^|\t\d\s][^\t|]*\D\n(?:\| )?(?:\d+ ){6}\d+", r.text, re.M),
        ),
        ("2019", "stray_numbers", lambda r: re.search(r"\d\n\d{1,2}\n\D", r.text)),
        ("2021", "cut_labels", lambda r: "逾期不补正、行政机关不再处理其政府信息公开申请" not in r.text),
        ("2021", "short_rows", lambda r: re.search(r"本年度废止规章\d+件。", r.text)),
        ("2019", "yuan", lambda r: "采购总金额（元）" in r.text and r.units),
        (
            "2021",
            "wrapped_around",
            lambda r: re.search(r"\D\n(?:\d+ ){6}\d+\n[^\d\s（(一二三四五六七八九十]", r.text),
        ),
        ("2021", "repeated_groups", lambda r: re.search(r"其他处理\s*[|\t]\s*3\.其他", r.text)),
    ],
)
def test_each_noise_kind_changes_the_text(template, kind, pred):
    assert _noisy(template, kind, pred), kind
    assert kind in APPLICABLE[template]


def test_noise_not_applicable_is_ignored():
    rep = generate_report(1, "2008", AGENCY, 2016, noise={"signed", "one_line_review"})
    assert rep.noise == frozenset()


# ------------------------------------------------------------------ containers


def test_html_has_real_tables_and_no_markdown():
    from bs4 import BeautifulSoup

    rep = generate_report(4, "2019", BIG, 2020, noise={"tabs", "markdown"})
    soup = BeautifulSoup(to_html(rep.text), "lxml")
    assert len(soup.find_all("table")) >= 2
    assert "**" not in soup.get_text()
    assert soup.find("a") is not None


def test_docx_has_real_tables():
    from docx import Document

    rep = generate_report(4, "2021", BIG, 2023, noise={"tabs"})
    doc = Document(io.BytesIO(to_docx(rep.text)))
    assert len(doc.tables) >= 2
    assert any("予以公开" in c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert doc.paragraphs[0].text.endswith("年政府信息公开工作年度报告")


def test_pdf_has_a_text_layer_with_footers():
    import pdfplumber

    rep = generate_report(4, "2019", BIG, 2020, noise=frozenset())
    with pdfplumber.open(io.BytesIO(to_pdf(rep.text))) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        n_pages = len(pdf.pages)
    assert "年政府信息公开工作年度报告" in text
    assert "- 1 -" in text and n_pages >= 2
    assert "一、本年新收政府信息公开申请数量" in text.replace(" ", "") or "本年新收" in text


def test_pdf_table_styles():
    """Table rows in a PDF: as text by default, ruled cells with tables="grid", the same cells without
    rules with tables="positions". Only the ruled one draws lines; all three print the same digits."""
    import pdfplumber

    rep = generate_report(4, "2019", BIG, 2020, noise={"tabs", "blank"})
    assert to_pdf(rep.text) == to_pdf(rep.text, tables="text")
    edges = {}
    digits = {}
    for style in ("text", "grid", "positions"):
        with pdfplumber.open(io.BytesIO(to_pdf(rep.text, tables=style))) as pdf:
            edges[style] = sum(len(p.lines) + len(p.rects) for p in pdf.pages)
            digits[style] = sorted(  # page numbers (how many pages differs) left out
                ch["text"]
                for p in pdf.pages
                for ch in p.chars
                if ch["text"].isdigit() and ch["top"] < p.height - 50
            )
    assert edges["grid"] > 100 and edges["text"] == edges["positions"] == 0
    assert digits["grid"] == digits["positions"] == digits["text"]
    with pytest.raises(ValueError):
        to_pdf(rep.text, tables="boxes")


def test_gbk_round_trips():
    rep = generate_report(4, "2008", BIG, 2016, noise={"fullwidth", "markdown"})
    assert to_gbk(rep.text).decode("gbk") == rep.text


def test_write_corpus_manifest_matches_files(tmp_path):
    path = write_corpus(tmp_path, 12, seed=3, formats=("txt", "gbk", "html"))
    manifest = json.loads(path.read_text(encoding="utf-8"))
    reports = manifest["reports"]
    assert len(reports) == 12
    assert len({(r["agency"], r["year"]) for r in reports}) == 12
    for r in reports:
        assert (tmp_path / r["file"]).is_file()
        assert r["template"] in TEMPLATES and r["values"]


# ------------------------------------------------------------------ round trip through the parser


def _roundtrip_problems(rep, parsed) -> list[str]:
    problems = []
    if parsed.identity.agency != rep.agency:
        problems.append(f"agency {parsed.identity.agency!r} != {rep.agency!r}")
    if parsed.identity.year != rep.year:
        problems.append(f"year {parsed.identity.year} != {rep.year}")
    if parsed.template != rep.template:
        problems.append(f"template {parsed.template} != {rep.template}")
    problems += value_problems(rep.values, parsed)
    units = {v.key: v.unit for v in parsed.values}
    problems += [f"unit {k} {units.get(k)!r} != {u!r}" for k, u in rep.units.items() if units.get(k) != u]
    return problems


@needs_parser
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_each_format_and_noise_kind_parses_back(template, kind):
    """Deterministic coverage of every (format, noise kind) pair, a few seeds each."""
    from reports.parse import parse_text

    agencies = generate_agencies(6, seed=TEMPLATES.index(template) * 100 + NOISE_KINDS.index(kind))
    for seed in range(6):
        rep = generate_report(seed, template, agencies[seed], YEAR[template], noise=frozenset({kind}))
        problems = _roundtrip_problems(rep, parse_text(rep.text, file_name=rep.file_name))
        assert not problems, f"seed={seed} noise={sorted(rep.noise)}: {problems}\n{rep.text}"


@needs_parser
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**9),
    template=st.sampled_from(TEMPLATES),
    noise=st.one_of(st.none(), st.frozensets(st.sampled_from(NOISE_KINDS), max_size=6)),
    year_offset=st.integers(0, 1),
)
def test_generated_reports_parse_back_to_the_numbers_that_made_them(seed, template, noise, year_offset):
    from reports.parse import parse_text

    agency = generate_agencies(3, seed % 97)[seed % 3]
    rep = generate_report(seed, template, agency, YEAR[template] + year_offset, noise=noise)
    problems = _roundtrip_problems(rep, parse_text(rep.text, file_name=rep.file_name))
    assert not problems, f"noise={sorted(rep.noise)}: {problems}\n{rep.text}"


@needs_parser
@pytest.mark.slow
def test_many_generated_reports_parse_back():
    """The full profile: 2,000 random reports (random noise subsets), every mismatch listed."""
    from reports.parse import parse_text
    from tools.generator import plan_corpus

    failures = []
    for agency, year, template, rseed in plan_corpus(2000, seed=11):
        rep = generate_report(rseed, template, agency, year)
        problems = _roundtrip_problems(rep, parse_text(rep.text, file_name=rep.file_name))
        if problems:
            failures.append((rseed, template, sorted(rep.noise), problems))
    assert not failures, failures[:5]


@needs_parser
@pytest.mark.parametrize("fmt", ["gbk", "html", "docx", "pdf", "pdf_grid"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_containers_parse_back(fmt, template):
    """The same check through read_document: bytes of each container → parse_bytes."""
    from reports.parse import parse_bytes

    for seed in range(2):
        rep = generate_report(
            seed,
            template,
            BIG if seed else AGENCY,
            YEAR[template],
            noise=frozenset({"split_labels", "fullwidth"}) & CONTAINER_NOISE[fmt],
        )
        data, suffix = render(rep, fmt)
        problems = _roundtrip_problems(rep, parse_bytes(data, f"r{seed}{suffix}"))
        assert not problems, f"{fmt} seed={seed}: {problems}"


# The family behind bench/ingest_pdf.py file 146 (seed 3): a 2019/2021 report with pipes, blank cells,
# split labels and a heading printed down the side, drawn as an unruled "positions" table. Two faults:
# rows that lost their empty leading cells were drawn from the left (figures under label columns, so
# no x position told their column), and the columns of the table's header were forgotten after the side
# heading when it fell at a page foot or the row before it wrapped (all-blank columns then vanished).
POSITIONS_NOISE = frozenset(
    {"blank", "markdown", "pipes", "split_labels", "title_variants", "vertical_heading"}
)


@needs_parser
@pytest.mark.parametrize(("template", "year"), [("2021", 2022), ("2019", 2020)])
def test_unruled_positions_tables_with_blank_cells_and_side_headings_parse_back(template, year):
    from reports.parse import parse_bytes

    agencies = generate_agencies(200, seed=7)
    failures = []
    for seed in [*range(8), 28, 68]:  # 0, 1, 5, 28 and 68 broke one way or the other before the fix
        rep = generate_report(seed, template, agencies[seed], year, noise=POSITIONS_NOISE)
        parsed = parse_bytes(to_pdf(rep.text, tables="positions"), f"r{seed}.pdf")
        problems = value_problems(rep.values, parsed)
        if problems:
            failures.append((seed, problems[:3]))
    assert not failures, failures
