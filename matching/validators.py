"""Validators of the matching app; messages are Chinese and say what a correct value looks like."""

import re

from django.core.exceptions import ValidationError

# IPC symbol: section (A–H), class (2 digits), subclass (letter), main group (1–4 digits) / subgroup (2–6 digits),
# e.g. B22D17/22 or H01M 4/525.
IPC_RE = re.compile(r"^([A-H])(\d{2})([A-Z])\s*(\d{1,4})\s*/\s*(\d{2,6})$")
# A demand's hint may stop at the subclass (B22D) or the main group (B01D53).
IPC_HINT_RE = re.compile(r"^[A-H]\d{2}[A-Z](\s*\d{1,4}(\s*/\s*\d{2,6})?)?$")
IPC_SPLIT_RE = re.compile(r"[;；,，、\s]+")


def normalise_ipc(value: str) -> str:
    """``b22d 17/22`` → ``B22D17/22`` (no validation)."""
    return re.sub(r"\s+", "", (value or "").upper())


def validate_ipc(value: str) -> str:
    code = normalise_ipc(value)
    if not IPC_RE.match(code):
        raise ValidationError(
            "IPC 分类号“%(value)s”格式不正确，应为部、大类、小类加大组/小组，如 B22D17/22。",
            code="ipc_format", params={"value": value})
    return code


def split_ipc(value: str) -> list[str]:
    """Several IPC codes written in one cell, separated by semicolons, commas or spaces between codes."""
    text = (value or "").upper()
    # Spaces inside one code ("H01M 4/525") must not split it: join a subclass with the group that follows.
    text = re.sub(r"([A-H]\d{2}[A-Z])\s+(\d)", r"\1\2", text)
    text = re.sub(r"\s*/\s*", "/", text)
    return [part for part in IPC_SPLIT_RE.split(text) if part]


def validate_ipc_list(value: str) -> str:
    """Validate every code of a list; return them joined by ``;``."""
    return ";".join(validate_ipc(code) for code in split_ipc(value))


def validate_ipc_hint(value: str) -> str:
    code = normalise_ipc(value)
    if code and not IPC_HINT_RE.match(code):
        raise ValidationError("IPC 分类提示“%(value)s”格式不正确，可填小类（如 B22D）或大组（如 B01D53）。",
                              code="ipc_hint_format", params={"value": value})
    return code
