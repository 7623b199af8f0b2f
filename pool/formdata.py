"""What a sectioned form posts (the application, the yearly monitoring report), turned into sections of ``data``
exactly as typed.

The form's sections are given as a tuple of ``SectionSpec`` (default: the application's, ``pool.schema.SECTIONS``;
the monitoring report passes ``pool.lifecycle.monitoring_schema.SECTIONS``). Inputs are named ``<section>.<field>`` for single values, ``<section>.<row>.<field>`` for repeating rows and
``rnd.cooperations.<row>.<field>`` for the rows inside R&D; each section's fieldset also posts
``_section=<key>`` so an emptied list is told apart from a section that was not sent. Nothing is validated
here: an invalid value is kept verbatim so the page can show it again with its error.
"""

from __future__ import annotations

import re

from portal.numbers import refusal

from .schema import SECTIONS, SectionSpec

LIST_SPLIT = re.compile(r"[,，;；、\s]+")
TRUE_WORDS = {"true", "on", "1", "yes", "是"}
FALSE_WORDS = {"false", "0", "no", "否"}


#: No value of a form is longer; what is beyond is not stored (the field then says it is too long).
STORED_CHARS = 10_000


def typed_value(kind: str, raw):
    """The stored form of one posted value: booleans become booleans, lists lists, anything else a string. A NUL
    character (which PostgreSQL cannot store in text) is dropped, and a value is kept to ``STORED_CHARS``. A number
    beyond the bounds (``1e1000000``, sixty digits) is never stored: None (``refused_numbers`` tells the field)."""
    text = raw.strip() if isinstance(raw, str) else ("" if raw is None else str(raw))
    text = text.replace("\x00", "")[:STORED_CHARS]
    if kind in ("int", "decimal") and refusal(text):
        return None
    if kind == "bool":
        lowered = text.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        return None if not text else text
    if kind == "strlist":
        return [part for part in LIST_SPLIT.split(text) if part]
    return text


def is_blank(value) -> bool:
    return value is None or value == "" or value == []


def _rows(post, prefix: str, spec: SectionSpec) -> list[dict]:
    pattern = re.compile(rf"^{re.escape(prefix)}\.(\d+)\.(\w+)$")
    by_index: dict[int, dict] = {}
    for key in post.keys():
        match = pattern.match(key)
        if match and spec.field(match.group(2)):
            by_index.setdefault(int(match.group(1)), {})[match.group(2)] = post.get(key)
    rows = []
    for index in sorted(by_index):
        posted = by_index[index]
        row = {f.name: typed_value(f.kind, posted.get(f.name, "")) for f in spec.fields}
        if not all(is_blank(v) for v in row.values()):
            rows.append(row)
    return rows


def section_by_key(sections: tuple[SectionSpec, ...]) -> dict[str, SectionSpec]:
    return {spec.key: spec for spec in sections}


def parse_section(post, key: str, previous: dict | list | None = None, *,
                  sections: tuple[SectionSpec, ...] = SECTIONS):
    """The value of section ``key`` (one of ``sections``) from the posted form (a QueryDict or a plain dict)."""
    spec = section_by_key(sections)[key]
    if spec.repeating:
        return _rows(post, key, spec)
    values = dict(previous) if isinstance(previous, dict) else {}
    for f in spec.fields:
        values[f.name] = typed_value(f.kind, post.get(f"{key}.{f.name}", ""))
    for child in spec.children:
        values[child.key] = _rows(post, f"{key}.{child.key}", child)
    return values


def posted_sections(post, *, sections: tuple[SectionSpec, ...] = SECTIONS) -> list[str]:
    keys = post.getlist("_section") if hasattr(post, "getlist") else post.get("_section", [])
    if isinstance(keys, str):
        keys = [keys]
    known = section_by_key(sections)
    return [k for k in dict.fromkeys(keys) if k in known]


def merge_posted(data: dict, post, *, sections: tuple[SectionSpec, ...] = SECTIONS) -> tuple[dict, list[str]]:
    """``data`` with every posted section replaced by what was typed; the other sections are untouched."""
    merged = dict(data or {})
    posted = posted_sections(post, sections=sections)
    for key in posted:
        merged[key] = parse_section(post, key, merged.get(key), sections=sections)
    return merged, posted
