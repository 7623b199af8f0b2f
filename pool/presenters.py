"""What the application templates render: the form's sections with values and errors, and a revision's facts.

Kept out of the views so a view stays a few lines and the same shapes serve the edit page and the read-only
revision page.
"""

from __future__ import annotations

from .diff import display
from .formdata import is_blank
from .schema import ATTACHMENTS_TAB, SECTIONS, FieldSpec, SectionSpec
from .validation import errors_by_section


def _input_value(spec: FieldSpec, value) -> str:
    if value is None:
        return ""
    if spec.kind == "bool":
        return {True: "true", False: "false"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    if spec.kind == "strlist" and isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _field(spec: FieldSpec, name: str, value, errors: dict) -> dict:
    shown = _input_value(spec, value)
    choices = spec.choices if spec.kind == "choice" else _region_choices(shown) if spec.check == "region" else ()
    return {"spec": spec, "name": name, "id": "f-" + name.replace(".", "-"), "value": shown,
            "error": errors.get(name, ""), "choices": choices}


def _region_choices(current: str) -> list:
    """The province's counties by city (the list registration offered), plus a value typed earlier that is not
    one of them, so nothing typed disappears from the form."""
    from django.conf import settings

    from portal.forms import county_choices

    choices = county_choices(settings.PORTAL_PROVINCE_CODE[:2])
    known = {code for _city, options in choices[1:] for code, _name in options}
    if current and current not in known:
        choices = [*choices, ("其他", [(current, f"{current}（原填写）")])]
    return choices


def _table(spec: SectionSpec, prefix: str, rows, errors: dict) -> dict:
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    rendered = [[_field(f, f"{prefix}.{i}.{f.name}", row.get(f.name), errors) for f in spec.fields]
                for i, row in enumerate(rows)]
    spare = len(rows)
    # One blank row more, so the form also works without JavaScript; blank rows are never stored.
    rendered.append([_field(f, f"{prefix}.{spare}.{f.name}", None, {}) for f in spec.fields])
    template = [_field(f, f"{prefix}.__i__.{f.name}", None, {}) for f in spec.fields]
    return {"spec": spec, "prefix": prefix, "rows": rendered, "template": template,
            "error": errors.get(prefix, "")}


def form_sections(data: dict, errors: dict, sections: tuple[SectionSpec, ...] = SECTIONS) -> list[dict]:
    """The form's sections (the application's by default) with their values and errors, as the form renders them."""
    counts = errors_by_section(errors)
    rendered = []
    for spec in sections:
        value = (data or {}).get(spec.key)
        section = {"key": spec.key, "label": spec.label, "help": spec.help, "error_count": counts.get(spec.key, 0)}
        if spec.repeating:
            section["table"] = _table(spec, spec.key, value, errors)
        else:
            values = value if isinstance(value, dict) else {}
            section["fields"] = [_field(f, f"{spec.key}.{f.name}", values.get(f.name), errors) for f in spec.fields]
            section["children"] = [_table(c, f"{spec.key}.{c.key}", values.get(c.key), errors)
                                   for c in spec.children]
        rendered.append(section)
    return rendered


def tabs(sections: list[dict]) -> list[dict]:
    return [*({"key": s["key"], "label": s["label"], "error_count": s["error_count"]} for s in sections),
            {"key": ATTACHMENTS_TAB[0], "label": ATTACHMENTS_TAB[1], "error_count": 0}]


def _read_rows(spec: SectionSpec, rows) -> dict:
    rows = [r for r in rows if isinstance(r, dict) and not all(is_blank(v) for v in r.values())] \
        if isinstance(rows, list) else []
    return {"spec": spec, "headers": [f.label for f in spec.fields],
            "rows": [[display(f, row.get(f.name)) for f in spec.fields] for row in rows]}


def read_sections(data: dict, sections: tuple[SectionSpec, ...] = SECTIONS) -> list[dict]:
    """A submitted revision's facts as label/value pairs and tables, for the read-only page."""
    out = []
    for spec in sections:
        value = (data or {}).get(spec.key)
        if spec.repeating:
            out.append({"key": spec.key, "label": spec.label, "tables": [_read_rows(spec, value)], "pairs": []})
            continue
        values = value if isinstance(value, dict) else {}
        out.append({"key": spec.key, "label": spec.label,
                    "pairs": [(f.label, display(f, values.get(f.name))) for f in spec.fields],
                    "tables": [_read_rows(c, values.get(c.key)) for c in spec.children]})
    return out


def error_items(errors: dict, sections: list[dict]) -> list[dict]:
    """Each error of a refused submission as 「栏目 · 第 N 行 · 字段」 and its message, in form order, with the tab it
    is on, so the summary above the form names every place instead of ending at a colon."""
    specs: dict[str, SectionSpec] = {}
    tab_of: dict[str, str] = {}
    for section in sections:
        tables = ([section["table"]] if section.get("table") else []) + list(section.get("children") or [])
        if section.get("fields"):
            specs[section["key"]] = SectionSpec(section["key"], section["label"],
                                                tuple(f["spec"] for f in section["fields"]))
            tab_of[section["key"]] = section["key"]
        for table in tables:
            specs[table["prefix"]] = table["spec"]
            tab_of[table["prefix"]] = section["key"]
    order = {key: i for i, key in enumerate(specs)}
    items = []
    for path, message in errors.items():
        prefix = next((p for p in sorted(specs, key=len, reverse=True) if path == p or path.startswith(p + ".")), None)
        if prefix is None:
            continue
        spec, rest = specs[prefix], path[len(prefix) + 1:].split(".") if path != prefix else []
        section_label = next((s["label"] for s in sections if s["key"] == tab_of[prefix]), spec.label)
        where = [section_label] + ([spec.label] if spec.label != section_label else [])
        if len(rest) == 2 and rest[0].isdigit():
            where.append(f"第 {int(rest[0]) + 1} 行")
            rest = rest[1:]
        field = spec.field(rest[0]) if rest else None
        if field is not None:
            where.append(field.label)
        # The input's id (as the form renders it) when the error is one field's, so the summary links to it.
        anchor = "f-" + path.replace(".", "-") if field is not None else ""
        items.append({"tab": tab_of[prefix], "where": " · ".join(where), "message": message, "anchor": anchor,
                      "order": (order[prefix], path)})
    return sorted(items, key=lambda item: item["order"])
