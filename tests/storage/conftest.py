"""A tiny stand-in parser so the storage semantics are tested without the real report parsers.

Format (UTF-8 text): first line "AGENCY|YEAR|TEMPLATE", then "key=value" lines; "!finding" lines add a
finding; a first line "ERROR code reason" raises ReportError. Anything else is rejected as the real
parser would reject it.
"""

from __future__ import annotations

import hashlib

import pytest

from reports import exact
from reports.model import Finding, ParsedReport, ParsedValue, ReportError, ReportIdentity


def fake_parse(data: bytes, file_name: str) -> ParsedReport:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ReportError("无法识别文件编码", "encoding") from err
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise ReportError("文件是空的", "empty")
    if lines[0].startswith("ERROR"):
        _, code, reason = lines[0].split(" ", 2)
        raise ReportError(reason, code)
    agency, year, template = lines[0].split("|")
    values, findings = [], []
    for no, line in enumerate(lines[1:], start=2):
        if line.startswith("!"):
            findings.append(
                Finding(
                    rule=line[1:],
                    message=f"不平衡 {line[1:]}",
                    values={"a": 1.0, "b": None},
                    expected=2.0,
                    actual=1.0,
                    line_no=no,
                )
            )
            continue
        key, _, raw = line.partition("=")
        values.append(ParsedValue(key=key, value=exact.to_exact(raw), unit="件", line_no=no, line_text=line))
    if not values:
        raise ReportError("没有识别出任何数值", "no_values")
    ident = ReportIdentity(
        agency=agency,
        year=int(year),
        title=f"{agency}{year}年政府信息公开工作年度报告",
        kind="department",
        region_path=["宁夏回族自治区", "银川市"],
        aliases=[agency[:4]],
    )
    return ParsedReport(
        identity=ident,
        template=template,
        values=values,
        findings=findings,
        file_name=file_name,
        file_hash=hashlib.sha256(data).hexdigest(),
    )


def fake_report(
    agency: str = "银川市测试局",
    year: int = 2020,
    template: str = "2019",
    values: dict[str, float] | None = None,
    findings: tuple[str, ...] = (),
) -> bytes:
    """Bytes the fake parser understands."""
    values = {"apply.received.total": 3} if values is None else values
    body = [f"{k}={v}" for k, v in values.items()] + [f"!{f}" for f in findings]
    return (f"{agency}|{year}|{template}\n" + "\n".join(body) + "\n").encode()


@pytest.fixture
def parser():
    return fake_parse
