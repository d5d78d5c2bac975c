"""The publication date of a report, in the order the issue asks: the harvester's date, the date printed
at the report's end (落款日期), or the day it was uploaded — and which of them was used."""

from __future__ import annotations

import re
from datetime import date

import cn2an

_ARABIC = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_HAN = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_HAN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
TAIL_LINES = 12  # the 落款 is among the last lines; dates earlier in the text are events, not the signature
SOURCE_ZH = {"harvester": "网站发布日期", "signature": "报告落款日期", "upload": "上传入库日期", "none": "无日期"}


def _date_in(line: str) -> date | None:
    s = line.strip()
    if len(re.sub(r"\s", "", s)) > 24:  # a sentence that mentions a date, not a signature line
        return None
    try:
        if m := _ARABIC.search(s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _HAN.search(s):
            year = int("".join(_HAN_DIGIT[c] for c in m[1]))
            return date(year, int(cn2an.cn2an(m[2], "smart")), int(cn2an.cn2an(m[3], "smart")))
    except ValueError:
        return None
    return None


def signature_date(text: str, report_year: int) -> tuple[date, int] | None:
    """(date, line number) of the 落款日期: the last short date line near the end, within the two years
    after the report year (a date outside that is a typo or another document's)."""
    lines = text.splitlines()
    shown = [(i, ln) for i, ln in enumerate(lines, 1) if ln.strip()][-TAIL_LINES:]
    for i, ln in reversed(shown):
        d = _date_in(ln)
        if d is not None and report_year <= d.year <= report_year + 2:
            return d, i
    return None


def publication_date(text: str, report_year: int, harvested: date | None,
                     uploaded: date | None) -> tuple[date | None, str, int | None]:
    """(date, source, line): harvester's, else the signature's, else the upload day."""
    if harvested is not None:
        return harvested, "harvester", None
    if found := signature_date(text, report_year):
        return found[0], "signature", found[1]
    if uploaded is not None:
        return uploaded, "upload", None
    return None, "none", None
