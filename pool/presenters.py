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
    return {"spec": spec, "name": name, "id": "f-" + name.replace(".", "-"), "value": _input_value(spec, value),
            "error": errors.get(name, ""), "choices": spec.choices if spec.kind == "choice" else ()}


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
