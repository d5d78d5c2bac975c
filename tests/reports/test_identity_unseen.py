"""Who published a report nobody here has seen (issue 13 §4): titles wrapped over two or three lines,
web-page lines and publisher fields, a body printed only under the title or in the 落款, towns and
streets named without their county, 开发区 and 垂直管理 bodies, and the year as printed.

Every named case must come back exactly; every case naming no single body must be refused (no guess).
"""

from __future__ import annotations

import pytest

from reports.identity import identify
from reports.model import ReportError
from reports.text import to_lines

T = "政府信息公开工作年度报告"
NAMED = [
    ("two lines, name cut", f"上海市科学技术\n委员会2024年{T}", "上海市科学技术委员会", 2024),
    ("three lines", f"上海市\n科学技术委员会\n2024年{T}", "上海市科学技术委员会", 2024),
    (
        "report word wrapped",
        "北京市海淀区人民政府2023年政府信息公开\n工作年度报告",
        "北京市海淀区人民政府",
        2023,
    ),
    (
        "year line wrapped",
        "北京市海淀区人民政府\n2023年政府信息\n公开工作年度报告",
        "北京市海淀区人民政府",
        2023,
    ),
    (
        "breadcrumb, 来源 and 浏览次数",
        f"首页 > 政务公开 > 年报\n发布时间：2024-01-20 来源：市教育局 浏览次数：123\n【字体：大 中 小】 打印本页\n"
        f"南京市教育局2023年{T}\n正文",
        "南京市教育局",
        2023,
    ),
    (
        "信息来源 line",
        f"当前位置：首页 > 信息公开\n{T}（2023年度）\n发布日期：2024-01-15\n信息来源：杭州市西湖区人民政府\n正文",
        "杭州市西湖区人民政府",
        2023,
    ),
    (
        "来源 then 发布时间 on one line",
        f"您的位置：首页 >> 政务公开\n2023年度{T}\n来源：苏州市吴中区人民政府办公室 发布时间：2024-01-30\n正文",
        "苏州市吴中区人民政府办公室",
        2023,
    ),
    (
        "发布机构 then 发文日期",
        f"发布机构：上海市科学技术委员会 发文日期：2024-01-10\n2023年度{T}\n正文",
        "上海市科学技术委员会",
        2023,
    ),
    (
        "page <title> above",
        f"南京市教育局2023年{T}_南京市人民政府\n首页 > 年报\n南京市教育局2023年{T}",
        "南京市教育局",
        2023,
    ),
    (
        "body under the title",
        f"当前位置：首页>信息公开\n{T}\n二〇二三年度\n南京市教育局\n正文",
        "南京市教育局",
        2023,
    ),
    (
        "落款 only",
        f"2023年{T}\n一、总体情况\n本局认真贯彻。\n\n武汉市江汉区人力资源和社会保障局\n2024年1月20日",
        "武汉市江汉区人力资源和社会保障局",
        2023,
    ),
    ("落款, Chinese date", f"2023年{T}\n正文。\n\n南京市教育局\n二〇二四年一月二十日", "南京市教育局", 2023),
    ("本报告由…编制", f"2023年度{T}\n本报告由成都市武侯区人民政府办公室编制。", "成都市武侯区人民政府", 2023),
    ("year in Chinese", f"郑州市金水区人民政府二〇二三年{T}", "郑州市金水区人民政府", 2023),
    (
        "publication date above",
        f"发布时间：2024-01-18\n郑州市金水区人民政府2023年{T}",
        "郑州市金水区人民政府",
        2023,
    ),
    (
        "title carries the publication year",
        f"南京市教育局2024年{T}\n本报告所列数据统计期限自2023年1月1日起至2023年12月31日止。",
        "南京市教育局",
        2023,
    ),
    ("year after the title", f"上海市科学技术委员会{T}（2023年度）", "上海市科学技术委员会", 2023),
    (
        "street, county printed",
        f"石牌街道办事处2023年{T}\n本报告由广州市天河区石牌街道办事处编制。",
        "广州市天河区石牌街道办事处",
        2023,
    ),
    ("town as a bare place", f"青阳县木溪镇2023年{T}", "青阳县木溪镇人民政府", 2023),
    ("开发区管委会", f"合肥高新技术产业开发区管委会2023年{T}", "合肥高新技术产业开发区管委会", 2023),
    ("垂直管理", f"国家税务总局南京市鼓楼区税务局\n2023年{T}", "国家税务总局南京市鼓楼区税务局", 2023),
    (
        "区人社局, full name in the 落款",
        f"区人社局2023年{T}\n正文。\n\n徐州市鼓楼区人力资源和社会保障局\n2024年1月20日",
        "徐州市鼓楼区人力资源和社会保障局",
        2023,
    ),
    ("市科委, 主办单位 below", f"市科委2023年{T}\n正文\n主办单位：重庆市科学技术委员会", "重庆市科学技术委员会", 2023),
    (
        "区人社局, place in text",
        f"区人社局2023年{T}\n2023年，徐州市鼓楼区人社局认真贯彻。",
        "徐州市鼓楼区人力资源和社会保障局",
        2023,
    ),
]
NO_YEAR = [
    ("publication month only", f"南京市教育局{T}\n（2024年1月）\n正文"),
    ("publication date only", f"发布时间：2024-01-18\n南京市教育局{T}\n正文"),
]
NAMELESS = [
    ("nothing", f"2023年{T}\n一、总体情况\n本局认真贯彻。"),
    ("web page, no body", f"首页 > 政务公开\n2023年{T}\n发布时间：2024-01-20\n本单位认真贯彻"),
    ("two bodies sign", f"2023年{T}\n正文。\n\n南京市教育局\n南京市财政局\n2024年1月20日"),
    ("落款 本局", f"2023年{T}\n正文。\n\n本局\n2024年1月20日"),
    ("落款 short form only", f"2023年{T}\n正文。\n\n区人社局\n2024年1月20日"),
]


@pytest.mark.parametrize(("case", "text", "agency", "year"), NAMED, ids=[c[0] for c in NAMED])
def test_body_and_year(case, text, agency, year):
    ident = identify(to_lines(text), "")
    assert (ident.agency, ident.year) == (agency, year)


@pytest.mark.parametrize(("case", "text"), NAMELESS, ids=[c[0] for c in NAMELESS])
def test_no_single_body_is_refused(case, text):
    with pytest.raises(ReportError) as err:
        identify(to_lines(text), "")
    assert err.value.code == "no_agency"


@pytest.mark.parametrize(("case", "text"), NO_YEAR, ids=[c[0] for c in NO_YEAR])
def test_publication_date_is_not_the_report_year(case, text):
    with pytest.raises(ReportError) as err:
        identify(to_lines(text), "")
    assert err.value.code == "no_year"
