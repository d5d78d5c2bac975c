"""reminders.planner.render_outstanding: says what we know, prints each region once, orders by pinyin."""

from __future__ import annotations

from datetime import date

from reminders.calendar import DueDate
from reminders.planner import render_outstanding
from reminders.registry import Outstanding

DUE = DueDate(report_year=2025, kind="county", due=date(2026, 1, 31), group="jan", basis="条例第四十九条")


def _o(i: int, name: str, region: str) -> Outstanding:
    return Outstanding(agency_id=i, name=name, kind="county", region_path=region, due=DUE, days_left=3)


def test_region_once_bodies_in_pinyin_order_and_plain_wording():
    items = [
        _o(1, "中山区人民政府", "青川省/临江市"),
        _o(2, "安平县人民政府", "青川省/白石市"),
        _o(3, "北湖区人民政府", "青川省/临江市"),
        _o(4, "东城区人民政府", "青川省/白石市"),
    ]
    text = render_outstanding(items, 2025, date(2026, 1, 28))
    lines = text.splitlines()
    bodies = [ln[2:] for ln in lines if ln.startswith("• ")]
    # 白石市 (bai) before 临江市 (lin); inside each, 安 < 东 and 北 < 中 by pinyin
    assert bodies == ["安平县人民政府", "东城区人民政府", "北湖区人民政府", "中山区人民政府"]
    assert sum("白石市" in ln for ln in lines) == 1 and sum("临江市" in ln for ln in lines) == 1
    assert not any("人民政府（" in ln for ln in lines)  # the region is not repeated on every body's line
    assert "尚未入库" not in text and "本机器人尚未收到其年报" in text
