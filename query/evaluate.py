"""From stored values to one answered number: evaluate an indicator's formula for a report, with its source.

Why separate: every answerer (value, trend, compare, ranking, total) cites numbers the same way, so a
derived figure is always stated as derived, a blank cell is never read as 0, and findings touching the
number travel with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from query.cache import Findings, ReadCache, ReportRec, ValueRec
from query.cells import cell_rows, no_number_text
from query.indicators import MODERN, Formula, IndicatorMatch, describe, keys_of, template_name
from query.types import AnswerRow, Source
from reports import exact
from reports.catalogue import definition
from reports.exact import Number

DERIVED_KEYS = {
    "denied": "apply.result.denied.total",
    "share_granted": "share.granted",
    "correction_rate": "rate.correction",
    "review_correction_rate": "rate.review_correction",
    "litigation_correction_rate": "rate.litigation_correction",
    "correction_total": "corrected.total",
    "unavailable": "apply.result.unavailable.total",
    "not_processed": "apply.result.not_processed.total",
    "litigation_corrected": "litigation.corrected",
}
KEY_TOKEN = re.compile(r"\b[a-z_]+(?:\.[a-z0-9_]+)+\b")  # a catalogue key such as litigation.direct.total
LITIGATION_SUM: Formula = ("sum", ("litigation.direct.total", "litigation.after_review.total"))


@dataclass
class Evaluated:
    value: Number | None  # exact; a ratio is a Decimal rounded to 0.01
    parts: list[ValueRec] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    zero_den: bool = False


def evaluate(formula: Formula, vals: dict, template: str) -> Evaluated:
    """The value of `formula` over one report's values (None when a part is blank or absent)."""
    if isinstance(formula, str):
        v = vals.get(formula)
        if v is not None:
            return Evaluated(v.value, [v])
        if formula == "litigation.total" and template in MODERN:
            return evaluate(LITIGATION_SUM, vals, template)
        return Evaluated(None, missing=[formula])
    if formula[0] == "sum":
        found: list[Number] = []
        out = Evaluated(0)
        for part in formula[1]:
            e = evaluate(part, vals, template)
            out.parts += e.parts
            out.missing += e.missing
            if e.value is not None:
                found.append(e.value)
        out.value = None if out.missing else exact.total(found)
        return out
    if formula[0] == "ratio":
        num = evaluate(formula[1], vals, template)
        den = evaluate(formula[2], vals, template)
        out = Evaluated(None, num.parts + den.parts, num.missing + den.missing)
        if out.missing:
            return out
        if not den.value:
            out.zero_den = True
            return out
        out.value = _percent(num.value or 0, den.value)
        return out
    return Evaluated(None)


def _percent(num: Number, den: Number) -> Number:
    """100 × num / den to 0.01, as a Decimal without trailing zeros (50 → 50, 1/3 → 33.33)."""
    q = (Decimal(100) * Decimal(num) / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return int(q) if exact.is_whole(q) else q.normalize()


def _name(key: str, template: str) -> str:
    d = definition(key, template)
    return d.name_zh if d else key


def humanize(label: str, template: str) -> str:
    """A label with every internal key replaced by its Chinese name: keys never reach users."""
    return KEY_TOKEN.sub(lambda m: _name(m.group(0), template) if definition(m.group(0), template) else "相关项",
                         label).replace(" + ", " ＋ ")


def _no_formula(agency: str, rep: ReportRec, m: IndicatorMatch) -> str:
    have = [template_name(t) for t in ("2008", "2019", "2021") if m.formula(t) is not None]
    if rep.template == "narrative":
        return f"{agency} {rep.year} 年度报告是文字版，没有写明「{m.label}」。"
    why = f"{agency} {rep.year} 年度报告用的是{template_name(rep.template)}，表中没有「{m.label}」这一项"
    return why + (f"（只有{'、'.join(have)}有）。" if have else "。")


def _no_value(
    cache: ReadCache, agency: str, rep: ReportRec, m: IndicatorMatch, formula: Formula, ev: Evaluated
) -> str:
    if ev.zero_den:
        return f"{agency} {rep.year} 年「{m.label}」无法计算：分母为 0（{describe(formula, rep.template)}）。"
    # only a blank printed cell is "空白"; a mark, an unreadable or a missing row is said as such (issue 13)
    states = cache.cell_states(rep.id, ev.missing[:3])
    return no_number_text(f"{agency} {rep.year} 年度报告中", ev.missing[:3], states, lambda k: _name(k, rep.template))


def gap_cells(cache: ReadCache, agency_id: int, rep: ReportRec, m: IndicatorMatch) -> list[AnswerRow]:
    """The cells a question asked for that the report gives no number for, with their states."""
    formula = m.formula(rep.template)
    if formula is None:
        return []
    vals, _findings = cache.report(rep.id)
    ev = evaluate(formula, vals, rep.template)
    if ev.value is not None or ev.zero_den or not ev.missing:
        return []
    keys = ev.missing[:3]
    title = rep.title or rep.file_name
    return cell_rows(
        cache.agencies[agency_id].name, rep.year, keys, cache.cell_states(rep.id, keys),
        lambda no, text: Source(title, rep.file_name, no, text, template=rep.template),
    )


def _provenance(src: Source, rep: ReportRec) -> None:
    """Where the report came from (sample/starter/ingested/harvested, its URL and publication date)."""
    src.source_kind, src.url, src.published = rep.source_kind, rep.source_url, rep.published_on


def _stored_row(rep: ReportRec, m: IndicatorMatch, v: ValueRec, notes: list[str]) -> tuple[Source, str, str, str]:
    """Source, unit, key and name of a number read straight from one cell."""
    d = definition(v.key, rep.template)
    src = Source(
        rep.title or rep.file_name, rep.file_name, v.line_no, v.line_text,
        v.section or (d.section if d else ""), humanize(v.row_label or (d.row_label if d else ""), rep.template),
        humanize(v.column_label or (d.column_label if d else ""), rep.template), v.origin, rep.template, notes,
    )
    _provenance(src, rep)
    return src, v.unit or (d.unit if d else ""), v.key, (d.name_zh if d else m.label)


def _derived_row(
    rep: ReportRec, m: IndicatorMatch, formula: Formula, ev: Evaluated, notes: list[str]
) -> tuple[Source, str, str, str]:
    """Source, unit, key and name of a number computed from several cells (stated as derived)."""
    first = ev.parts[0] if ev.parts else None
    lines: list[str] = []
    for p in ev.parts:
        if p.line_text and p.line_text not in lines:
            lines.append(p.line_text)
    shown = LITIGATION_SUM if formula == "litigation.total" else formula
    src = Source(
        rep.title or rep.file_name, rep.file_name, first.line_no if first else 0, " | ".join(lines)[:1500],
        first.section if first else "", describe(shown, rep.template), "", "derived", rep.template, notes,
    )
    _provenance(src, rep)
    unit = m.concept.unit or (ev.parts[0].unit if ev.parts else "")
    key = formula if isinstance(formula, str) else DERIVED_KEYS.get(m.concept.id, "derived." + m.concept.id)
    return src, unit, key, m.label


def make_row(
    cache: ReadCache,
    agency_id: int,
    rep: ReportRec,
    m: IndicatorMatch,
    vals: dict[str, ValueRec] | None = None,
    findings: Findings | None = None,
) -> tuple[AnswerRow | None, str]:
    """One number with its source, or (None, why not)."""
    agency = cache.agencies[agency_id].name
    formula = m.formula(rep.template)
    if formula is None:
        return None, _no_formula(agency, rep, m)
    if vals is None or findings is None:
        vals, findings = cache.report(rep.id)
    ev = evaluate(formula, vals, rep.template)
    if ev.value is None:
        return None, _no_value(cache, agency, rep, m, formula, ev)
    derived = not isinstance(formula, str) or (ev.parts and ev.parts[0].key != formula)
    touched = set(keys_of(formula)) | {p.key for p in ev.parts}
    notes = [msg for keys, msg in findings if keys & touched]
    if derived:
        src, unit, key, name = _derived_row(rep, m, formula, ev, notes)
    else:
        src, unit, key, name = _stored_row(rep, m, ev.parts[0], notes)
    value: Number = ev.value  # exact, as printed (a sum of ints is an int)
    if derived:
        parts = [_name(p.key, rep.template) for p in ev.parts]
    else:  # a figure the parser derived and stored: its label names the cells it came from
        parts = [_name(k, rep.template) for k in KEY_TOKEN.findall(ev.parts[0].row_label)]
    return AnswerRow(agency, rep.year, key, value, unit, src, name, derived_from=parts), ""
