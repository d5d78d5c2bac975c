"""Central government bodies (reports/data/central_bodies.csv): accepted at ingest without a place, as
national departments; a party department or a body type of some place (宣传部, 统计局, 卫健委) still needs
its place."""

from __future__ import annotations

import pytest

from reports.central import central_bodies, central_body, is_central
from reports.identity import looks_like_agency
from reports.model import ReportIdentity
from reports.regions import agency_kind, region_path
from service.ingest.names import identity_problem

# one body per family: 部, 委员会, 总局, 署, a 国家局 under a ministry, 直属事业单位, the bank, 办公厅
FAMILIES = {
    "交通运输部": "department",
    "国家卫生健康委员会": "department",
    "中国证券监督管理委员会": "department",
    "国家市场监督管理总局": "department",
    "审计署": "department",
    "海关总署": "department",
    "国家文物局": "department",
    "中国气象局": "department",
    "中国科学院": "other",
    "中国人民银行": "department",
    "国务院办公厅": "department",
    "公安部": "department",
}
# a party department, a body type, or a short form local bodies share: whose?
REFUSED = ("宣传部", "组织部", "统战部", "统计局", "卫健委", "发改委", "交通运输局", "财政局", "公安局", "税务局")


@pytest.mark.parametrize("name", FAMILIES)
def test_central_body_is_accepted_as_national_department(name):
    assert identity_problem(ReportIdentity(name, 2023, "")) is None
    assert looks_like_agency(name)
    assert region_path(name) == [], name  # never a place such as 国家市
    assert agency_kind(name) == FAMILIES[name]
    assert is_central(name)


@pytest.mark.parametrize("name", REFUSED)
def test_local_kinds_still_need_a_place(name):
    assert central_body(name) is None
    assert identity_problem(ReportIdentity(name, 2023, "")) is not None
    assert identity_problem(ReportIdentity("临江市" + name, 2023, "")) is None


def test_every_body_of_the_file_is_accepted_and_placeless():
    bodies = central_bodies()
    assert len(bodies) >= 80
    for b in bodies:
        assert identity_problem(ReportIdentity(b.name, 2020, "")) is None, b.name
        assert region_path(b.name) == [], b.name
        for form in b.short:
            assert central_body(form) is b, form


def test_the_file_is_consistent():
    """Own short forms name one body; shared forms are never own forms; renamed bodies say when and to what."""
    own: dict[str, str] = {}
    names = {b.name for b in central_bodies()}
    for b in central_bodies():
        for form in (b.name, *b.short):
            assert own.setdefault(form, b.name) == b.name, form
        if b.since and b.until:
            assert b.since < b.until, b.name
        if b.until:
            assert b.successor, b.name
    assert all(len(f) >= 3 for f in own), [f for f in own if len(f) < 3]  # 人行 sits in 人行政复议
    shared = {f for b in central_bodies() for f in b.shared}
    assert not shared & set(own), shared & set(own)
    # chains of renamings the file states end at current bodies (or at a party body outside the file)
    by_name = {b.name: b for b in central_bodies()}
    chain, seen = by_name["卫生部"], []
    while chain.until:
        seen.append(chain.name)
        chain = by_name[chain.successor]
    assert chain.name == "国家卫生健康委员会" and chain.name in names
    assert len(seen) == 2  # 卫生部 → 国家卫生和计划生育委员会 (2013) → 国家卫生健康委员会 (2018)
    assert by_name["国家工商行政管理总局"].successor == "国家市场监督管理总局"
    assert by_name["环境保护部"].until == 2018 and by_name["环境保护部"].successor == "生态环境部"


def test_title_with_an_own_short_form_is_stored_under_the_full_name():
    """「交通部2023年…」 is 交通运输部's report, with 交通部 kept as an alias; a renamed body keeps its own name."""
    from reports.parse import parse_bytes
    from tools.generator import generate_report

    for printed, full in (("交通部", "交通运输部"), ("人社部", "人力资源和社会保障部"), ("农业部", "农业部")):
        text = generate_report(1, "2008", printed, 2017, noise=()).text
        ident = parse_bytes(text.encode("utf-8"), "r.txt").identity
        assert ident.agency == full and ident.region_path == [] and ident.kind == "department"
        assert printed == full or printed in ident.aliases


def test_title_with_the_state_prefix_is_stored_under_the_full_name():
    """「中华人民共和国海关总署2023年…」 is 海关总署's report, not a body of its own."""
    from reports.parse import parse_bytes
    from tools.generator import generate_report

    for full in ("海关总署", "交通运输部", "国家统计局"):
        text = generate_report(2, "2021", "中华人民共和国" + full, 2023, noise=()).text
        ident = parse_bytes(text.encode("utf-8"), "r.txt").identity
        assert ident.agency == full and ident.region_path == [], ident
