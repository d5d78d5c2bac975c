"""Reply formatting shared by Telegram (HTML) and the terminal (plain text).

Why one module: the bot and `disclosure-bot chat` must say the same thing. Every dynamic string goes
through `esc` in HTML mode, so a question or a report containing "<script>" is shown, never parsed.
Pages stay under Telegram's 4,096-character limit and are split between whole blocks, so no HTML tag
is ever cut in half.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from query.types import Answer, AnswerRow, Candidate, Source
from reports import exact
from reports.exact import Number
from reports.markup import esc, strip_html  # noqa: F401 - re-exported for the front ends

TELEGRAM_LIMIT = 4096
PAGE_LIMIT = 3900  # room for a page footer
LINE_TEXT_MAX = 160  # source line quoted in an answer (full line in /source)
SAMPLE_NOTE = "⚠️ 样例数据：虚构单位的生成报告，不是真实数字（SAMPLE）"
STARTER_NOTE = "起步数据：据公开年报整理的数字"


class Markup:
    """Tiny helper: the same call yields HTML or plain text."""

    def __init__(self, use_html: bool) -> None:
        self.html = use_html

    def t(self, value: Any) -> str:
        """A dynamic string, escaped in HTML mode."""
        return esc(value) if self.html else str(value)

    def b(self, value: Any) -> str:
        return f"<b>{esc(value)}</b>" if self.html else str(value)

    def i(self, value: Any) -> str:
        return f"<i>{esc(value)}</i>" if self.html else str(value)

    def code(self, value: Any) -> str:
        return f"<code>{esc(value)}</code>" if self.html else str(value)

    def quote(self, value: Any) -> str:
        return f"<blockquote>{esc(value)}</blockquote>" if self.html else f"  「{value}」"


@dataclass
class Reply:
    """What to send for one answer: pages of text, optional choice buttons and chart data."""

    pages: list[str]
    choices: list[Candidate] = field(default_factory=list)
    chart_rows: list[AnswerRow] = field(default_factory=list)
    intent: str = "value"

    @property
    def text(self) -> str:
        return "\n\n".join(self.pages)


def format_number(value: Number | float | None, unit: str = "") -> str:
    """20 → "20 件"; 12.50 → "12.50 万元" (the printed digits); None (blank cell) → "空白（报告中未填写）", never 0."""
    if value is None:
        return "空白（报告中未填写）"
    return f"{exact.text(exact.to_exact(value))} {unit}".strip()


def indicator_label(row: AnswerRow) -> str:
    if row.indicator_name:
        return row.indicator_name
    try:
        from reports.catalogue import definition

        d = definition(row.indicator, row.source.template if row.source else None)
        if d is not None:
            return d.name_zh
    except Exception:  # noqa: BLE001 - a label is cosmetic; fall back to the key
        pass
    return row.indicator


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def provenance(s: Source) -> str:
    """Where the report came from, in one line: a SAMPLE warning, the public URL and publication date."""
    parts = []
    if s.source_kind == "sample":
        parts.append(SAMPLE_NOTE)
    elif s.source_kind == "starter":
        parts.append(STARTER_NOTE)
    if s.url:
        parts.append(f"网址：{s.url}")
    if s.published:
        parts.append(f"发布：{s.published}")
    return " · ".join(parts)


def official_cell(row: AnswerRow) -> str:
    """The official row and column a number was read from ("口径：section 「row」行「column」列")."""
    s = row.source
    if s is None or s.origin == "derived":
        return ""  # a derived number says so on its source line
    label = f"「{_short(s.row_label, 60)}」行" if s.row_label else ""
    if s.column_label and s.column_label != "统计数":
        label += f"「{s.column_label}」列"
    if not label:
        return ""
    if s.origin == "prose":
        return f"口径：正文文字（对应表格{label}）"
    sec = f"{_short(s.section, 40)} " if s.section else ""
    return f"口径：{sec}{label}"


def source_brief(row: AnswerRow, m: Markup) -> str:
    src = row.source
    if src is None:
        return m.i("（无来源行）")
    where = src.report_title or src.file_name or "报告"
    parts = [f"来源：{m.t(_short(where, 80))} 第 {src.line_no} 行"]
    if src.origin == "derived":
        parts[0] += "（由表内数字推算）"
    if src.line_text:
        parts.append(m.quote(_short(src.line_text, LINE_TEXT_MAX)))
    extra = provenance(src)
    if extra:
        parts.append(m.t(extra))
    for finding in src.findings[:3]:
        parts.append("⚠️ " + m.t(_short(finding, 200)))
    return "\n".join(parts)


def row_block(row: AnswerRow, m: Markup, index: int | None = None) -> str:
    head = f"{index}. " if index is not None else ""
    first = f"{head}{m.b(row.agency)} {row.year} 年"
    second = f"{m.t(indicator_label(row))}：{m.b(format_number(row.value, row.unit))}"
    cell = official_cell(row)
    return f"{first}\n{second}\n" + (f"{m.t(cell)}\n" if cell else "") + source_brief(row, m)


def _split_plain(text: str, limit: int) -> list[str]:
    """Split long plain text between lines (hard-cut a single overlong line)."""
    out: list[str] = []
    cur = ""
    for line in text.splitlines():
        while len(line) > limit:
            if cur:
                out.append(cur)
                cur = ""
            out.append(line[:limit])
            line = line[limit:]
        if cur and len(cur) + 1 + len(line) > limit:
            out.append(cur)
            cur = line
        else:
            cur = f"{cur}\n{line}" if cur else line
    if cur:
        out.append(cur)
    return out or [""]


def paginate(blocks: Sequence[str], limit: int = PAGE_LIMIT) -> list[str]:
    """Pack whole blocks into pages of at most `limit` characters."""
    pages: list[str] = []
    cur = ""
    for block in blocks:
        if len(block) > limit:  # only plain/escaped text can get here; cut at a safe point
            block = _cut_escaped(block, limit)
        if cur and len(cur) + 2 + len(block) > limit:
            pages.append(cur)
            cur = block
        else:
            cur = f"{cur}\n\n{block}" if cur else block
    if cur:
        pages.append(cur)
    return pages or ["（空）"]


def _cut_escaped(text: str, limit: int) -> str:
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp >= 0 and ";" not in cut[amp:]:
        cut = cut[:amp]
    lt = cut.rfind("<")
    if lt >= 0 and ">" not in cut[lt:]:
        cut = cut[:lt]
    return cut + "…"


def render_answer(answer: Answer, use_html: bool = True) -> Reply:
    """Pages, buttons and chart rows for `answer` (service.reply.build_reply, then service.render)."""
    from service.render import reply_pages
    from service.reply import build_reply

    return reply_pages(build_reply(answer), use_html)


def with_page_footer(page: str, index: int, total: int) -> str:
    return page if total <= 1 else f"{page}\n\n— 第 {index + 1}/{total} 页 —"


def source_blocks(rows: Iterable[AnswerRow], m: Markup) -> list[str]:
    """/source: the full original lines behind the last answer."""
    blocks = []
    for i, row in enumerate(rows, 1):
        src = row.source
        head = f"{i}. {m.b(row.agency)} {row.year} 年 · {m.t(indicator_label(row))}：{m.b(format_number(row.value, row.unit))}"
        if src is None:
            blocks.append(head + "\n" + m.i("（无来源行）"))
            continue
        lines = [head, f"报告：{m.t(src.report_title or src.file_name)}"]
        if src.file_name and src.file_name != src.report_title:
            lines.append(f"文件：{m.t(src.file_name)}")
        lines.append(f"第 {src.line_no} 行（{m.t({'table': '表格', 'prose': '正文', 'derived': '推算'}.get(src.origin, src.origin))}）")
        labels = " / ".join(x for x in (src.section, src.row_label, src.column_label) if x)
        if labels:
            lines.append(f"位置：{m.t(_short(labels, 300))}")
        if src.line_text:
            lines.append(m.quote(_short(src.line_text, 1500)))
        if provenance(src):
            lines.append(m.t(provenance(src)))
        lines.extend("⚠️ " + m.t(_short(f, 300)) for f in src.findings)
        blocks.append("\n".join(lines))
    return blocks


def rows_to_csv(rows: Iterable[AnswerRow]) -> bytes:
    """/export: one CSV row per answer row (UTF-8 with BOM so spreadsheet apps read Chinese).

    Text cells that a spreadsheet would evaluate ("=…", "+…", "-…", "@…") get a leading "'".
    """
    from storage.export import csv_safe

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["agency", "year", "indicator", "indicator_name", "value", "unit", "report", "file",
                     "line_no", "line_text", "origin"])
    for r in rows:
        s = r.source
        value = "" if r.value is None else exact.text(exact.to_exact(r.value))  # exact digits, no float
        writer.writerow([csv_safe(x) for x in (
            r.agency, r.year, r.indicator, indicator_label(r), value, r.unit,
            s.report_title if s else "", s.file_name if s else "", s.line_no if s else "",
            s.line_text if s else "", s.origin if s else "")])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def rows_from_json(items: Sequence[dict[str, Any]]) -> list[AnswerRow]:
    """Inverse of dataclasses.asdict(AnswerRow) (the stored last answer)."""
    from query.types import Source

    rows = []
    for item in items:
        src = item.get("source")
        rows.append(AnswerRow(
            agency=item.get("agency", ""), year=int(item.get("year") or 0), indicator=item.get("indicator", ""),
            value=None if item.get("value") is None else exact.to_exact(item["value"]), unit=item.get("unit", ""), indicator_name=item.get("indicator_name", ""),
            source=Source(**{k: v for k, v in src.items() if k in Source.__dataclass_fields__}) if src else None,
        ))
    return rows
