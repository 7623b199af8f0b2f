"""A list page's filter bar, rendered once per distinct bar and process rather than on every request.

The bar's markup is a function of the form's class and prefix, each field's label, help text, widget attributes,
choices, value and errors, and the language and time zone: a reviewer reopening the queue meets the same bar
each time. Rendering it (a dozen labelled fields, the selects' options) was a fifth of the review queue's Python;
reading what it depends on costs a tenth of that. The choices are read once (a scoped batch list is a query) and
the widget renders from that same list, so a page runs the same queries whether the bar is remembered or not.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

FIELDS_TEMPLATE = "includes/filter_fields.html"
#: distinct bars kept per process (each a few kilobytes); the least recently shown goes first
LIMIT = 512

_rendered: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _frozen(value):
    """A hashable, plain-text form of a value, choice list or attribute dict (lazy labels as their text)."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple((str(key), _frozen(item)) for key, item in value.items())
    if value is None or isinstance(value, (bool, int)):
        return value
    return (type(value).__name__, str(value))


def _field_key(bound) -> tuple:
    field, widget = bound.field, bound.field.widget
    choices = None
    if hasattr(widget, "choices"):
        # One read, which the widget renders from too; through ``iter`` as ``list()`` would ask a model choice
        # iterator its length first (a COUNT query).
        choices = list(iter(widget.choices))
        widget.choices = choices
    return (bound.name, bound.auto_id, _frozen(field.label), _frozen(field.help_text), field.required,
            field.disabled, type(widget), _frozen(widget.attrs), _frozen(choices), _frozen(bound.value()),
            _frozen(list(bound.errors)))


def key_of(form) -> tuple:
    return (type(form), form.prefix, form.is_bound, get_language(), timezone.get_current_timezone_name(),
            tuple(_field_key(bound) for bound in form))


def filter_fields_html(form) -> str:
    """The bar's labelled fields (``FIELDS_TEMPLATE``) for ``form``; the same markup as rendering them anew."""
    key = key_of(form)
    with _lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = mark_safe(render_to_string(FIELDS_TEMPLATE, {"form": form}))  # noqa: S308  (the template escaped it)
    with _lock:
        _rendered[key] = html
        while len(_rendered) > LIMIT:
            _rendered.popitem(last=False)
    return html


def forget() -> None:
    with _lock:
        _rendered.clear()
