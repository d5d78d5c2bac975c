"""reports.regions: region paths from the gazetteer and generic suffix rules; body kinds; short names."""

from __future__ import annotations

import pytest

from reports.regions import (
    agency_kind,
    government_of,
    is_place_only,
    region_path,
    short_forms,
    split_agency,
)

NX = "宁夏回族自治区"


@pytest.mark.parametrize(
    ("name", "path", "body"),
    [
        ("银川市西夏区审批服务管理局", [NX, "银川市", "西夏区"], "审批服务管理局"),
        ("西夏区审批局", [NX, "银川市", "西夏区"], "审批局"),
        ("银川市行政审批服务局", [NX, "银川市"], "行政审批服务局"),
        ("中卫市沙坡头区人民政府", [NX, "中卫市", "沙坡头区"], "人民政府"),
        ("宁夏回族自治区发展和改革委员会", [NX], "发展和改革委员会"),
        ("宁夏银川市西夏区人民政府", [NX, "银川市", "西夏区"], "人民政府"),
        ("淮安市清江浦区教育体育局", ["江苏省", "淮安市", "清江浦区"], "教育体育局"),
        ("盱眙县人民政府", ["江苏省", "淮安市", "盱眙县"], "人民政府"),
        ("淮安市淮安区人民政府", ["江苏省", "淮安市", "淮安区"], "人民政府"),
        ("张家港市人民政府", ["江苏省", "苏州市", "张家港市"], "人民政府"),
        ("江苏省淮安市人民政府", ["江苏省", "淮安市"], "人民政府"),
        ("苏州工业园区管理委员会", ["江苏省", "苏州市"], "工业园区管理委员会"),
        # unknown places: generic suffix rules
        ("甘肃省某某市某某县住房和城乡建设局", ["甘肃省", "某某市", "某某县"], "住房和城乡建设局"),
        ("某某市市场监督管理局", ["某某市"], "市场监督管理局"),
        # real places anywhere in the country get their ancestors from the division dataset
        ("黄山市歙县人民政府", ["安徽省", "黄山市", "歙县"], "人民政府"),
        ("天津市和平区人民政府", ["天津市", "和平区"], "人民政府"),
        ("漳州市平和县司法局", ["福建省", "漳州市", "平和县"], "司法局"),
        ("某某市工业和信息化局", ["某某市"], "工业和信息化局"),
        ("某某市文化和旅游局", ["某某市"], "文化和旅游局"),
        ("某某市城乡建设和交通局", ["某某市"], "城乡建设和交通局"),
        ("歙县", ["安徽省", "黄山市", "歙县"], ""),
        ("某某县某某镇人民政府", ["某某县", "某某镇"], "人民政府"),
        ("北京市海淀区教育委员会", ["北京市", "海淀区"], "教育委员会"),
        ("某某市某某区某某街道办事处", ["某某市", "某某区", "某某街道"], "办事处"),
    ],
)
def test_split_agency(name, path, body):
    assert split_agency(name) == (path, body)
    assert region_path(name) == path


def test_ambiguous_county_gets_no_invented_ancestors():
    assert region_path("鼓楼区人民政府") == ["鼓楼区"]  # 南京 and 徐州 both have one
    assert region_path("徐州市鼓楼区人民政府") == ["江苏省", "徐州市", "鼓楼区"]


def test_a_municipality_outside_the_gazetteer_is_not_pulled_into_jiangsu():
    assert region_path("北京市通州区人民政府") == ["北京市", "通州区"]
    assert region_path("南通市通州区人民政府") == ["江苏省", "南通市", "通州区"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("银川市兴庆区人民政府", "people_gov"),
        ("淮安市人民政府", "people_gov"),
        ("银川市兴庆区", "people_gov"),
        ("某某区政府", "people_gov"),
        ("银川市人民政府办公室", "department"),
        ("银川市西夏区审批服务管理局", "department"),
        ("中卫市政务服务中心", "other"),
        ("某某市档案馆", "other"),
        ("某某市公安局交通警察支队", "department"),
        ("宁夏回族自治区发展和改革委员会", "department"),
        ("江苏省教育厅", "department"),
        ("某某县某某镇人民政府", "township"),
        ("某某乡人民政府", "township"),
        ("某某区某某街道办事处", "township"),
        ("银川经济技术开发区管理委员会", "devzone"),
        ("苏州工业园区管理委员会", "devzone"),
        ("淮安高新技术产业开发区管理委员会", "devzone"),
        ("某某市中级人民法院", "other"),
        ("某某协会", "other"),
        ("某某集团有限公司", "other"),
        ("某某", "other"),
    ],
)
def test_agency_kind(name, kind):
    assert agency_kind(name) == kind


def test_place_only_and_government_of():
    assert is_place_only("银川市兴庆区")
    assert is_place_only("贺兰县")
    assert not is_place_only("银川市兴庆区人民政府")
    assert not is_place_only("兴庆区教育局")
    assert government_of("银川市兴庆区") == "银川市兴庆区人民政府"
    assert government_of("某某街道") == "某某街道办事处"


def test_short_forms():
    forms = short_forms("银川市西夏区审批服务管理局")
    assert {"西夏区审批服务管理局", "西夏区审批局", "银川市西夏区审批局"} <= set(forms)
    assert "审批服务管理局" not in forms  # too vague to name one body
    gov = short_forms("淮安市洪泽区人民政府")
    assert {"洪泽区人民政府", "洪泽区政府"} <= set(gov)
    assert short_forms("某某") == []
