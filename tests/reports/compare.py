"""Comparing what the parser read with the numbers a report was made from (tests only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reports import exact


def value_problems(want: Mapping[str, Any], parsed: Any, limit: int = 8) -> list[str]:
    """Missing, extra and wrong values (derived ones aside), each list cut to `limit`; empty when equal.

    Compared exactly: a gold number (JSON, read as int, float or Decimal) becomes the exact number it
    prints (0.69 → Decimal('0.69'), 3.0 → 3), and the parser's int/Decimal must equal it."""
    want = {k: exact.to_exact(v) for k, v in want.items()}
    got = {v.key: v.value for v in parsed.values if v.origin != "derived"}
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    wrong = sorted(k for k in set(got) & set(want) if got[k] != want[k])
    out = []
    if missing:
        out.append(f"missing {missing[:limit]}")
    if extra:
        out.append(f"extra {[(k, got[k]) for k in extra[:limit]]}")
    if wrong:
        out.append(f"wrong {[(k, want[k], got[k]) for k in wrong[:limit]]}")
    return out
