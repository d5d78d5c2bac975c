"""The five checks of a scorecard. Each reads `ReportFacts` and returns a `Check` (points set by scoring).

Numbers are not re-checked here: the parser's findings (reports/, stored at ingest) are consumed and
sorted into the format check (completeness) or the numbers check (identities, carry-over, magnitude,
negative counts, prose against table) by audit/data/findings.csv.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from audit import dates
from audit.model import Check, Evidence, ReportFacts
from audit.prose import is_table_line, normalise
from audit.rules import finding_rule, history_rules, sections, severity_for, statements, weights, worst
from audit.sections import section_bodies, section_starts
from reminders.calendar import due_date
from reports import exact
from reports.exact import Number

TEMPLATE_ZH = {"2008": "2008 年条例统计表格式", "2019": "2019 年新版格式", "2021": "2021 年新版格式",
               "narrative": "纯文字（无统计表）"}
NOTICE = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}
_NONE_BODY = re.compile(r"^(本(年度|年)?)?(无|暂无|没有)[。.]?$")


def _check(key: str, severities: list[str], summary: str, evidence: list[Evidence], problems: list[str]) -> Check:
    return Check(key, weights()[key].label, worst(severities), summary, evidence, problems=problems)


def timeliness(f: ReportFacts) -> tuple[Check, date | None, str, int | None]:
    """Publication date against the due date of the body's kind and year (reminders.calendar)."""
    due = due_date(f.year, f.kind)
    pub, source, line = dates.publication_date(f.text, f.year, f.published_on, f.uploaded_on)
    if pub is None:
        return _check("timeliness", ["info"], "没有可用的发布日期", [], []), None, source, None
    late = (pub - due.due).days
    sev = severity_for("timeliness", "days_late", late)
    how = dates.SOURCE_ZH[source]
    ev = [Evidence(f"{how} {pub:%Y-%m-%d}；{due.explain()}", line, {"days_late": float(late)})]
    if source == "upload" and late > 0:  # the upload day only bounds the publication day from above
        summary = f"发布日期未知：入库日期 {pub:%Y-%m-%d} 晚于截止日 {due.due:%Y-%m-%d}，无法判断是否逾期"
        return _check("timeliness", ["info"], summary, ev, []), pub, source, None
    if late > 0:
        summary = f"逾期 {late} 天公布（{how} {pub:%Y-%m-%d}，应于 {due.due:%Y-%m-%d} 前）"
        return _check("timeliness", [sev], summary, ev, [summary]), pub, source, late
    return _check("timeliness", ["ok"], f"按时公布（{how} {pub:%Y-%m-%d}）", ev, []), pub, source, late


def expected_template(year: int) -> str:
    """2008 统计表 up to 2018; the 2019 format for 2019–2020; the 2021 format from 2021."""
    return "2008" if year < 2019 else "2019" if year < 2021 else "2021"


def format_check(f: ReportFacts) -> Check:
    want = expected_template(f.year)
    sev, ev, problems = ["ok"], [], []
    if f.template != want:
        basis = NOTICE.get(want, "2008 年条例")
        minor = want == "2008" and f.template == "narrative"  # 2008 reports often were prose only
        msg = f"使用了{TEMPLATE_ZH.get(f.template, f.template)}，{f.year} 年度应使用{TEMPLATE_ZH[want]}（{basis}）"
        sev.append("minor" if minor else "major")
        ev.append(Evidence(msg))
        problems.append(msg)
    if f.year >= 2019:
        _sections(f, sev, ev, problems)
    for fd in f.findings:
        rule = finding_rule(fd.rule)
        if rule.check == "format":
            sev.append(rule.severity)
            problems.append(f"{rule.label}：{fd.message[:100]}")
            ev.append(Evidence(fd.message, fd.line, _exact(fd.values)))
    summary = problems[0] if problems else f"符合{TEMPLATE_ZH[want]}，六个部分齐全" if f.year >= 2019 \
        else f"符合{TEMPLATE_ZH[want]}"
    return _check("format", sev, summary, ev, problems)


def _sections(f: ReportFacts, sev: list[str], ev: list[Evidence], problems: list[str]) -> None:
    """Every section 一–六 present, under its own numeral."""
    found = section_starts(f.text.splitlines())
    for s in sections():
        if s.numeral not in found:
            continue
        at = found[s.numeral]
        if at.printed == s.numeral:
            ev.append(Evidence(f"{s.numeral}、{s.title}：已找到", at.line))
        else:
            msg = f"“{s.title}”应为第{s.numeral}部分，报告排在第{at.printed}部分"
            sev.append("minor")
            problems.append(msg)
            ev.append(Evidence(msg, at.line))
    missing = [f"{s.numeral}、{s.title}" for s in sections() if s.numeral not in found]
    if missing:
        msg = f"缺少第{'、'.join(m[0] for m in missing)}部分（{'；'.join(missing)}）"
        sev.append("major")
        problems.insert(0, msg)
        ev.insert(0, Evidence(msg))


def _exact(values: dict) -> dict[str, Any]:
    """Evidence numbers for a JSON scorecard: exact (an int, or a Decimal's digits as text; reports.exact)."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        try:
            out[k] = exact.json_safe(exact.to_exact(v))
        except (TypeError, ValueError):
            out[k] = None
    return out


def numbers(f: ReportFacts) -> Check:
    sev, ev, problems = ["ok"], [], []
    for fd in f.findings:
        rule = finding_rule(fd.rule)
        if rule.check != "numbers":
            continue
        sev.append(rule.severity)
        ev.append(Evidence(fd.message, fd.line, _exact(fd.values)))
        problems.append(f"{rule.label}：{fd.message[:100]}")
    _history_jumps(f, sev, ev, problems)
    summary = f"{len(problems)} 处数据问题" if problems else "未发现数据问题（勾稽关系、跨年、量级、负数）"
    return _check("numbers", sev, summary, ev, problems)


def _history_jumps(f: ReportFacts, sev: list[str], ev: list[Evidence], problems: list[str]) -> None:
    """Counts against the body's own other years (audit/data/history.csv): ×10 or more than every other
    year, or a sudden 0 after years of hundreds. Money slips (元/万元) are the parser's magnitude findings."""
    for rule in history_rules():
        here = f.values.get(rule.key)
        past = sorted((y, float(v[rule.key])) for y, v in f.history.items() if rule.key in v and y != f.year)
        if here is None or not past:
            continue
        here = float(here)
        top_year, top = max(past, key=lambda p: p[1])
        before = [v for y, v in past if y < f.year][-rule.zero_after:]
        if here >= rule.jump_floor and here >= rule.jump_factor * max(top, 1):
            msg = (f"{rule.label} {here:g}，是本单位其他年度最大值（{top_year} 年 {top:g}）的 "
                   f"{here / max(top, 1):,.0f} 倍，请核对")
        elif here == 0 and len(before) == rule.zero_after and min(before) >= rule.zero_floor:
            msg = f"{rule.label}骤降为 0（此前 {rule.zero_after} 年为 {'、'.join(f'{v:g}' for v in before)}），请核对"
        else:
            continue
        sev.append(rule.severity)
        figures = {rule.key: here, **{f"{rule.key}@{y}": v for y, v in past}}
        ev.append(Evidence(msg, None, {k: int(v) if float(v).is_integer() else v for k, v in figures.items()}))
        problems.append(f"数量级突变：{msg[:100]}")


def similarity(f: ReportFacts) -> Check:
    s = f.similarity
    if s is None or s.counted_chars == 0:
        return _check("similarity", ["info"], "正文太短或没有可比较的正文", [], [])
    sev, problems = ["ok"], []
    if s.previous_share is not None:
        level = severity_for("similarity", "previous_share", s.previous_share)
        sev.append(level)
        if level != "ok":
            problems.append(f"正文 {s.previous_share:.0%} 与本机关上年报告雷同")
    if s.peer_share is not None:
        level = severity_for("similarity", "peer_share", s.peer_share)
        sev.append(level)
        if level != "ok":
            problems.append(f"正文 {s.peer_share:.0%} 与同年其他机关报告雷同")
    parts = [f"与上年 {s.previous_share:.0%}" if s.previous_share is not None else "无上年报告可比",
             f"与同年其他机关 {s.peer_share:.0%}" if s.peer_share is not None else ""]
    summary = "正文雷同：" + "，".join(p for p in parts if p) + f"（计 {s.counted_chars} 字）"
    return _check("similarity", sev, summary, list(s.passages), problems)


def _sum(values: dict[str, Number], keys: tuple[str, ...]) -> Number | None:
    present = [values[k] for k in keys if k in values]
    return exact.total(present) if present else None


def _statement_hits(f: ReportFacts) -> list[tuple[str, str, Evidence]]:
    hits = []
    for i, raw in enumerate(f.text.splitlines(), 1):
        if not raw.strip() or is_table_line(raw):
            continue
        for part in re.split(r"(?<=[。！？；])", raw.strip()):
            norm = normalise(part)
            for st in statements():
                total = _sum(f.values, st.indicators)
                if total and total > 0 and st.pattern.search(norm):
                    vals = _exact({k: f.values[k] for k in st.indicators if k in f.values})
                    hits.append((st.severity, st.label, Evidence(part.strip()[:120], i, vals)))
    return hits


def _none_sections(f: ReportFacts) -> list[tuple[str, str, Evidence]]:
    hits = []
    titles = {s.numeral: s for s in sections()}
    for num, (line, body) in section_bodies(f.text.splitlines()).items():
        total = _sum(f.values, titles[num].indicators)
        if body and _NONE_BODY.match(normalise(body[0])) and total and total > 0:  # what follows is the 落款
            vals = _exact({k: f.values[k] for k in titles[num].indicators if k in f.values})
            label = f"第{num}部分写“无”，表格却有数字"
            hits.append(("major", label, Evidence(f"{num}、{titles[num].title}：{body[0]}", line, vals)))
    return hits


def consistency(f: ReportFacts) -> Check:
    hits = _statement_hits(f) + _none_sections(f)
    if not hits:
        return _check("consistency", ["ok"], "正文表述与表格数字一致", [], [])
    problems = [f"{label}（第 {ev.line} 行）" for _, label, ev in hits]
    return _check("consistency", [s for s, _, _ in hits], problems[0], [ev for _, _, ev in hits], problems)
