"""Validators shared by forms, serializers and imports. Messages are Chinese and name the problem."""

import re

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


PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value: str) -> None:
    if not PHONE_RE.match((value or "").strip()):
        raise ValidationError("请输入 11 位手机号或带区号的固定电话（如 0714-6222222）。", code="phone")


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
