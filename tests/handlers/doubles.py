"""Test doubles for the handler tests: a scripted answerer and answer rows with sources."""

from __future__ import annotations

from query.types import Answer, AnswerRow, Source


class ScriptedAnswerer:
    """Returns what `script` maps a question to; raises for "boom"."""

    def __init__(self, script: dict[str, Answer]) -> None:
        self.script = script
        self.asked: list[tuple[str, str | None]] = []

    def ask(self, question, *, today=None, chat_key=None, context=None) -> Answer:
        self.asked.append((question, chat_key))
        if question == "boom":
            raise RuntimeError("engine exploded <b>")
        if question in self.script:
            return self.script[question]
        return Answer(status="not_found", text=f"没有找到：{question}", question=question)


def row(i: int, agency: str = "甲机关") -> AnswerRow:
    src = Source(report_title=f"{agency}报告", file_name="x.txt", line_no=10 + i, line_text=f"行 {i} <i>原文</i>")
    return AnswerRow(agency=agency, year=2000 + i, indicator="apply.received.total", value=i, unit="件",
                     source=src, indicator_name="收到申请数")
