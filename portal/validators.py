"""Validators shared by forms, serializers and imports. Messages are Chinese and name the problem."""

import re
from datetime import date, datetime

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def normalise_uscc(value: str) -> str:
    return stdnum_uscc.compact(value or "")


def validate_uscc(value: str) -> str:
    """统一社会信用代码: 18 characters, GB 32100-2015 alphabet, check digit (python-stdnum)."""
    try:
        return stdnum_uscc.validate(value)
    except InvalidLength as exc:
        raise ValidationError("统一社会信用代码应为 18 位。", code="uscc_length") from exc
    except InvalidChecksum as exc:
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新输入。", code="uscc_checksum") from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）。", code="uscc_format") from exc
    except StdnumError as exc:
        raise ValidationError("统一社会信用代码格式不正确。", code="uscc_invalid") from exc


# Plausibility, not policy: what no figure of the portal exceeds, so a slip of the finger (or a probe) is caught at
# the field instead of being scored, printed, exported or overflowing a column. Shared by the forms, the imports
# and every API field (``portal.api.bounded``).
EARLIEST = date(1949, 10, 1)
LATEST = date(2100, 12, 31)
MAX_MAGNITUDE = 10**15  # numbers: fewer than 16 whole digits (yuan up to 千万亿, any count, any year)
MAX_TEXT = 10_000  # characters of one text value
MAX_ITEMS = 1_000  # items of one list


def date_range_message() -> str:
    return f"日期应在 {EARLIEST.isoformat()} 至 {LATEST.isoformat()} 之间，请核对。"


class DateRangeValidator:
    """A date (or a moment's date) within ``EARLIEST``..``LATEST``."""

    def __call__(self, value) -> None:
        day = value.date() if isinstance(value, datetime) else value
        if isinstance(day, date) and not EARLIEST <= day <= LATEST:
            raise ValidationError(date_range_message(), code="date_range")

    def __eq__(self, other) -> bool:
        return isinstance(other, DateRangeValidator)


PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value: str) -> None:
    if not PHONE_RE.match((value or "").strip()):
        raise ValidationError("请输入 11 位手机号或带区号的固定电话（如 0714-6222222）。", code="phone")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in Chinese (the stock zh-hans catalogue misses this string)."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"


class CharacterClassValidator:
    """A password must mix at least ``min_classes`` of: upper-case, lower-case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            [
                any(c.isupper() for c in password),
                any(c.islower() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )

    def validate(self, password: str, user=None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。",
                code="password_classes",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


# 专利申请号: 12 digits (year 4, type 1, serial 7), a dot, a check digit; digits weighted 2..9,2,3,4,5 from the
# left, sum mod 11, 10 written X. Pre-2003 numbers have 8 digits, weighted 2..9.
PATENT_NO_RE = re.compile(r"^(?:CN|ZL)?\s*(\d{8}|\d{12})\.?([\dXx])$")
PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
PATENT_TYPE_DIGIT = {"1": "invention", "2": "utility_model", "3": "design", "8": "invention", "9": "utility_model"}


def patent_check_digit(digits: str) -> str:
    total = sum(int(d) * w for d, w in zip(digits, PATENT_WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalise_patent_no(value: str) -> str:
    """``ZL 2017 1 9081250.3`` → ``201719081250.3`` (no validation)."""
    compact = re.sub(r"[\s,，]", "", (value or "").upper())
    compact = compact.removeprefix("CN").removeprefix("ZL")
    if "." not in compact and len(compact) in (9, 13):
        compact = f"{compact[:-1]}.{compact[-1]}"
    return compact


def validate_patent_no(value: str) -> str:
    """A Chinese patent application number with its check digit; returns the normalised form."""
    number = normalise_patent_no(value)
    match = PATENT_NO_RE.match(number)
    if not match:
        raise ValidationError("专利申请号格式应为 12 位数字 + “.” + 校验位，如 201719081250.3。", code="patent_no_format")
    digits, check = match.groups()
    if patent_check_digit(digits) != check.upper():
        raise ValidationError("专利申请号校验位不正确，请核对。", code="patent_no_checksum")
    return f"{digits}.{check.upper()}"


def patent_type_from_no(number: str) -> str | None:
    """The patent type that a 12-digit application number's fifth digit encodes."""
    return PATENT_TYPE_DIGIT.get(number[4]) if len(number) >= 13 else None
