"""What changed between two submitted revisions, section by section, field by field, in Chinese labels.

Repeating rows are matched by their natural key (a patent by its application number, a product by its name …),
so reordering rows is not a change and an edited row shows as changed fields rather than removed + added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .schema import ATTACHMENTS_TAB, SECTIONS, FieldSpec, SectionSpec

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
KIND_LABELS = {ADDED: "新增", REMOVED: "删除", CHANGED: "修改"}
ROW_KEYS = {"patents": ("application_no",), "products": ("name",), "trademarks": ("registration_no",),
            "qualifications": ("type", "certificate_no"), "cooperations": ("partner",)}


@dataclass
class Change:
    kind: str
    label: str
    old: str = ""
    new: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class SectionDiff:
    key: str
    label: str
    changes: list[Change] = field(default_factory=list)


def display(spec: FieldSpec, value) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if spec.kind == "bool" and isinstance(value, bool):
        return "是" if value else "否"
    if spec.kind == "choice":
        return str(spec.choice_labels.get(value, value))
    if spec.kind == "strlist" and isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _compare_values(spec: SectionSpec, old: dict, new: dict, prefix: str, out: list[Change]) -> None:
    for f in spec.fields:
        before, after = display(f, old.get(f.name)), display(f, new.get(f.name))
        if before != after:
            out.append(Change(CHANGED, f"{prefix}{f.label}", before, after))


def _row_key(spec: SectionSpec, row: dict, index: int) -> tuple:
    names = ROW_KEYS.get(spec.key, ())
    key = tuple(str(row.get(n) or "").strip() for n in names)
    return key if any(key) else ("#", index)


def _row_title(spec: SectionSpec, row: dict, parent: str) -> str:
    names = ROW_KEYS.get(spec.key, ())
    described = " ".join(display(spec.field(n), row.get(n)) for n in names if spec.field(n) and row.get(n))
    return f"{parent}{spec.row_label} {described}".strip()


def _compare_rows(spec: SectionSpec, old_rows, new_rows, parent: str, out: list[Change]) -> None:
    def keyed(rows):
        rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
        return {_row_key(spec, row, i): row for i, row in enumerate(rows)}

    before, after = keyed(old_rows), keyed(new_rows)
    for key, row in after.items():
        title = _row_title(spec, row, parent)
        if key not in before:
            out.append(Change(ADDED, title, "", summary(spec, row)))
        else:
            _compare_values(spec, before[key], row, f"{title} · ", out)
    for key, row in before.items():
        if key not in after:
            out.append(Change(REMOVED, _row_title(spec, row, parent), summary(spec, row), ""))


def summary(spec: SectionSpec, row: dict) -> str:
    return "；".join(f"{f.label}：{display(f, row.get(f.name))}" for f in spec.fields
                    if row.get(f.name) not in (None, "", []))


def _attachments(old: list, new: list) -> SectionDiff:
    diff = SectionDiff(*ATTACHMENTS_TAB)
    before = {a.get("sha256"): a for a in old or [] if isinstance(a, dict)}
    after = {a.get("sha256"): a for a in new or [] if isinstance(a, dict)}
    for digest, item in after.items():
        if digest not in before:
            diff.changes.append(Change(ADDED, "附件", "", item.get("name", "")))
    for digest, item in before.items():
        if digest not in after:
            diff.changes.append(Change(REMOVED, "附件", item.get("name", ""), ""))
    return diff


def has_changes(diff: list[SectionDiff] | None) -> bool:
    """Whether any section of ``revision_diff``'s answer changed (it lists unchanged sections too)."""
    return any(section.changes for section in diff or ())


def revision_diff(old_data: dict, new_data: dict, old_attachments: list | None = None,
                  new_attachments: list | None = None) -> list[SectionDiff]:
    """Every section with its changes (sections without changes included, with an empty list)."""
    sections = []
    for spec in SECTIONS:
        diff = SectionDiff(spec.key, spec.label)
        old, new = (old_data or {}).get(spec.key), (new_data or {}).get(spec.key)
        if spec.repeating:
            _compare_rows(spec, old, new, "", diff.changes)
        else:
            old, new = (old if isinstance(old, dict) else {}), (new if isinstance(new, dict) else {})
            _compare_values(spec, old, new, "", diff.changes)
            for child in spec.children:
                _compare_rows(child, old.get(child.key), new.get(child.key), "", diff.changes)
        sections.append(diff)
    sections.append(_attachments(old_attachments or [], new_attachments or []))
    return sections
