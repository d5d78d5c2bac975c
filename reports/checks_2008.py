"""The 统计表's own arithmetic (勾稽关系): totals that must equal the sum of their parts.

A failure becomes a Finding carrying every value involved; numbers are never changed. An identity
is skipped when any value it needs is absent (a blank cell is "not stated", not 0).
"""

from __future__ import annotations

from reports import exact
from reports.exact import Number
from reports.model import Finding

EPS = 1e-6

# (rule, total key, part keys, Chinese name of the identity)
SUMS: list[tuple[str, str, tuple[str, ...], str]] = [
    (
        "2008.received_channels",
        "apply.received.total",
        ("apply.received.in_person", "apply.received.fax", "apply.received.online", "apply.received.letter"),
        "收到申请数应等于当面、传真、网络、信函申请数之和",
    ),
    (
        "2008.closed_parts",
        "apply.closed.total",
        ("apply.closed.on_time", "apply.closed.extended"),
        "申请办结数应等于按时办结数与延期办结数之和",
    ),
    (
        "2008.answered_items",
        "apply.answered.total",
        (
            "apply.answered.already_public",
            "apply.answered.granted",
            "apply.answered.partial",
            "apply.answered.denied",
            "apply.answered.not_this_agency",
            "apply.answered.not_exist",
            "apply.answered.asked_to_amend",
            "apply.answered.other_channel",
        ),
        "申请答复数应等于各答复类型（1–8项）之和",
    ),
    (
        "2008.denied_reasons",
        "apply.answered.denied",
        (
            "apply.answered.denied.state_secret",
            "apply.answered.denied.commercial_secret",
            "apply.answered.denied.privacy",
            "apply.answered.denied.security_stability",
            "apply.answered.denied.not_gov_info",
            "apply.answered.denied.other_legal",
        ),
        "不同意公开答复数应等于各不同意公开理由之和",
    ),
    (
        "2008.review_parts",
        "review.total",
        ("review.upheld", "review.corrected", "review.other"),
        "行政复议数量应等于维持、纠错、其他情形之和",
    ),
    (
        "2008.litigation_parts",
        "litigation.total",
        ("litigation.upheld", "litigation.corrected", "litigation.other"),
        "行政诉讼数量应等于维持或驳回、纠错、其他情形之和",
    ),
    (
        "2008.staff_parts",
        "org.staff",
        ("org.staff_full_time", "org.staff_part_time"),
        "从事政府信息公开工作人员数应等于专职与兼职人员数之和",
    ),
]

# (rule, part key, whole key, Chinese name): a "其中" row cannot exceed the row it belongs to
AT_MOST: list[tuple[str, str, str, str]] = [
    (
        "2008.normative_within_active",
        "active.normative_docs_published",
        "active.total",
        "主动公开规范性文件数（其中项）不应大于主动公开政府信息数",
    ),
    (
        "2008.press_by_head_within",
        "response.press_conferences_by_head",
        "response.press_conferences",
        "主要负责同志参加新闻发布会次数（其中项）不应大于新闻发布会总次数",
    ),
    (
        "2008.interviews_by_head_within",
        "response.online_interviews_by_head",
        "response.online_interviews",
        "主要负责同志参加在线访谈次数（其中项）不应大于在线访谈次数",
    ),
]


def _fmt(v: Number) -> str:
    return exact.text(exact.to_exact(v))


# rows only some (provincial) tables print: a part of the identity when printed, else not expected
EXTRA_PARTS: dict[str, tuple[str, ...]] = {"2008.received_channels": ("apply.received.email",)}


def _partial(
    rule: str, total_key: str, parts: tuple[str, ...], name: str, values: dict[str, Number]
) -> Finding | str | None:
    """An identity missing numbers: a finding when the printed parts already exceed the total, else the
    identity's name (unchecked), or None when the table prints none of its rows."""
    present = {p: values[p] for p in parts if p in values}
    total = values.get(total_key)
    if total is None and not present:
        return None
    so_far = exact.total(present.values())
    if total is not None and so_far > total and all(v >= 0 for v in present.values()):
        return Finding(
            rule=rule,
            message=f"{name}：表中为 {_fmt(total)}，已印出的各项相加已达 {_fmt(so_far)}（另有未印出的项）",
            values={total_key: total, **present},
            expected=so_far,
            actual=total,
        )
    return name


def check_2008(values: dict[str, Number]) -> list[Finding]:
    """Every identity of the 统计表 that fails, in table order; those missing numbers are named unchecked."""
    values = {k: exact.to_exact(v) for k, v in values.items() if v is not None}  # a float caller too
    out: list[Finding] = []
    unchecked: list[str] = []
    for rule, total_key, all_parts, name in SUMS:
        parts = all_parts + tuple(p for p in EXTRA_PARTS.get(rule, ()) if p in values)
        if total_key not in values or any(p not in values for p in parts):
            got = _partial(rule, total_key, parts, name, values)
            if isinstance(got, Finding):
                out.append(got)
            elif got:
                unchecked.append(name.split("应")[0])
            continue
        expected = exact.total(values[p] for p in parts)
        actual = values[total_key]
        if expected != actual:  # exact: 10**30 + 1 is not 10**30
            involved: dict[str, Number | None] = {total_key: actual}
            involved.update({p: values[p] for p in parts})
            out.append(
                Finding(
                    rule=rule,
                    message=f"{name}：表中为 {_fmt(actual)}，各项相加为 {_fmt(expected)}",
                    values=involved,
                    expected=expected,
                    actual=actual,
                )
            )
    for rule, part, whole, name in AT_MOST:
        if part not in values or whole not in values:
            continue
        if values[part] > values[whole]:
            out.append(
                Finding(
                    rule=rule,
                    message=f"{name}：其中项为 {_fmt(values[part])}，总数为 {_fmt(values[whole])}",
                    values={whole: values[whole], part: values[part]},
                    expected=values[whole],
                    actual=values[part],
                )
            )
    if unchecked:
        out.append(Finding(rule="unchecked", message=f"缺少数字，无法核对：{'；'.join(unchecked)}"))
    return out
