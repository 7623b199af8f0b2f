"""Numbers as people and files type them, parsed with bounds on digits and exponent before any arithmetic.

``Decimal("1e1000000")`` is nine characters and parses at once, but turning it into an integer, formatting it or
quantizing it costs seconds to minutes of CPU (27 s for one autosave field once). Every place a number enters
(forms, autosave, imports, API facts) asks here first: a value beyond the bounds is refused — never stored,
never computed with — and the caller shows a Chinese message.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

#: No figure of the portal has more digits before the point (10^20 yuan is beyond any company), nor after it.
MAX_DIGITS = 20
MAX_PLACES = 6
#: Longer text is no number anyone typed; nothing past this is parsed.
MAX_CHARS = 64
PLAIN = re.compile(r"^[+-]?\d+(\.\d*)?$|^[+-]?\.\d+$")
SCIENTIFIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$")
SEPARATORS = re.compile(r"[,，\s]")

EXPONENT_MESSAGE = "请直接填写数字，不要使用科学计数法（如 1e30）。"
TOO_LARGE_MESSAGE = "数字过大或位数过多，请核对。"


def _text(value) -> str:
    return SEPARATORS.sub("", str(value)) if value is not None else ""


def refusal(value, *, max_digits: int = MAX_DIGITS) -> str | None:
    """Why a typed number is refused outright (exponent notation, too many digits before the point), or None —
    also None for text that is no number at all, or has too many decimals, which the field's own check reports."""
    text = _text(value)
    if SCIENTIFIC.match(text[:MAX_CHARS + 1]):
        return EXPONENT_MESSAGE
    if len(text) > MAX_CHARS and re.fullmatch(r"[+-]?[\d.]+", text):
        return TOO_LARGE_MESSAGE
    if PLAIN.match(text):
        whole = text.lstrip("+-").partition(".")[0]
        if len(whole.lstrip("0")) > max_digits:
            return TOO_LARGE_MESSAGE
    return None


def bounded_decimal(value, *, max_digits: int = MAX_DIGITS, max_places: int = MAX_PLACES,
                    exponent: bool = False) -> Decimal | None:
    """The number ``value`` says, or None when it is not a number within the bounds. ``exponent=True`` also
    reads exponent notation (as a JSON API may send it), still bounded: the result never has more than
    ``max_digits`` digits before the point."""
    if value is None or isinstance(value, bool):
        return None
    text = _text(value)
    if not text or len(text) > MAX_CHARS:
        return None
    if not (PLAIN.match(text) or (exponent and SCIENTIFIC.match(text))):
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number.adjusted() >= max_digits:
        return None
    if number != 0 and number.as_tuple().exponent < -(max_places + MAX_DIGITS):
        return None
    return number
