"""The engine's words: numbers with units, year and name lists, headers and the fixed help text.

Why only words: the engine returns structure (rows with sources, header, notes, footer); the one
renderer (service/render.py) turns that into Telegram HTML, terminal text and the `ask --json` text. What
the engine still writes is what a note or a header says ("未指定年份，按最新的 2020 年回答。").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from query.types import AnswerRow
from reports import exact
from reports.exact import Number

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


# Appended to every not_found reply: the store only knows what was added to it.
HOW_TO_ADD = (
    "\n要补充报告：在 Telegram 里直接发送报告文件（PDF/DOCX/HTML/TXT），"
    "或在终端运行 disclosure-bot ingest 文件或文件夹，"
    "或用 disclosure-bot harvest 从政府网站的年报栏目抓取。"
)


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
