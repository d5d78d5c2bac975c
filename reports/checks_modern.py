"""The arithmetic (勾稽关系) the 2019/2021 formats define, checked on the numbers as printed.

A failed identity becomes a Finding; the numbers are never changed. An identity that needs a value the
report does not give cannot be checked (assuming 0 would invent a finding), unless the values it does
give already exceed the total; every identity left unchecked is named in one "unchecked" finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reports import exact
from reports.exact import Number
from reports.model import Finding
from reports.tables_modern import APPLICANT_COLUMNS

COLUMNS = APPLICANT_COLUMNS  # the 2019/2021 applicant columns, as the table reader names them
APPLICANTS: tuple[str, ...] = COLUMNS[:-1]
COLUMN_ZH: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social": "社会公益组织",
    "legal": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

DENIED = (
    "state_secret",
    "law_prohibited",
    "security_stability",
    "third_party",
    "internal_affairs",
    "process_info",
    "enforcement_file",
    "query_item",
)
UNAVAILABLE = ("not_held", "needs_creation", "unclear")
NOT_PROCESSED = ("petition", "duplicate", "publication", "mass_repeated", "confirm_reissue")
OTHER_SUBS = ("overdue_correction", "unpaid_fee", "other")

# Row stems under "apply." with a short Chinese name for messages.
ROW_ZH: dict[str, str] = {
    "received": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "result.granted": "（一）予以公开",
    "result.partial": "（二）部分公开",
    **{f"result.denied.{s}": f"（三）不予公开 {i}" for i, s in enumerate(DENIED, 1)},
    **{f"result.unavailable.{s}": f"（四）无法提供 {i}" for i, s in enumerate(UNAVAILABLE, 1)},
    **{f"result.not_processed.{s}": f"（五）不予处理 {i}" for i, s in enumerate(NOT_PROCESSED, 1)},
    "result.other": "（六）其他处理",
    **{f"result.other.{s}": f"（六）其他处理 {i}" for i, s in enumerate(OTHER_SUBS, 1)},
    "result.total": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
    "result.denied": "（三）不予公开（小计）",
    "result.unavailable": "（四）无法提供（小计）",
    "result.not_processed": "（五）不予处理（小计）",
}

REVIEW_GROUPS_ZH: dict[str, str] = {
    "review": "行政复议",
    "litigation.direct": "行政诉讼（未经复议直接起诉）",
    "litigation.after_review": "行政诉讼（复议后起诉）",
}
REVIEW_PARTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending")
REVIEW_PARTS_ZH: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
}

def _fmt(v: Number | None) -> str:
    return "空" if v is None else exact.text(exact.to_exact(v))


def _get(values: Mapping[str, Number], keys: Sequence[str]) -> list[Number] | None:
    """The values of `keys`, or None if any is absent (blank) — then the identity is skipped."""
    out = []
    for k in keys:
        v = values.get(k)
        if v is None:
            return None
        out.append(exact.to_exact(v))
    return out


class _Checker:
    def __init__(self, values: Mapping[str, Number], line_of: Mapping[str, int] | None) -> None:
        self.values = values
        self.line_of = line_of or {}
        self.findings: list[Finding] = []
        self.unchecked: list[str] = []  # identities that need a number the report does not give

    def line(self, key: str) -> int | None:
        return self.line_of.get(key)

    def sum_rule(
        self,
        rule: str,
        total_key: str,
        part_keys: Sequence[str],
        what: str,
        parts_zh: str,
        optional: bool = False,
    ) -> None:
        """total_key must equal the sum of part_keys; without all of them only an excess can be shown.

        `optional`: the total is a row few reports print (a subtotal): its absence is not worth naming."""
        got = _get(self.values, [total_key, *part_keys])
        if got is None:
            self._partial(rule, total_key, part_keys, what, parts_zh, optional)
            return
        total, parts = got[0], got[1:]
        expected = exact.total(parts)
        if total == expected:  # exact: 10**30 + 1 is not 10**30
            return
        terms = f"（{'+'.join(_fmt(p) for p in parts)}）" if len(parts) <= 8 else ""
        self.findings.append(
            Finding(
                rule=rule,
                message=f"{what}为 {_fmt(total)}，但{parts_zh}之和为 {_fmt(expected)}{terms}",
                values={k: self.values.get(k) for k in [total_key, *part_keys]},
                expected=expected,
                actual=total,
                line_no=self.line(total_key),
            )
        )

    def _partial(
        self, rule: str, total_key: str, part_keys: Sequence[str], what: str, parts_zh: str, optional: bool
    ) -> None:
        total = self.values.get(total_key)
        present = {k: exact.to_exact(self.values[k]) for k in part_keys if self.values.get(k) is not None}
        if total is None and (optional or not present):
            return
        so_far = exact.total(present.values())
        if total is not None and so_far > total and all(v >= 0 for v in present.values()):
            total = exact.to_exact(total)
            self.findings.append(
                Finding(
                    rule=rule,
                    message=f"{what}为 {_fmt(total)}，但已印出的{parts_zh}之和已达 {_fmt(so_far)}（另有未印出的项）",
                    values={total_key: total, **present},
                    expected=so_far,
                    actual=total,
                    line_no=self.line(total_key),
                )
            )
            return
        if total is not None and not present and optional:
            return
        self.unchecked.append(what)

    def unchecked_finding(self) -> Finding | None:
        if not self.unchecked:
            return None
        names = list(dict.fromkeys(self.unchecked))
        more = f" 等 {len(names)} 项" if len(names) > 8 else ""
        return Finding(
            rule="unchecked",
            message=f"缺少数字，无法核对：{'；'.join(names[:8])}{more}",
        )


def _result_parts(values: Mapping[str, Number], col: str) -> list[str] | None:
    """Keys of the result rows (一)…(六) for a column; (六) as one row or its three items, as printed."""
    keys = [f"apply.result.granted.{col}", f"apply.result.partial.{col}"]
    keys += [f"apply.result.denied.{s}.{col}" for s in DENIED]
    keys += [f"apply.result.unavailable.{s}.{col}" for s in UNAVAILABLE]
    keys += [f"apply.result.not_processed.{s}.{col}" for s in NOT_PROCESSED]
    subs = [f"apply.result.other.{s}.{col}" for s in OTHER_SUBS]
    if all(k in values for k in subs):
        keys += subs
    elif f"apply.result.other.{col}" in values:
        keys.append(f"apply.result.other.{col}")
    else:
        return None
    return keys


def check_modern(
    values: Mapping[str, Number], template: str = "2021", line_of: Mapping[str, int] | None = None
) -> list[Finding]:
    """Every identity of the 2019/2021 tables 三 and 四; `line_of` (key → line number) locates findings.

    Both formats define the same identities; `template` is accepted for symmetry with check_2008 callers.
    Which （六） rows exist (one row or three items) is read from the values, since 2021 reports print
    both layouts."""
    c = _Checker(values, line_of)
    row_stems = [s for s in ROW_ZH if any(f"apply.{s}.{col}" in values for col in COLUMNS)]

    for col in COLUMNS:
        zh = COLUMN_ZH[col]
        # 一 + 二 = （七） + 四
        got = _get(
            values,
            [
                f"apply.received.{col}",
                f"apply.carried_in.{col}",
                f"apply.result.total.{col}",
                f"apply.carried_out.{col}",
            ],
        )
        if got is None and any(
            k in values
            for k in (f"apply.received.{col}", f"apply.result.total.{col}", f"apply.carried_out.{col}")
        ):
            c.unchecked.append(f"{zh}列 一+二=（七）+四")
        if got is not None:
            received, carried_in, result_total, carried_out = got
            lhs, rhs = exact.total((received, carried_in)), exact.total((result_total, carried_out))
            if lhs != rhs:
                c.findings.append(
                    Finding(
                        rule=f"apply.balance.{col}",
                        message=(
                            f"{zh}列：本年新收 {_fmt(received)} + 上年结转 {_fmt(carried_in)} = {_fmt(lhs)}，"
                            f"但办理结果总计 {_fmt(result_total)} + 结转下年度 {_fmt(carried_out)} = {_fmt(rhs)}"
                        ),
                        values={
                            f"apply.received.{col}": received,
                            f"apply.carried_in.{col}": carried_in,
                            f"apply.result.total.{col}": result_total,
                            f"apply.carried_out.{col}": carried_out,
                        },
                        expected=lhs,
                        actual=rhs,
                        line_no=c.line(f"apply.result.total.{col}") or c.line(f"apply.carried_out.{col}"),
                    )
                )
        # （七）总计 = (一)…(六)
        parts = _result_parts(values, col)
        if parts is None and f"apply.result.total.{col}" in values:
            c.unchecked.append(f"{zh}列（七）总计")
        if parts is not None:
            c.sum_rule(
                f"apply.result_sum.{col}",
                f"apply.result.total.{col}",
                parts,
                f"{zh}列（七）总计",
                "（一）至（六）各项办理结果",
            )
        # printed subtotals (（三）/（四）/（五）/（六）) = their items
        for stem, items, name in (
            ("result.denied", DENIED, "（三）不予公开"),
            ("result.unavailable", UNAVAILABLE, "（四）无法提供"),
            ("result.not_processed", NOT_PROCESSED, "（五）不予处理"),
            ("result.other", OTHER_SUBS, "（六）其他处理"),
        ):
            c.sum_rule(
                f"apply.{stem}.subtotal.{col}",
                f"apply.{stem}.{col}",
                [f"apply.{stem}.{s}.{col}" for s in items],
                f"{zh}列{name}小计",
                "其下各项",
                optional=True,
            )

    # each row's 总计 = its six applicant columns
    for stem in row_stems:
        c.sum_rule(
            f"apply.row_total.{stem}",
            f"apply.{stem}.total",
            [f"apply.{stem}.{col}" for col in APPLICANTS],
            f"“{ROW_ZH[stem]}”行总计",
            "自然人及各类法人或其他组织",
        )

    # 四: each group's 总计 = 维持 + 纠正 + 其他 + 尚未审结
    for group, zh in REVIEW_GROUPS_ZH.items():
        c.sum_rule(
            f"{group}.total",
            f"{group}.total",
            [f"{group}.{p}" for p in REVIEW_PARTS],
            f"{zh}总计",
            "、".join(REVIEW_PARTS_ZH[p] for p in REVIEW_PARTS),
        )
    done = c.unchecked_finding()
    return c.findings + ([done] if done else [])
