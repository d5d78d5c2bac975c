"""勾稽关系 of the 统计表: failures are reported with their values; absent values skip the identity."""

from __future__ import annotations

from reports.checks_2008 import SUMS, check_2008


def consistent() -> dict[str, float]:
    v = {
        "apply.received.in_person": 3,
        "apply.received.fax": 0,
        "apply.received.online": 5,
        "apply.received.letter": 1,
        "apply.closed.on_time": 7,
        "apply.closed.extended": 1,
        "apply.answered.already_public": 2,
        "apply.answered.granted": 1,
        "apply.answered.partial": 1,
        "apply.answered.not_this_agency": 1,
        "apply.answered.not_exist": 0,
        "apply.answered.asked_to_amend": 0,
        "apply.answered.other_channel": 1,
        "apply.answered.denied.state_secret": 1,
        "apply.answered.denied.commercial_secret": 0,
        "apply.answered.denied.privacy": 1,
        "apply.answered.denied.security_stability": 0,
        "apply.answered.denied.not_gov_info": 0,
        "apply.answered.denied.other_legal": 0,
        "review.upheld": 1,
        "review.corrected": 0,
        "review.other": 1,
        "litigation.upheld": 0,
        "litigation.corrected": 1,
        "litigation.other": 0,
        "org.staff_full_time": 2,
        "org.staff_part_time": 5,
        "active.total": 100,
        "active.normative_docs_published": 4,
        "response.press_conferences": 3,
        "response.press_conferences_by_head": 1,
        "response.online_interviews": 2,
        "response.online_interviews_by_head": 2,
    }
    v["apply.received.total"] = 9
    v["apply.closed.total"] = 8
    v["apply.answered.denied"] = 2
    v["apply.answered.total"] = 8
    v["review.total"] = 2
    v["litigation.total"] = 1
    v["org.staff"] = 7
    return {k: float(x) for k, x in v.items()}


def test_consistent_table_has_no_findings():
    assert check_2008(consistent()) == []


def test_each_sum_identity_is_checked():
    for rule, total, parts, _ in SUMS:
        vals = consistent()
        vals[total] += 1
        found = check_2008(vals)
        # only identities that involve the changed total may fire (不同意公开 is also an answered item)
        involved = {r for r, t, ps, _ in SUMS if total == t or total in ps}
        assert rule in {f.rule for f in found} and {f.rule for f in found} <= involved, rule
        f = next(x for x in found if x.rule == rule)
        assert f.actual == vals[total]
        assert f.expected == sum(vals[p] for p in parts)
        assert set(f.values) == {total, *parts}
        assert f.message


def test_answered_20_against_items_40_is_flagged():
    # 000: 申请答复数 20 while 已主动公开 20 + 同意公开 20
    vals = consistent()
    vals.update(
        {
            "apply.answered.total": 20.0,
            "apply.answered.already_public": 20.0,
            "apply.answered.granted": 20.0,
            "apply.answered.partial": 0.0,
            "apply.answered.denied": 0.0,
            "apply.answered.not_this_agency": 0.0,
            "apply.answered.not_exist": 0.0,
            "apply.answered.asked_to_amend": 0.0,
            "apply.answered.other_channel": 0.0,
        }
    )
    for k in list(vals):
        if k.startswith("apply.answered.denied."):
            vals[k] = 0.0
    found = [f for f in check_2008(vals) if f.rule == "2008.answered_items"]
    assert len(found) == 1
    assert found[0].actual == 20 and found[0].expected == 40


def test_absent_value_leaves_the_identity_unchecked():
    vals = consistent()
    vals["apply.received.total"] = 99.0
    del vals["apply.received.fax"]
    # issue 13: not checked is said, never a failure (99 ≥ the printed parts, which may not add up)
    (f,) = check_2008(vals)
    assert f.rule == "unchecked" and "收到申请数" in f.message and not f.values
    vals = consistent()
    vals["org.staff_full_time"] = 50.0
    del vals["org.staff"]
    (f,) = check_2008(vals)
    assert f.rule == "unchecked" and "从事政府信息公开工作人员数" in f.message


def test_sub_item_larger_than_its_parent_is_flagged():
    vals = consistent()
    vals["response.press_conferences_by_head"] = 9.0
    assert [f.rule for f in check_2008(vals)] == ["2008.press_by_head_within"]


def test_decimal_sums_do_not_false_alarm():
    vals = {"org.staff": 0.3, "org.staff_full_time": 0.1, "org.staff_part_time": 0.2}
    assert check_2008(vals) == []
