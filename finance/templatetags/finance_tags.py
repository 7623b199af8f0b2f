from decimal import Decimal

from django import template

from ..money import amount_in_words, to_fen
from ..policy import MEMBERSHIP_STATUS_LABELS

register = template.Library()


@register.filter
def money(value):
    """``Decimal("25000")`` → ``25,000.00``; empty stays ``—``."""
    if value in (None, ""):
        return "—"
    return f"{to_fen(Decimal(str(value))):,.2f}"


@register.filter
def capital(value):
    """The amount in Chinese capitals (大写)."""
    return amount_in_words(Decimal(str(value))) if value not in (None, "") else ""


@register.filter
def fraction_percent(value):
    """``Decimal("0.2")`` → ``20.00%``; None → ``—``."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)) * 100:.2f}%"


@register.filter
def member_status(value):
    return MEMBERSHIP_STATUS_LABELS.get(value, value)


@register.filter
def asset_label(asset):
    kind = "专利" if asset.get("kind") == "patent" else "商标"
    return f"{kind} {asset.get('number', '')} {asset.get('title', '')}".strip()


@register.filter
def stage(value):
    from ..models import GrowthStage

    return dict(GrowthStage.choices).get(value, value)
