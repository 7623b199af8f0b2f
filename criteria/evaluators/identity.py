"""Criterion 1: registered inside the jurisdiction, an independent legal person, and an SME by the size table."""

from __future__ import annotations

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from ..reference import industry_digits
from .common import FAIL, LEGAL_FORM_LABELS, MANUAL, PASS, Context, money

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015, as python-stdnum
USCC_VALUES = {char: value for value, char in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_is_valid_compact(value: str) -> bool | None:
    """The check-digit test for an already compact code, several times faster than python-stdnum's full
    validation (it matters at 100,000 evaluations per batch); ``None`` when the code needs the full treatment."""
    if len(value) != 18 or not value[:8].isdigit() or not value.isascii():
        return None
    values = USCC_VALUES
    if any(char not in values for char in value[8:]):
        return None
    total = sum(values[char] * weight for char, weight in zip(value[:17], USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[-total % 31] == value[17]


def _uscc(ctx: Context) -> tuple[str, str]:
    value = ctx.facts.identity.uscc
    if not value:
        return FAIL, "未填写统一社会信用代码"
    if uscc_is_valid_compact(value):
        return PASS, "统一社会信用代码有效"
    try:
        stdnum_uscc.validate(value)
    except InvalidChecksum:
        return FAIL, f"统一社会信用代码 {value} 校验位不正确"
    except InvalidLength:
        return FAIL, f"统一社会信用代码 {value} 应为 18 位"
    except StdnumError:
        return FAIL, f"统一社会信用代码 {value} 格式不正确"
    return PASS, "统一社会信用代码有效"


def _jurisdiction(ctx: Context) -> tuple[str, str]:
    rules, code = ctx.rules, ctx.facts.identity.region_code
    if not code:
        return FAIL, "未填写注册地行政区划"
    if len(code) != 6 or not code.isdigit():
        return FAIL, f"注册地行政区划代码 {code} 应为 6 位数字"
    span = rules.jurisdiction_province_range
    inside = code.startswith(rules.jurisdiction_prefixes) if rules.jurisdiction_prefixes else False
    inside = inside or (span is not None and span[0] <= int(code[:2]) <= span[1])
    name = ctx.reference.region_names.get(code)
    if not inside:
        return FAIL, f"注册地{name or ''}（{code}）不在本计划适用的{rules.jurisdiction_label}范围内"
    if name is None:
        return MANUAL, f"注册地行政区划代码 {code} 不在区划表中，请核实"
    return PASS, f"注册于{name}（{rules.jurisdiction_label}）"


def _legal_form(ctx: Context) -> tuple[str, str]:
    form = ctx.facts.identity.legal_form
    if form in ctx.rules.legal_forms:
        return PASS, "具有独立法人资格"
    if form not in LEGAL_FORM_LABELS or form == "other":
        return MANUAL, "法人类型未填写或无法识别，请核实是否具有独立法人资格"
    return FAIL, f"{LEGAL_FORM_LABELS[form]}不具有独立法人资格"


def _sme(ctx: Context, evidence: dict) -> tuple[str, str]:
    identity = ctx.facts.identity
    table = ctx.reference.sme_tables.get(ctx.rules.sme_table)
    if table is None:
        return MANUAL, f"未加载中小企业划型标准（{ctx.rules.sme_table}），请管理员导入参考数据"
    digits = industry_digits(identity.industry_code)
    row = table.row_for(digits) if digits else None
    if row is None:
        shown = identity.industry_code or "未填写"
        return MANUAL, f"主营行业代码（{shown}）无法对应《中小企业划型标准规定》的行业，请人工判定企业规模"
    evidence["sme_row"] = row.name
    figures = (("从业人员", identity.employees, row.employees_below, "人"),
               ("营业收入", identity.revenue, row.revenue_below, ""),
               ("资产总额", identity.total_assets, row.total_assets_below, ""))
    below, above, missing, negative = [], [], [], []
    for label, value, ceiling, unit in figures:
        if ceiling is None:
            continue  # figures that are not in the industry's row are ignored
        shown = f"{value} {unit}" if unit else money(value)
        limit = f"{ceiling} {unit}" if unit else money(ceiling, threshold=True)
        if value is None:
            missing.append(label)
        elif value < 0:  # not a figure of a real year: below every ceiling, it would make anyone an SME
            negative.append(f"{label}填报为负数（{shown}）")
        elif value < ceiling:
            below.append(f"{label} {shown}，低于 {limit}")
        else:
            above.append(f"{label} {shown}，不低于 {limit}")
    if below:
        return PASS, f"{row.name}：{below[0]}，属于中小企业"
    if missing or negative:
        unknown = ([f"未填写{'、'.join(missing)}"] if missing else []) + negative
        return FAIL, f"{row.name}：{'，'.join(unknown)}，无法判定企业规模"
    return FAIL, f"{row.name}：{'；'.join(above)}，不属于中小企业"


def sme_legal_person(ctx: Context):
    identity = ctx.facts.identity
    evidence = {"uscc": identity.uscc, "region_code": identity.region_code,
                "jurisdiction": ctx.rules.jurisdiction_label, "legal_form": identity.legal_form,
                "industry_code": identity.industry_code, "employees": identity.employees,
                "revenue": None if identity.revenue is None else format(identity.revenue, "f"),
                "total_assets": None if identity.total_assets is None else format(identity.total_assets, "f")}
    parts = (_uscc(ctx), _jurisdiction(ctx), _legal_form(ctx), _sme(ctx, evidence))
    for outcome in (FAIL, MANUAL):
        reasons = [text for result, text in parts if result == outcome]
        if reasons:
            return ctx.result(1, "sme", outcome, "；".join(reasons), evidence)
    return ctx.result(1, "sme", PASS, "；".join(text for _, text in parts), evidence)
