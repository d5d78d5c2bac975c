"""Checks that need more than one report: cross-year carry-over and magnitude (issue 13).

Pure functions: the caller passes this report's values and the same body's other years (read from
the store at ingest). Numbers are never changed; each problem becomes a Finding naming both figures.
- cross-year: this year's 二、上年结转 (per applicant column) = last year's 四、结转下年度继续办理;
- magnitude: a money figure ≥ 10⁴ × the body's other years (a 元 amount stored as 万元, a typo);
- negative counts (signed columns such as 本年增/减 excepted).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from reports import exact
from reports.catalogue import definition
from reports.exact import Number
from reports.model import Finding

# (value, unit) per indicator key; values exact (int or Decimal)
Values = Mapping[str, tuple[Number, str]]

MAGNITUDE = 10_000
_MONEY_TO_WAN: dict[str, Number] = {"万元": 1, "元": Decimal("0.0001"), "亿元": 10_000}
_COUNT_UNITS = {"件", "条", "次", "个", "人", "人次", "篇", "项"}
_SIGNED_SUFFIXES = (".change",)
_CARRIED_IN, _CARRIED_OUT = "apply.carried_in.", "apply.carried_out."


def _fmt(v: Number) -> str:
    return exact.text(exact.to_exact(v))


def _wan(v: Number, unit: str) -> Number:
    """A money figure in 万元, exactly (trailing zeros of the conversion dropped: 500 元 → 0.05)."""
    out = exact.scaled(v, _MONEY_TO_WAN[unit])
    return out.normalize() if isinstance(out, Decimal) and not exact.is_whole(out) else out


def _name(key: str) -> str:
    d = definition(key)
    return d.name_zh if d else key


def cross_year(year: int, values: Values, previous: Values | None, following: Values | None) -> list[Finding]:
    """上年结转 of a year = 结转下年度 of the year before, checked against both neighbours if stored."""
    out: list[Finding] = []
    for key, (v, _unit) in values.items():
        if key.startswith(_CARRIED_IN) and previous:
            col = key[len(_CARRIED_IN) :]
            before = previous.get(_CARRIED_OUT + col)
            if before is not None and before[0] != v:
                out.append(_carry_finding(year, key, v, _CARRIED_OUT + col, before[0], year - 1))
        if key.startswith(_CARRIED_OUT) and following:
            col = key[len(_CARRIED_OUT) :]
            after = following.get(_CARRIED_IN + col)
            if after is not None and after[0] != v:
                out.append(_carry_finding(year, key, v, _CARRIED_IN + col, after[0], year + 1))
    return out


def _carry_finding(year: int, key: str, v: Number, other_key: str, other: Number, other_year: int) -> Finding:
    first, second = (year, other_year) if other_year > year else (other_year, year)
    msg = (
        f"跨年度核对：{year} 年「{_name(key)}」为 {_fmt(v)}，{other_year} 年报告「{_name(other_key)}」为 "
        f"{_fmt(other)}；{second} 年的上年结转应等于 {first} 年的结转下年度"
    )
    return Finding(
        rule=f"cross_year.{key}",
        message=msg,
        values={key: v},
        expected=other,
        actual=v,
    )


def magnitude(year: int, values: Values, others: Mapping[int, Values]) -> list[Finding]:
    """Money figures at least 10⁴ times every other year's figure for the same key (in 万元 terms)."""
    out: list[Finding] = []
    for key, (v, unit) in values.items():
        if unit not in _MONEY_TO_WAN or v <= 0:
            continue
        past = [
            (y, _wan(*o[key]))
            for y, o in others.items()
            if key in o and o[key][1] in _MONEY_TO_WAN and o[key][0] > 0
        ]
        if not past:
            continue
        here = _wan(v, unit)
        top_year, top = max(past, key=lambda p: p[1])
        if here >= MAGNITUDE * top:
            out.append(
                Finding(
                    rule=f"magnitude.{key}",
                    message=(
                        f"数量级核对：{year} 年「{_name(key)}」为 {_fmt(v)} {unit}，是本单位其他年度最大值"
                        f"（{top_year} 年，折合 {_fmt(top)} 万元）的 {Decimal(here) / Decimal(top):,.0f} 倍，"
                        "请核对单位（元/万元）或录入"
                    ),
                    values={key: v},
                    expected=None,
                    actual=v,
                )
            )
    return out


def negative_counts(values: Values) -> list[Finding]:
    """A count below zero is never a count (signed 本年增/减 columns excepted)."""
    out: list[Finding] = []
    for key, (v, unit) in values.items():
        if v < 0 and unit in _COUNT_UNITS and not key.endswith(_SIGNED_SUFFIXES):
            out.append(
                Finding(
                    rule=f"negative.{key}",
                    message=f"「{_name(key)}」为 {_fmt(v)} {unit}：件数不能为负",
                    values={key: v},
                    actual=v,
                )
            )
    return out


def check_history(year: int, values: Values, others: Mapping[int, Values]) -> list[Finding]:
    """Every multi-report check for one report of one body; `others` = that body's other years."""
    return [
        *cross_year(year, values, others.get(year - 1), others.get(year + 1)),
        *magnitude(year, values, others),
        *negative_counts(values),
    ]
