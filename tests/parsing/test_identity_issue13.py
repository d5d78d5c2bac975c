"""Issue 13 §4: who published a report — wrapped and cut titles, web-page lines, short forms, and names
that say no particular body (which must never become one shared body)."""

from __future__ import annotations

import pytest

from reports.identity import identify
from reports.model import ReportError
from reports.text import to_lines

TITLE = "2024年政府信息公开工作年度报告"
NAMED = [
    ("wrapped", f"上海市科学技术委员会\n{TITLE}\n本报告根据条例编制。", "上海市科学技术委员会"),
    ("cut mid-word", f"上海市科学技术委员\n会{TITLE}\n正文", "上海市科学技术委员会"),
    (
        "web lines above",
        f"首页 > 政务公开 > 年度报告\n字号：大 中 小\n打印本页\n上海市科学技术委员会\n{TITLE}",
        "上海市科学技术委员会",
    ),
    (
        "short form, place printed",
        f"市科委{TITLE}\n本报告由市科委办公室编制。2024年，上海市科委认真贯彻。",
        "上海市科学技术委员会",
    ),
    (
        "bare level, place printed",
        f"区人民政府{TITLE}\n2024年，银川市兴庆区人民政府坚持依法公开。",
        "银川市兴庆区人民政府",
    ),
]
NAMELESS = [
    ("no name", f"{TITLE}\n本报告由本局办公室根据条例编制。"),
    ("generic office", f"政府办公室{TITLE}\n正文"),
    ("bare level", f"区人民政府{TITLE}\n正文"),
    ("self", f"本局{TITLE}\n正文"),
    ("short form only", f"市科委{TITLE}\n本报告由市科委办公室编制。市科委认真贯彻。"),
    ("two places printed", f"区人民政府{TITLE}\n兴庆区人民政府与西夏区人民政府联合开展培训。"),
    ("publisher line generic", f"{TITLE}\n发布机构：区人民政府\n正文"),
]


@pytest.mark.parametrize(("case", "text", "agency"), NAMED, ids=[c[0] for c in NAMED])
def test_body_named(case, text, agency):
    ident = identify(to_lines(text), "")
    assert (ident.agency, ident.year) == (agency, 2024)


def test_short_form_is_kept_as_alias():
    ident = identify(to_lines(NAMED[3][1]), "")
    assert "上海市科委" in ident.aliases and "市科委" not in ident.aliases


@pytest.mark.parametrize(("case", "text"), NAMELESS, ids=[c[0] for c in NAMELESS])
def test_no_particular_body_is_refused(case, text):
    with pytest.raises(ReportError) as err:
        identify(to_lines(text), "")
    assert err.value.code == "no_agency" and "--agency" in err.value.reason
