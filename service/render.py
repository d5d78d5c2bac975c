"""Renderers of the one structured reply (service.reply.AnswerReply): Telegram HTML pages, terminal text,
and the `ask --json` line.

Telegram and the terminal share the same blocks (service.format.Markup with HTML on or off), so the chat
in a terminal reads like the bot; `ask` prints the engine's own sentences (`text`) and `--json` adds the
structured fields to the documented contract.
"""

from __future__ import annotations

from typing import Any

from reports import exact
from service.format import (
    PAGE_LIMIT,
    Markup,
    Reply,
    _short,
    _split_plain,
    format_number,
    indicator_label,
    paginate,
    row_block,
)
from service.reply import MAX_BUTTONS, AnswerReply
from service.ui_state import row_record


def reply_blocks(reply: AnswerReply, m: Markup) -> list[str]:
    """The reply as self-contained blocks (each safe to put on any page)."""
    if not reply.has_numbers:
        text = reply.text.strip() or "没有找到答案。"
        blocks = [m.t(part) for part in _split_plain(text, PAGE_LIMIT - 100)]
        if reply.candidates:
            names = "、".join(c.label for c in reply.candidates[:MAX_BUTTONS])
            blocks.append(("请点选：" if m.html else "可选：") + m.t(names))
        return blocks
    if len(reply.rows) == 1:
        notes = "\n".join(reply.notes)
        return ([m.i(_short(notes, 600))] if notes else []) + [row_block(reply.rows[0], m)]
    blocks = [m.b(_short(reply.header, 200))] if reply.header else []
    blocks.extend(row_block(r, m, i if reply.numbered else None) for i, r in enumerate(reply.rows, 1))
    return blocks


def reply_pages(reply: AnswerReply, use_html: bool = True) -> Reply:
    """Telegram (use_html) or terminal pages, with the buttons and chart rows to send alongside."""
    return Reply(pages=paginate(reply_blocks(reply, Markup(use_html))), choices=list(reply.choices),
                 chart_rows=list(reply.chart_rows), intent=reply.intent)


def terminal_text(reply: AnswerReply) -> str:
    """What `disclosure-bot chat` prints for one question."""
    return "\n\n".join(reply_pages(reply, use_html=False).pages)


def json_record(reply: AnswerReply) -> dict[str, Any]:
    """The `ask --json` object: the documented contract (status, answers, candidates, text) plus the
    structured fields every other front end shows (question, intent, header, notes, value labels)."""
    data = reply.answer.to_json() if reply.answer is not None else {
        "status": reply.status, "answers": [], "candidates": [c.label for c in reply.candidates], "text": reply.text}
    data["question"] = reply.question
    data["intent"] = reply.intent
    data["header"] = reply.header
    data["notes"] = list(reply.notes)
    for item, row in zip(data["answers"], reply.rows, strict=False):
        item["indicator_name"] = indicator_label(row)
        item["value_text"] = format_number(row.value, row.unit)
    return data


def json_line(reply: AnswerReply) -> str:
    """One JSON line; answers[].value is a JSON number with exactly the printed digits (reports.exact)."""
    return exact.dumps(json_record(reply), ensure_ascii=False)


def rows_json(reply: AnswerReply) -> list[dict[str, Any]]:
    """Rows with their sources as plain data (the stored last answer behind /source and /export)."""
    return [row_record(r) for r in reply.rows]
