"""Money in yuan as ``Decimal``: rounding to the fen, display, and the amount in Chinese capitals (大写金额)
that payment notices carry (人民币贰万伍仟元整)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def to_fen(value: Decimal) -> Decimal:
    """Rounded to the fen, half up (the rule of 人民币 amounts)."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(value: Decimal | None) -> str:
    """``Decimal("25000")`` → ``"25,000.00 元"``; ``None`` → ``"—"``."""
    if value is None:
        return "—"
    return f"{to_fen(value):,.2f} 元"


def _group_words(number: int) -> str:
    """1–9999 in capitals, zeros inside the group said once (壹仟零伍)."""
    words, zero = "", False
    for power in (3, 2, 1, 0):
        digit = number // 10**power % 10
        if digit:
            if zero:
                words += "零"
            zero = False
            words += DIGITS[digit] + UNITS[power]
        elif words:
            zero = True
    return words


def _integer_words(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    if len(groups) > len(GROUPS):
        raise ValueError("金额过大")
    words, zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            zero = bool(words)
            continue
        if words and (zero or group < 1000):
            words += "零"
        zero = False
        words += _group_words(group) + GROUPS[index]
    return words


def amount_in_words(value: Decimal) -> str:
    """The amount in Chinese capitals: ``25000`` → ``贰万伍仟元整``, ``1020.30`` → ``壹仟零贰拾元叁角整``,
    ``100.05`` → ``壹佰元零伍分``."""
    amount = to_fen(value)
    sign = "负" if amount < 0 else ""
    fen_total = int(abs(amount) * 100)
    integer, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if not fen_total:
        return "零元整"
    words = _integer_words(integer) + "元" if integer else ""
    if jiao:
        words += DIGITS[jiao] + "角"
    elif fen and integer:
        words += "零"
    words += DIGITS[fen] + "分" if fen else "整"
    return sign + words
