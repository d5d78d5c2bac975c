"""Plain-text rendering of answers (Answer.text), used by the CLI and the terminal.

Why here and not in handlers/: `ask --json` and the terminal print `Answer.text` as is, so the engine
writes it in full Chinese sentences, with units and one source line per number; Telegram re-renders
the rows itself (handlers/format.py) but uses the first line of this text as its header.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from query.types import Answer, AnswerRow, Source
from reports import exact
from reports.exact import Number

LINE_MAX = 120
NAMES_MAX = 12

HELP = """可以这样问（单位可以写简称、拼音或首字母）：
· 西夏区 2020 依申请数
· 兴庆区 2018 行政复议数量
· 那2019年呢 / 兴庆区呢 / 复议呢（接着上一个问题）
· 西夏区 2017-2020 依申请数（趋势）
· 西夏区和兴庆区 依申请数 对比
· 2020年依申请数最多的前5个单位（排名）
· 银川市 2020 依申请数合计（地区合计）
· 西夏区有哪些年份 / 有哪些单位
· 依申请数是什么意思 / 纠错率怎么算
每个数字都注明来自哪份报告的第几行；报告里空白的格子会如实说明，不会当作 0。"""


def number(value: Number | float | None, unit: str = "") -> str:
    """12 → '12 件'; 3.30 → '3.30 万元' (the printed digits); 33.33 with % → '33.33%'; None → '空白'."""
    if value is None:
        return "空白"
    text = exact.grouped(exact.to_exact(value))  # exact: 12,345,678,901,234,567
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def year_list(years: Iterable[int]) -> str:
    """[2017, 2018, 2019, 2021] → '2017–2019、2021 年'."""
    ys = sorted(set(years))
    if not ys:
        return "无"
    runs: list[str] = []
    start = prev = ys[0]
    for y in ys[1:] + [None]:  # type: ignore[list-item]
        if y is not None and y == prev + 1:
            prev = y
            continue
        runs.append(
            f"{start}" if start == prev else (f"{start}、{prev}" if prev == start + 1 else f"{start}–{prev}")
        )
        if y is not None:
            start = prev = y
    return "、".join(runs) + " 年"


def names(items: Sequence[str]) -> str:
    if len(items) <= NAMES_MAX:
        return "、".join(items)
    return "、".join(items[:NAMES_MAX]) + f" 等 {len(items)} 个"


def _short(text: str, limit: int = LINE_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def where(row: AnswerRow) -> str:
    """The official row/column a number was read from ("口径：… 「row」行「column」列")."""
    s = row.source
    if s is None:
        return ""
    if s.origin == "derived":
        return f"口径：{s.row_label}（由表内数字推算）" if s.row_label else "口径：由表内数字推算"
    label = f"「{_short(s.row_label, 60)}」行" if s.row_label else ""
    if s.column_label and s.column_label != "统计数":
        label += f"「{s.column_label}」列"
    if not label:
        return ""
    if s.origin == "prose":
        return f"口径：正文文字（对应表格{label}）"
    sec = f"{_short(s.section, 40)} " if s.section else ""
    return f"口径：{sec}{label}"


def source_line(row: AnswerRow) -> str:
    s = row.source
    if s is None:
        return "来源：无"
    title = s.report_title or s.file_name or "报告"
    out = f"来源：《{_short(title, 60)}》第 {s.line_no} 行"
    if s.line_text:
        out += f"：「{_short(s.line_text)}」"
    extra = provenance(s)
    return out + ("\n   " + extra if extra else "")


# Appended to every not_found reply: the store only knows what was added to it.
HOW_TO_ADD = (
    "\n要补充报告：在 Telegram 里直接发送报告文件（PDF/DOCX/HTML/TXT），"
    "或在终端运行 disclosure-bot ingest 文件或文件夹，"
    "或用 disclosure-bot harvest 从政府网站的年报栏目抓取。"
)
SAMPLE_NOTE = "⚠️ 样例数据：虚构单位的生成报告，不是真实数字（SAMPLE）"
STARTER_NOTE = "起步数据：据公开年报整理的数字"


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


def row_text(row: AnswerRow, index: int | None = None, show_agency: bool = True) -> str:
    head = f"{index}. " if index is not None else ""
    who = f"{row.agency} {row.year} 年 " if show_agency else f"{row.year} 年 "
    lines = [f"{head}{who}{row.indicator_name or row.indicator}：{number(row.value, row.unit)}"]
    w = where(row)
    if w:
        lines.append("   " + w)
    lines.append("   " + source_line(row))
    if row.source:
        for f in row.source.findings[:3]:
            lines.append(f"   ⚠️ 报告自身的勾稽问题：{_short(f, 160)}")
    return "\n".join(lines)


def header(intent: str, rows: Sequence[AnswerRow], label: str = "") -> str:
    if len(rows) <= 1:
        return ""
    label = label or rows[0].indicator_name
    if intent == "trend":
        ys = [r.year for r in rows]
        return f"{rows[0].agency} {min(ys)}–{max(ys)} 年「{label}」："
    if intent == "compare":
        return f"{len({r.agency for r in rows})} 个单位对比「{label}」："
    if len({r.indicator for r in rows}) > 1:
        return f"{rows[0].agency} {rows[0].year} 年："
    return f"「{label}」："


def render_rows(
    rows: Sequence[AnswerRow], header: str = "", notes: Sequence[str] = (), numbered: bool = False
) -> str:
    """The whole reply: header, one block per number, then notes (defaults chosen, missing reports)."""
    parts: list[str] = []
    if header:
        parts.append(header)
    if notes:  # how the question was read (which body, which year) comes before the numbers
        parts.append("\n".join(n for n in notes if n))
    many = len(rows) > 1
    for i, r in enumerate(rows, 1):
        parts.append(row_text(r, i if (numbered or many) else None))
    return "\n".join(p for p in parts if p)


def render(answer: Answer) -> str:
    """Plain text for a terminal: the answer text plus the candidates to choose from."""
    out = answer.text
    if answer.candidates and answer.status in {"ambiguous", "not_found"} and "请选择" not in out:
        out += "\n可选：" + "、".join(c.label for c in answer.candidates[:8])
    return out
