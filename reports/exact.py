"""Exact numbers: a figure is kept as the report prints it, from the parser to the store to every answer.

Why (issue 15 item 7): floats turned 12345678901234567 into …568 and 10³⁰ into 1000000000000000019884624838656.
The rule: a printed token without a decimal point is an `int` (counts, and whole amounts); a token with one
is a `Decimal` holding exactly the printed digits, trailing zeros included ("3.30" stays 3.30, because the
report printed it so). Sums and differences use `total`/`diff` (a context wide enough never to round);
floats appear only where a figure is drawn (charts) or ordered (the store's ordering column).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation, localcontext
from typing import Any, TypeAlias

Number: TypeAlias = int | Decimal

_PLAIN = re.compile(r"^([+-]?)(\d+)(?:\.(\d+))?$")
# add/subtract never round (precision as wide as decimal allows); an invalid operation raises
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation])
_FLOAT_MAX = 1.7976931348623157e308


def parse(tok: str) -> Number | None:
    """'12' → 12, '-2' → -2, '+117' → 117, '3.30' → Decimal('3.30'), '1,234' → 1234; else None.

    Only plain digits (the caller has normalised full-width forms); no exponent, no inf/nan."""
    m = _PLAIN.match(tok.replace(",", "").strip())
    if m is None:
        return None
    sign, whole, frac = m.groups()
    if frac is None:
        return -int(whole) if sign == "-" else int(whole)
    return Decimal(f"{'-' if sign == '-' else ''}{whole}.{frac}")


def to_exact(v: Any) -> Number:
    """int/Decimal as they are; text as `parse` reads it; a float (an old stored value, cn2an's output)
    by its shortest repr, so 1e30 becomes 10**30 and 0.1 becomes 0.1 — never the binary expansion."""
    if isinstance(v, bool):
        raise TypeError(f"not a number: {v!r}")
    if isinstance(v, int):
        return v
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise ValueError(f"not a finite number: {v!r}")
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"not a finite number: {v!r}")
        d = Decimal(repr(v))
        return int(d) if v.is_integer() else d
    if isinstance(v, str):
        n = parse(v)
        if n is not None:
            return n
        try:
            d = Decimal(v.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {v!r}") from None
        if not d.is_finite():
            raise ValueError(f"not a finite number: {v!r}")
        return d
    raise TypeError(f"not a number: {v!r}")


def text(v: Number) -> str:
    """The printed digits: no exponent, no grouping; an int as an int, a Decimal with its own scale."""
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, Decimal):
        return format(v, "f")
    return text(to_exact(v))


def order_key(v: Number) -> float:
    """A float that orders like the number (clamped beyond float range): for sorting only, never shown."""
    try:
        f = float(v)
    except OverflowError:
        f = _FLOAT_MAX if v > 0 else -_FLOAT_MAX
    return max(-_FLOAT_MAX, min(_FLOAT_MAX, f))


def total(values: Any) -> Number:
    """The exact sum of ints and Decimals (an int when every part is an int; 0 for none)."""
    with localcontext(_EXACT):
        out: Number = 0
        for v in values:
            out = out + v
        return out


def diff(a: Number, b: Number) -> Number:
    """a − b exactly."""
    with localcontext(_EXACT):
        return a - b


def scaled(v: Number, factor: Number) -> Number:
    """v × factor exactly (unit conversions such as 元 → 万元 use Decimal factors); a float from an older
    caller is taken by its shortest form first (float × Decimal is a TypeError)."""
    with localcontext(_EXACT):
        return to_exact(v) * to_exact(factor)


def is_whole(v: Number) -> bool:
    """True for an int, or a Decimal without a fraction part."""
    return isinstance(v, int) or v == v.to_integral_value()


def json_safe(v: Any) -> Any:
    """A value for a JSON column read back by `json.loads`: an int stays an int (JSON integers are exact
    in Python); a Decimal becomes its digits as a string (a JSON number would come back a float)."""
    if isinstance(v, Decimal):
        return text(v)
    return v


def dumps(obj: Any, **kwargs: Any) -> str:
    """json.dumps that writes every Decimal as a JSON number with exactly its digits (3.30, not "3.30",
    not 3.3, never 1e+30); ints are exact already. Read back with `json.loads(s, parse_float=Decimal)`."""
    nonce = uuid.uuid4().hex
    found: list[str] = []

    def swap(o: Any) -> Any:
        if isinstance(o, Decimal):
            found.append(text(o))
            return f"{nonce}:{len(found) - 1}"
        if isinstance(o, dict):
            return {k: swap(x) for k, x in o.items()}
        if isinstance(o, list | tuple):
            return [swap(x) for x in o]
        return o

    out = json.dumps(swap(obj), **kwargs)
    if not found:
        return out
    return re.sub(f'"{nonce}:(\\d+)"', lambda m: found[int(m.group(1))], out)


def grouped(v: Number) -> str:
    """The printed digits with thousands separators, for people: 12,345,678,901,234,567 / 1,234.50."""
    return f"{v:,}" if isinstance(v, int) else f"{v:,f}"
