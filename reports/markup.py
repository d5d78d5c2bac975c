"""The two HTML helpers every layer that writes Telegram HTML needs: escape a dynamic string, and turn our
own HTML back into plain text.

Why in reports/ (the bottom layer): reminder texts (reminders/) and replies (service/) both write HTML,
and reminders may not import service/.
"""

from __future__ import annotations

import html
import re
from typing import Any

_OUR_TAGS = re.compile(r"</?(b|i|u|s|code|pre|blockquote|a)( [^>]*)?>")


def esc(value: Any) -> str:
    """`value` as text that Telegram shows literally (never parsed as a tag or entity)."""
    return html.escape(str(value), quote=True)


def strip_html(text: str) -> str:
    """Plain text from our own HTML (terminal output of HTML-only pieces)."""
    return html.unescape(_OUR_TAGS.sub("", text))
