"""Checks of an application's facts (and of any form described by section specs), as a map of field path →
Chinese message.

``section_errors(data, sections, complete=...)`` checks the values of the given sections against their specs
(kinds, formats, required fields, minimum rows); the monitoring report uses it with its own sections and cross
checks. ``field_errors(data, complete=False)`` is the application's: what autosave shows: only values that are present and malformed are
flagged, nothing is required. ``complete=True`` is what submit enforces: also every required field, the minimum
rows and the cross-field rules. Paths are ``identity.uscc``, ``patents.2.application_no``,
``rnd.cooperations.0.partner``, or a section key for a section-level message.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.numbers import bounded_decimal, refusal
from portal.validators import (
    EARLIEST,
    LATEST,
    date_range_message,
    normalise_patent_no,
    normalise_uscc,
    validate_patent_no,
    validate_uscc,
)

from .formdata import is_blank
from .schema import SECTIONS, FieldSpec, SectionSpec

INDUSTRY_RE = re.compile(r"^[A-Ta-t]?\s*\d{2,4}$")
# 商标注册号: the number on the registration certificate, up to 9 digits; an international registration designating
# China carries a G. The 受理通知书's document number (TMZC…, with letters and the filing date) is not one.
TRADEMARK_NO_RE = re.compile(r"^G?\d{1,9}$")
INT_RE = re.compile(r"^-?\d+$")
REQUIRED = "此项为必填项。"
# Plausibility, not policy: what no SME's figures exceed, so a slip of the finger (or a probe) is caught at the
# field instead of being scored, printed and exported. Checked on the text, before any arithmetic.
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
MAX_INT_DIGITS = 7  # up to 9,999,999 people
MAX_MONEY_DIGITS = 14  # up to 99 万亿 yuan
MAX_DECIMALS = 2  # yuan and fen
MAX_CHARS = {"str": 200, "text": 2000}  # a name or number, and a paragraph


@lru_cache(maxsize=1)
def region_codes() -> frozenset[str]:
    from portal.models import Region

    return frozenset(Region.objects.values_list("code", flat=True))


def _check_named(check: str, text: str) -> str | None:
    try:
        if check == "uscc":
            validate_uscc(normalise_uscc(text))
        elif check == "patent_no":
            validate_patent_no(text)
        elif check == "region" and text not in region_codes():
            return "行政区划代码不存在，请填写 6 位代码（如 420202）。"
        elif check == "trademark_no" and not TRADEMARK_NO_RE.match(re.sub(r"\s", "", text).upper()):
            return ("注册号应为商标注册证上的数字（国际注册可带 G），如 38765432；"
                    "受理通知书上的申请文号不是注册号，尚未核准注册的商标不能填报。")
        elif check == "industry" and not INDUSTRY_RE.match(text):
            return "行业代码应为 GB/T 4754 的 2–4 位数字，可带门类字母，如 C3511。"
    except ValidationError as error:
        return error.messages[0]
    return None


def _number(text: str) -> Decimal | None:
    plain = text.replace(",", "").replace("，", "").strip()
    if not NUMBER_RE.match(plain):
        return None  # no exponents, no words: parsed only when it is a plain, bounded number
    return bounded_decimal(plain)


def _spec_of(sections: tuple[SectionSpec, ...], key: str) -> FieldSpec | None:
    """The field a posted name (``identity.employees``, ``products.0.sales``, ``rnd.cooperations.1.x``) is."""
    parts = key.split(".")
    spec = next((s for s in sections if s.key == parts[0]), None)
    for part in parts[1:-1]:
        if spec is None or part.isdigit():
            continue
        spec = next((c for c in spec.children if c.key.rsplit(".", 1)[-1] == part), None)
    return spec.field(parts[-1]) if spec is not None and len(parts) > 1 else None


def refused_numbers(post, sections: tuple[SectionSpec, ...] = SECTIONS) -> dict[str, str]:
    """Field path → message for every posted number that was refused outright (never stored, see
    ``pool.formdata.typed_value``): exponent notation or too many digits."""
    errors = {}
    for key in post.keys():
        spec = _spec_of(sections, key) if "." in key else None
        if spec is not None and spec.kind in ("int", "decimal"):
            message = refusal(post.get(key))
            if message:
                errors[key] = message
    return errors


def _number_error(spec: FieldSpec, text: str) -> str | None:
    plain = text.replace(",", "").replace("，", "").strip()
    if re.search(r"\d[eE][+-]?\d", plain):
        return "请直接填写数字，不要使用科学计数法（如 1e30）。"
    whole = plain.lstrip("-").split(".")[0].lstrip("0")
    if NUMBER_RE.match(plain) and spec.kind == "int" and "." not in plain and len(whole) > MAX_INT_DIGITS:
        return "人数过大，请核对。"
    if NUMBER_RE.match(plain) and spec.kind == "decimal" and len(whole) > MAX_MONEY_DIGITS:
        return "金额过大，请核对（单位：元）。"
    number = _number(text)
    if number is None or (spec.kind == "int" and not INT_RE.match(plain)):
        return "请输入整数。" if spec.kind == "int" else "请输入数字（单位：元）。"
    if spec.kind == "decimal":
        if "." in plain and len(plain.split(".")[1].rstrip("0")) > MAX_DECIMALS:
            return "金额最多保留两位小数（单位：元）。"
    if number < 0 and not spec.negative:
        return "不能为负数。"
    return None


def value_error(spec: FieldSpec, value) -> str | None:
    """The message for one present value, or None when it is well-formed."""
    if spec.kind == "bool":
        return None if isinstance(value, bool) else "请选择“是”或“否”。"
    if spec.kind == "strlist":
        bad = [v for v in value if _check_named("patent_no", v)] if isinstance(value, list) else [value]
        return f"申请号 {'、'.join(map(str, bad))} 格式或校验位不正确。" if bad else None
    text = str(value)
    limit = MAX_CHARS.get(spec.kind)
    if limit is not None and len(text) > limit:
        return f"内容过长，最多 {limit} 个字。"
    if spec.kind == "choice" and text not in spec.choice_labels:
        return "请从列表中选择。"
    if spec.kind == "date":
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return "日期格式应为 年-月-日，如 2024-06-30。"
        if not EARLIEST <= day <= LATEST:
            return date_range_message()
    if spec.kind in ("int", "decimal"):
        message = _number_error(spec, text)
        if message:
            return message
    if spec.check:
        return _check_named(spec.check, text)
    return None


def _check_values(spec: SectionSpec, values: dict, path: str, complete: bool, errors: dict) -> None:
    for f in spec.fields:
        value = values.get(f.name)
        if is_blank(value):
            if complete and f.required:
                errors[f"{path}.{f.name}"] = REQUIRED
            continue
        message = value_error(f, value)
        if message:
            errors[f"{path}.{f.name}"] = message


def date_of(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _check_window(values: dict, path: str, start: str, end: str, errors: dict) -> None:
    begins, ends = date_of(values.get(start)), date_of(values.get(end))
    if begins and ends and ends < begins and f"{path}.{end}" not in errors:
        errors[f"{path}.{end}"] = "截止日期不能早于起始日期。"


def _check_rows(spec: SectionSpec, rows, path: str, complete: bool, errors: dict) -> None:
    rows = rows if isinstance(rows, list) else []
    if complete and len(rows) < spec.min_rows:
        errors[path] = f"请至少填写 {spec.min_rows} 项{spec.row_label}。"
    for index, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        row_path = f"{path}.{index}"
        _check_values(spec, row, row_path, complete, errors)
        for start, end in (("valid_from", "valid_to"), ("licence_from", "licence_to"), ("registered_on", "valid_to")):
            _check_window(row, row_path, start, end, errors)


def patent_list_errors(data: dict, complete: bool, errors: dict) -> set[str]:
    """Duplicate application numbers and incomplete licences of ``data["patents"]`` (the patent-list section of
    the application and of the monitoring report); returns the normalised numbers of the list."""
    seen: dict[str, int] = {}
    numbers = set()
    for index, row in enumerate(_rows(data, "patents")):
        number = normalise_patent_no(str(row.get("application_no") or ""))
        path = f"patents.{index}"
        if number and number in seen and f"{path}.application_no" not in errors:
            errors[f"{path}.application_no"] = f"申请号与第 {seen[number] + 1} 行重复。"
        if number:
            seen.setdefault(number, index)
            numbers.add(number)
        if complete and row.get("ownership") == "licensed_in":
            for name in ("licence_kind", "licence_from"):
                if is_blank(row.get(name)):
                    errors.setdefault(f"{path}.{name}", "许可使用的专利须填写许可类型和许可起始日。")
    return numbers


def _check_patents(data: dict, complete: bool, errors: dict) -> None:
    numbers = patent_list_errors(data, complete, errors)
    if complete:
        for index, row in enumerate(_rows(data, "products")):
            cores = row.get("core_patents") if isinstance(row.get("core_patents"), list) else []
            missing = [c for c in cores if normalise_patent_no(c) not in numbers]
            if missing:
                errors.setdefault(f"products.{index}.core_patents", f"{'、'.join(missing)} 不在专利清单中。")


def _rows(data: dict, key: str) -> list[dict]:
    rows = data.get(key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _check_cross(data: dict, complete: bool, errors: dict) -> None:
    identity = data.get("identity") if isinstance(data.get("identity"), dict) else {}
    registered = date_of(identity.get("registration_date"))
    if registered and registered > timezone.localdate():
        errors.setdefault("identity.registration_date", "成立日期不能晚于今天。")
    rnd = data.get("rnd") if isinstance(data.get("rnd"), dict) else {}
    staff, total = _number(str(rnd.get("rnd_staff") or "")), _number(str(rnd.get("total_staff") or ""))
    if staff is not None and total is not None and staff > total:
        errors.setdefault("rnd.rnd_staff", "研发人员不能多于职工总数。")
    ip = data.get("ip_management") if isinstance(data.get("ip_management"), dict) else {}
    if complete and ip.get("gbt29490_certified") is True and is_blank(ip.get("gbt29490_certificate_no")):
        errors.setdefault("ip_management.gbt29490_certificate_no", "已通过贯标认证的，请填写证书编号。")
    integrity = data.get("integrity") if isinstance(data.get("integrity"), dict) else {}
    if complete and integrity.get("declared") is not True and errors.get("integrity.declared", REQUIRED) == REQUIRED:
        errors["integrity.declared"] = "提交前须作出诚信承诺（选择“是”）。"
    _check_patents(data, complete, errors)
    _check_trademarks(data, errors)


def _check_trademarks(data: dict, errors: dict) -> None:
    """A registration date after today is an application still pending: not (yet) a registered mark."""
    for index, row in enumerate(_rows(data, "trademarks")):
        registered = date_of(row.get("registered_on"))
        if registered and registered > timezone.localdate():
            errors.setdefault(f"trademarks.{index}.registered_on",
                              "注册日期不能晚于今天；尚未核准注册的商标不能填报。")


def section_errors(data: dict, sections: tuple[SectionSpec, ...], *, complete: bool = False) -> dict[str, str]:
    """Each present value of ``sections`` checked against its spec; with ``complete`` also the required fields and
    the minimum rows. No cross-field rule: those belong to the form (``field_errors`` for the application)."""
    data = data if isinstance(data, dict) else {}
    errors: dict[str, str] = {}
    for spec in sections:
        value = data.get(spec.key)
        if spec.repeating:
            _check_rows(spec, value, spec.key, complete, errors)
            continue
        values = value if isinstance(value, dict) else {}
        _check_values(spec, values, spec.key, complete, errors)
        for child in spec.children:
            _check_rows(child, values.get(child.key), f"{spec.key}.{child.key}", complete, errors)
    return errors


def field_errors(data: dict, *, complete: bool = False) -> dict[str, str]:
    """The application's checks: its sections, then its cross-field rules."""
    data = data if isinstance(data, dict) else {}
    errors = section_errors(data, SECTIONS, complete=complete)
    _check_cross(data, complete, errors)
    return errors


def errors_by_section(errors: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in errors:
        key = path.split(".", 1)[0]
        counts[key] = counts.get(key, 0) + 1
    return counts
