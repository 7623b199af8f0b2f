"""The form renderer: Django's, with the commonest widgets (text-like inputs, selects and their options) written
in Python instead of through their templates.

A list page's filter bar renders a dozen fields, a status select alone a dozen options; each option through
``select_option.html`` and ``attrs.html`` cost more than the page's 50 rows of data. The output is the templates'
own, byte for byte (``tests/portal/test_form_renderer.py`` renders both ways); any other widget, or a widget whose
template a project overrides, goes through the templates as before.
"""

from __future__ import annotations

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

#: The input templates that are nothing but ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
    "color", "checkbox", "file"))
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
STOCK = Path(django.forms.__file__).resolve().parent / "templates"


def _var(value) -> str:
    """``{{ value }}`` as the template engine writes it (local time, localized, escaped)."""
    return conditional_escape(str(localize(template_localtime(value))))


def _string(value) -> str:
    """``{{ value|stringformat:'s' }}``: a safe value stays as it is, anything else is escaped."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_var(name)}" if value is True else f' {_var(name)}="{_string(value)}"')
    return "".join(parts)


def _option(option: dict) -> str:
    return f'<option value="{_string(option["value"])}"{_attrs(option["attrs"])}>{_var(option["label"])}</option>'


def _input(widget: dict) -> str:
    value = f' value="{_string(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_var(widget["type"])}" name="{_var(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_var(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append("\n  " + _option(option) + "\n")  # select_option.html ends in a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and self.stock_templates:
            if template_name in INPUT_TEMPLATES:
                return _input(widget)
            if template_name == SELECT_TEMPLATE:
                html = _select(widget)
                if html is not None:
                    return html
        return super().render(template_name, context, request)

    @cached_property
    def stock_templates(self) -> bool:
        """Whether the widget templates written here in Python are Django's own (no app replaces one)."""
        names = INPUT_TEMPLATES | {SELECT_TEMPLATE, OPTION_TEMPLATE, "django/forms/widgets/attrs.html"}
        return all(Path(self.get_template(name).origin.name).resolve().is_relative_to(STOCK) for name in names)
