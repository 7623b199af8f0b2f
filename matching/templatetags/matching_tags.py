"""Template helpers of the matching pages: highlighted terms and the parts of a score in Chinese."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from matching.engine.explain import COMPONENT_LABELS

register = template.Library()



@register.filter
def highlight(text, explanation):
    """Escape ``text`` and wrap every occurrence of the explanation's matched terms in <mark>, longest first."""
    safe = escape(text or "")
    terms = (explanation or {}).get("matched_terms", []) if isinstance(explanation, dict) else explanation
    words = sorted({escape(t) for t in (terms or []) if t and t.strip()}, key=len, reverse=True)
    if not words:
        return mark_safe(safe)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", safe))


@register.filter
def component_rows(components):
    """[(label, value, bar width %)] of the parts that raised the score, largest first (a part that lowered it is
    shown as a caveat instead)."""
    items = [(COMPONENT_LABELS.get(k, "其他因素"), float(v)) for k, v in (components or {}).items() if v and v > 0]
    items.sort(key=lambda item: -abs(item[1]))
    top = max((abs(v) for _, v in items), default=0) or 1
    return [(label, value, round(abs(value) * 100 / top)) for label, value in items]


@register.filter
def explanation_sentence(explanation):
    """One Chinese sentence saying why a patent was suggested (for lists and exports)."""
    explanation = explanation or {}
    parts = []
    if explanation.get("matched_terms"):
        parts.append("共同用语：" + "、".join(explanation["matched_terms"][:8]))
    parts.extend(explanation.get("notes", []))
    sentence = "；".join(parts) or "文本相关度较高"
    caveats = explanation.get("caveats") or []
    return sentence + (f"（需注意：{'；'.join(caveats)}）" if caveats else "")


@register.filter
def yuan(value, places: int = 0):
    """An amount in yuan with thousands separators (``1,234,567``); empty stays empty."""
    if value is None or value == "":
        return ""
    return f"{value:,.{int(places)}f}"
