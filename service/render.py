"""Renderers of the one structured reply (service.reply.AnswerReply): Telegram HTML pages, terminal text,
and the `ask --json` line.

Telegram and the terminal share the same blocks (service.format.Markup with HTML on or off), so the chat
in a terminal, plain `ask` and the `text` of `ask --json` read like the bot; `--json` adds the structured
fields to the documented contract. The engine writes no rows as prose: this is the only place they become
text.
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
    """The reply as self-contained blocks (each safe to put on any page): what was kept from the last
    question, the header, the notes, the numbers with their sources (or the engine's words when no
    number answers), one labelled section per reading, then what the numbers mean."""
    blocks = [m.t("沿用上一问：" + " ".join(reply.kept))] if reply.kept else []
    return blocks + _body_blocks(reply, m)


def _body_blocks(reply: AnswerReply, m: Markup) -> list[str]:
    blocks = [m.b(_short(reply.header, 200))] if reply.header else []
    if reply.notes:
        blocks.append("\n".join(m.i(_short(n, 600)) for n in reply.notes))
    for label, part in reply.parts:  # a question read two ways: its rows are said under each reading
        blocks.append(m.b(label))
        blocks.extend(_body_blocks(part, m))
    if reply.has_numbers and not reply.parts:
        blocks.extend(row_block(r, m, i if reply.numbered else None) for i, r in enumerate(reply.rows, 1))
    elif not reply.parts:
        blocks.extend(m.t(part) for part in _split_plain(reply.text.strip() or "没有找到答案。", PAGE_LIMIT - 100))
    if reply.footer:
        blocks.append("\n".join(m.t(line) for line in reply.footer))
    if not reply.has_numbers and reply.candidates:
        names = "、".join(c.label for c in reply.candidates[:MAX_BUTTONS])
        blocks.append(("请点选：" if m.html else "可选：") + m.t(names))
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
    structured fields every other front end shows (question, intent, header, notes, footer, kept, value labels)."""
    data = reply.answer.to_json() if reply.answer is not None else {
        "status": reply.status, "answers": [], "candidates": [c.label for c in reply.candidates], "text": reply.text}
    data["text"] = terminal_text(reply)
    data["question"] = reply.question
    data["intent"] = reply.intent
    data["header"] = reply.header
    data["notes"] = list(reply.notes)
    data["footer"] = list(reply.footer)
    data["kept"] = list(reply.kept)
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
