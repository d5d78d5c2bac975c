"""The audit as the user sees it: one-screen scorecard text, the region table as text, an XLSX workbook
(a sheet per check, officers work in spreadsheets) and a PNG table (matplotlib)."""

from __future__ import annotations

import io
import json
from typing import Any

from audit import Scorecard
from audit.dates import SOURCE_ZH
from audit.rules import grades, severity_labels, weights
from reports import exact
from service.audit import AuditRow
from service.charts import cjk_font

MARK = {"ok": "✅", "info": "ℹ️", "minor": "⚠️", "major": "❗", "critical": "⛔"}


def _num_text(v: Any) -> str:
    """An evidence number as printed (exact: ints, Decimal digits stored as text, old floats); else ""."""
    try:
        return exact.text(exact.to_exact(v))
    except (TypeError, ValueError):
        return ""


def _grade_label(grade: str) -> str:
    return next((label for g, _, label in grades() if g == grade), "")


def card_text(card: Scorecard) -> str:
    """One screen: header, score and grade, one line per check with its points."""
    head = [f"{card.agency} {card.year} 年度报告 · 体检结果",
            f"得分 {card.score:g}/100 · 等级 {card.grade}（{_grade_label(card.grade)}）"]
    if card.published_on:
        when = f"{SOURCE_ZH[card.date_source]} {card.published_on:%Y-%m-%d}，应于 {card.due:%Y-%m-%d} 前公布"
        head.append(when)
    lines = [f"{MARK.get(c.severity, '')} {c.label} {c.points:g}/{c.weight:g}：{c.summary}" for c in card.checks]
    return "\n".join([*head, "", *lines])


def evidence_text(card: Scorecard, key: str, limit: int = 12) -> str:
    """The evidence of one check (a button's answer)."""
    check = next((c for c in card.checks if c.key == key), None)
    if check is None:
        return "没有这一项检查。"
    lines = [f"{check.label}（{severity_labels().get(check.severity, check.severity)}）：{check.summary}",
             f"依据：{weights()[key].basis}"]
    for e in check.evidence[:limit]:
        where = f"第 {e.line} 行" if e.line else ""
        src = f"（{e.source}）" if e.source else ""
        nums = "，".join(f"{k}={t}" for k, v in e.values.items() if (t := _num_text(v)))
        lines.append(f"• {where}{src} {e.text}" + (f" [{nums}]" if nums else ""))
    if len(check.evidence) > limit:
        lines.append(f"…另有 {len(check.evidence) - limit} 条")
    return "\n".join(lines)


def _late(r: AuditRow) -> str:
    if r.days_late is None:
        return "—"
    return f"{r.days_late}" if r.days_late > 0 else "按时"


def region_text(region: str, year: int, rows: list[AuditRow], limit: int = 30) -> str:
    if not rows:
        return f"库里没有「{region}」的单位，无法检查 {year} 年度报告。"
    published = sum(r.published for r in rows)
    on_time = sum(1 for r in rows if r.published and r.days_late is not None and r.days_late <= 0)
    unknown = sum(1 for r in rows if r.published and r.days_late is None)  # no date: neither on time nor late
    lines = [f"{region} {year} 年度报告检查：应公布 {len(rows)} 家，已公布 {published} 家，按时 {on_time} 家"
             + (f"，发布日期不明 {unknown} 家" if unknown else ""),
             "（由差到好排列：单位｜逾期天数｜等级｜主要问题）"]
    for i, r in enumerate(rows[:limit], 1):
        probs = "；".join(r.problems[:2]) or "无明显问题"
        lines.append(f"{i}. {r.agency}｜{_late(r)}｜{r.grade}{f' {r.score:g}' if r.score is not None else ''}｜{probs}")
    if len(rows) > limit:
        lines.append(f"…另有 {len(rows) - limit} 家，见 XLSX 附件")
    return "\n".join(lines)


def region_json(region: str, year: int, rows: list[AuditRow]) -> list[dict[str, Any]]:
    return [{"region": region, "year": year, "agency": r.agency, "published": r.published,
             "due": r.due.isoformat(), "days_late": r.days_late, "score": r.score, "grade": r.grade,
             "problems": r.problems} for r in rows]


def region_xlsx(region: str, year: int, rows: list[AuditRow]) -> bytes:
    """Summary sheet plus one sheet per check (each problem's evidence a row)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["单位", "是否公布", "应公布日期", "逾期天数", "得分", "等级", "主要问题"])
    for r in rows:
        ws.append([r.agency, "是" if r.published else "否", r.due.isoformat(), r.days_late, r.score, r.grade,
                   "；".join(r.problems)])
    for key, w in weights().items():
        sheet = wb.create_sheet(w.label)
        sheet.append(["单位", "严重程度", "得分", "满分", "结论", "行号", "证据", "数值"])
        for r in rows:
            check = next((c for c in r.card.checks if c.key == key), None) if r.card else None
            if check is None:
                continue
            sev = severity_labels().get(check.severity, check.severity)
            for e in check.evidence or [None]:
                sheet.append([r.agency, sev, check.points, check.weight, check.summary,
                              e.line if e else None, e.text if e else "",
                              json.dumps(e.values, ensure_ascii=False) if e and e.values else ""])
    for sheet in wb.worksheets:
        sheet.column_dimensions["A"].width = 36
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def region_png(region: str, year: int, rows: list[AuditRow], limit: int = 25) -> bytes:
    """A table image of the worst `limit` bodies, coloured by grade. Without a CJK font on the server the
    rows are numbered as in the text reply (#1, #2 …) and the Chinese columns are left out."""
    import warnings

    import matplotlib
    from matplotlib.figure import Figure

    font = cjk_font()
    if font:
        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    shown = rows[:limit]
    head = ["单位", "逾期天数", "等级", "得分", "主要问题"] if font else ["#", "days late", "grade", "score"]
    cells = [[r.agency[:22] if font else f"#{i}", _late(r) if font or r.days_late is None or r.days_late > 0
              else "on time", r.grade if r.grade != "—" else "-", f"{r.score:g}" if r.score is not None else "-"]
             + ([("；".join(r.problems[:1]) or "—")[:28]] if font else []) for i, r in enumerate(shown, 1)]
    colors = {"A": "#c8e6c9", "B": "#fff9c4", "C": "#ffe0b2", "D": "#ffcdd2", "-": "#e0e0e0"}
    fig = Figure(figsize=(11 if font else 6, 0.4 * len(cells) + 1.2), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    ax.axis("off")
    ax.set_title(f"{region} {year} 年度报告检查（由差到好）" if font else f"{year} audit, worst first")
    table = ax.table(cellText=cells or [["-"] * len(head)], colLabels=head, loc="center", cellLoc="left",
                     cellColours=[[colors.get(c[2], "white")] * len(head) for c in cells] or None)
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs of a partial font
        fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()
