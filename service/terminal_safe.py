"""Text safe to print to a terminal: no escape sequences, no control characters but newline and tab.

Why: report lines come from files anyone can upload; a line holding ``ESC]0;…BEL`` or ``ESC[2J`` would
retitle or clear the user's terminal when `ask` or `chat` prints it. JSON output keeps the data whole
but writes DEL and C1 controls as \\u escapes (json.dumps already escapes C0).
"""

from __future__ import annotations

import re

# OSC/DCS/SOS/PM/APC strings up to their terminator (BEL or ST), CSI sequences, other 2-byte escapes;
# the same with the 8-bit C1 introducers; an unterminated string is cut to the end of the text.
_STRING = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"
_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
_ESC = r"\x1b[ -/]*[0-~]?"
_SEQUENCE = re.compile(f"{_STRING}|{_CSI}|{_ESC}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")  # DEL and C1: json.dumps leaves them raw


def for_terminal(text: str) -> str:
    """`text` with every escape sequence and control character (C0 but \\n and \\t, DEL, C1) removed."""
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


def json_for_terminal(dumped: str) -> str:
    """A json.dumps(..., ensure_ascii=False) string with DEL and C1 controls written as \\u escapes (same data)."""
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
