"""/agencies, /indicators, /report, /source and /export for every front end.

Why here: the bot (HTML) and the terminal chat (plain text) show the same listings; each function returns
the reply as blocks written with a service.format.Markup (HTML on or off). `paged` says whether the bot
sends the blocks as a paged listing or one short message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from reports.catalogue import catalogue, definition
from service import lookups
from service.format import Markup, format_number, rows_from_json, rows_to_csv, source_blocks

YEAR = re.compile(r"(19|20)\d{2}")
REPORT_USAGE = "用法：/report 机关名称 年份，例如 /report 西夏区 2020"


@dataclass
class Listing:
    blocks: list[str]
    paged: bool = True  # False: one short message (a usage line, "nothing found")


def agencies(engine: Engine, region: str, m: Markup) -> Listing:
    found = lookups.list_agencies(engine, region)
    if not found:
        where = f"“{region}”下" if region else "库里"
        return Listing([f"{m.t(where)}还没有机关。"], paged=False)
    title = m.b(f"机关（{len(found)} 个{'，' + region if region else ''}）")
    blocks = [title] + [
        f"• {m.t(a.name)}" + (f" — {m.t('、'.join(str(y) for y in a.years))}" if a.years else " — 暂无报告")
        for a in found
    ]
    return Listing(["\n".join(blocks[i:i + 40]) for i in range(0, len(blocks), 40)])


def indicators(word: str, m: Markup) -> Listing:
    seen: set[str] = set()
    lines = []
    for d in catalogue():
        if d.key in seen:
            continue
        if word and word not in d.name_zh and word not in d.key and word not in d.row_label:
            continue
        seen.add(d.key)
        lines.append(f"• {m.t(d.name_zh)}（{m.t(d.unit or '-')}）{m.code(d.key)}")
    if not lines:
        return Listing([f"没有包含“{m.t(word)}”的指标。"], paged=False)
    head = m.b(f"指标（{len(lines)} 个）")
    return Listing([head] + ["\n".join(lines[i:i + 30]) for i in range(0, len(lines), 30)])


def report(engine: Engine, args: str, m: Markup) -> Listing:
    match = YEAR.search(args)
    if not args or not match:
        return Listing([m.t(REPORT_USAGE)], paged=False)
    year = int(match.group(0))
    name = (args[: match.start()] + " " + args[match.end():]).replace("年", " ").strip()
    found = lookups.find_agencies(engine, name)
    if not found:
        return Listing([f"没有找到机关“{m.t(name)}”。试试 /agencies 查看列表。"], paged=False)
    if len(found) > 1:
        names = "\n".join(f"• {m.t(a.name)}" for a in found)
        return Listing([f"“{m.t(name)}”对应多个机关，请写全称：\n{names}"], paged=False)
    card = lookups.report_card(engine, found[0].id, year)
    if card is None or not card.template:
        years_text = "、".join(str(y) for y in (card.other_years if card else [])) or "无"
        return Listing([f"{m.b(found[0].name)} 没有 {year} 年的报告。已有年份：{m.t(years_text)}"], paged=False)
    lines = [f"{m.b(card.agency)} · {card.year} 年报告",
             f"标题：{m.t(card.title or card.file_name)}",
             f"模板：{m.t(card.template)} · 共 {card.value_count} 个数字"]
    for key, value, unit, line_no, _line in card.figures:
        d = definition(key, card.template)
        lines.append(f"• {m.t(d.name_zh if d else key)}：{m.b(format_number(value, unit))}（第 {line_no} 行）")
    if card.findings:
        lines.append("")
        lines.append(m.b(f"勾稽关系问题（{len(card.findings)}）"))
        lines.extend(f"⚠️ {m.t(f)}" for f in card.findings[:20])
    else:
        lines.append("✅ 勾稽关系检查未发现问题")
    for w in card.warnings[:5]:
        lines.append(f"注：{m.t(w)}")
    return Listing(["\n".join(lines)])


def source(last: dict[str, Any] | None, m: Markup) -> Listing:
    """The full original lines behind the last answer (`last` = service.ui_state.answer_record)."""
    if not last or not last.get("rows"):
        return Listing(["还没有可以溯源的答案，先问一个问题吧。"], paged=False)
    head = f"“{m.t(last.get('question', ''))}”的原文行："
    return Listing([head, *source_blocks(rows_from_json(last["rows"]), m)])


def export_csv(last: dict[str, Any] | None) -> bytes | None:
    """The last answer as CSV (UTF-8 with BOM); None when there is nothing to export."""
    if not last or not last.get("rows"):
        return None
    return rows_to_csv(rows_from_json(last["rows"]))


NO_EXPORT = "还没有可以导出的答案，先问一个问题吧。"
