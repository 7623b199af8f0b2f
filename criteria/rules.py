"""The parameters and score weights of one criteria set, validated and precomputed for fast evaluation.

``CriteriaRules`` is built once per criteria-set version (``services.rules_for``) and shared by every
evaluation of a batch, so nothing is parsed per application.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from .facts import (
    LegalForm,
    LicenceKind,
    ListKind,
    PartnerType,
    PatentType,
    QualificationLevel,
    QualificationType,
)

DEFAULT_TITLES = {
    1: "在境内注册登记、具有独立法人资格、符合《中小企业划型标准规定》的中小企业",
    2: "具备专精特新、高新技术企业、知识产权优势示范企业或知识产权运用试点单位等资格",
    3: "主营业务属于专利密集型产业",
    4: "主营产品具有核心专利技术并完成专利产品备案",
    5: "专利产业化率不低于规定比例",
    6: "上年度研发投入占营业收入比重或研发投入金额达到规定标准",
    7: "有稳定的科研带头人和研发团队（研发人员占比或产学研合作）",
    8: "拥有自主商标品牌",
    9: "具备涵盖制度、机构、人员、保障的知识产权管理体系",
    10: "无非正常专利申请、重大事故、违法违规及严重失信等情况",
}

LIST_TYPES = tuple(code for code, _ in ListKind.CHOICES)
SCORE_TERMS = ("industrialisation_rate", "rnd_intensity", "qualification_level", "filed_products",
               "rnd_staff_ratio", "brand", "ip_certification")
KNOWN_QUALIFICATIONS = {code for code, _ in QualificationType.CHOICES} - {QualificationType.OTHER}
KNOWN_PATENT_TYPES = {code for code, _ in PatentType.CHOICES}
KNOWN_LICENCES = {code for code, _ in LicenceKind.CHOICES}
KNOWN_PARTNERS = {code for code, _ in PartnerType.CHOICES}
KNOWN_LEVELS = {code for code, _ in QualificationLevel.CHOICES}
KNOWN_LEGAL_FORMS = {code for code, _ in LegalForm.CHOICES}


class RulesError(ValueError):
    """A criteria set whose parameters or weights cannot be used; the message is Chinese and names the key."""


@dataclass(frozen=True)
class ScoreWeight:
    code: str
    label: str
    weight: Decimal
    full_at: Decimal  # the indicator value that earns the full weight (linear below it)
    levels: dict = field(default_factory=dict)  # qualification level → share of the weight
    weight_text: str = ""  # the weight as shown in every explanation, formatted once


@dataclass(frozen=True)
class CriteriaRules:
    code: str
    version: int
    titles: dict
    jurisdiction_label: str
    jurisdiction_prefixes: tuple[str, ...]
    jurisdiction_province_range: tuple[int, int] | None
    legal_forms: frozenset
    sme_table: str
    qualification_types: frozenset
    national_only_types: frozenset
    industry_table: str
    core_patent_types: frozenset
    industrialisation_patent_types: frozenset
    licence_kinds: frozenset
    industrialisation_rate_min: Decimal
    rnd_ratio_min: Decimal
    rnd_amount_min: Decimal
    rnd_staff_ratio_min: Decimal
    partner_types: frozenset
    lists_checked: frozenset
    weights: tuple[ScoreWeight, ...]
    materials: dict = field(default_factory=dict)  # criterion number → the supporting documents it needs


MATERIALS_FILE = Path(__file__).resolve().parent / "data" / "materials.json"


@lru_cache(maxsize=1)
def default_materials() -> dict[int, tuple[str, ...]]:
    """The supporting documents each criterion needs unless a criteria set states its own (data, not code)."""
    document = json.loads(MATERIALS_FILE.read_text(encoding="utf-8"))
    return {int(k): tuple(v) for k, v in document.items() if k.isdigit()}


def _materials(params: dict) -> dict[int, tuple[str, ...]]:
    """``parameters.materials`` (criterion number → list of documents) over the defaults, criterion by criterion."""
    given = params.get("materials") or {}
    if not isinstance(given, dict):
        raise RulesError("参数 materials 应为 JSON 对象（条目编号 → 材料列表）")
    materials = dict(default_materials())
    for key, value in given.items():
        if not (str(key).isdigit() and 1 <= int(key) <= 10):
            raise RulesError(f"参数 materials 的条目编号 {key} 应为 1–10")
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise RulesError(f"参数 materials 第 {key} 条应为非空文字的列表")
        materials[int(key)] = tuple(v.strip() for v in value)
    return materials


def _decimal(params: dict, key: str, *, low=Decimal(0), high=None) -> Decimal:
    try:
        value = Decimal(str(params[key]))
    except KeyError as exc:
        raise RulesError(f"缺少参数 {key}") from exc
    except (InvalidOperation, ValueError) as exc:
        raise RulesError(f"参数 {key} 应为数字") from exc
    if not value.is_finite() or value < low or (high is not None and value > high):
        raise RulesError(f"参数 {key} 超出允许范围")
    return value


def _codes(params: dict, key: str, known: set, *, allow_empty: bool = False) -> frozenset:
    value = params.get(key)
    if not isinstance(value, list) or (not value and not allow_empty):
        raise RulesError(f"参数 {key} 应为非空列表")
    unknown = [v for v in value if v not in known]
    if unknown:
        raise RulesError(f"参数 {key} 含未知取值：{', '.join(map(str, unknown))}")
    return frozenset(value)


def _jurisdiction(params: dict) -> tuple[str, tuple[str, ...], tuple[int, int] | None]:
    value = params.get("jurisdiction")
    if not isinstance(value, dict) or not value.get("label"):
        raise RulesError("参数 jurisdiction 应含 label 以及 region_prefixes 或 province_code_range")
    prefixes = tuple(str(p) for p in value.get("region_prefixes") or ())
    if any(not p.isdigit() or not 2 <= len(p) <= 6 for p in prefixes):
        raise RulesError("参数 jurisdiction.region_prefixes 应为 2–6 位数字")
    span = value.get("province_code_range")
    province_range = None
    if span is not None:
        try:
            province_range = (int(span[0]), int(span[1]))
        except (TypeError, ValueError, IndexError) as exc:
            raise RulesError("参数 jurisdiction.province_code_range 应为两个两位数字") from exc
    if not prefixes and province_range is None:
        raise RulesError("参数 jurisdiction 须给出 region_prefixes 或 province_code_range")
    return str(value["label"]), prefixes, province_range


def _required_str(params: dict, key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"缺少参数 {key}")
    return value.strip()


def _titles(params: dict) -> dict:
    titles = dict(DEFAULT_TITLES)
    for key, value in (params.get("titles") or {}).items():
        if str(key).isdigit() and 1 <= int(key) <= 10 and isinstance(value, str) and value.strip():
            titles[int(key)] = value.strip()
    return titles


def _weights(weights: Any) -> tuple[ScoreWeight, ...]:
    terms = weights.get("terms") if isinstance(weights, dict) else None
    if not isinstance(terms, list) or not terms:
        raise RulesError("综合评分权重应为 {\"terms\": [...]} 且不为空")
    result = []
    for term in terms:
        if not isinstance(term, dict) or term.get("code") not in SCORE_TERMS:
            raise RulesError(f"未知的评分项：{term.get('code') if isinstance(term, dict) else term}")
        levels = {k: _decimal(term["levels"], k, high=Decimal(1)) for k in term.get("levels") or {}}
        if set(levels) - KNOWN_LEVELS:
            raise RulesError("评分项 qualification_level 的 levels 含未知级别")
        weight = _decimal(term, "weight")
        result.append(ScoreWeight(code=term["code"], label=str(term.get("label") or term["code"]), weight=weight,
                                  full_at=_decimal(term, "full_at", low=Decimal(0)), levels=levels,
                                  weight_text=format(weight, "f")))
    if len({t.code for t in result}) != len(result):
        raise RulesError("评分项重复")
    if sum(t.weight for t in result) != 100:
        raise RulesError("综合评分权重之和应为 100")
    if any(t.full_at <= 0 for t in result):
        raise RulesError("评分项 full_at 应大于 0")
    return tuple(result)


def build_rules(*, code: str, version: int, parameters: Any, weights: Any) -> CriteriaRules:
    """Validate a criteria set's parameters and weights; raises ``RulesError`` with a Chinese message."""
    if not isinstance(parameters, dict):
        raise RulesError("阈值参数应为 JSON 对象")
    label, prefixes, province_range = _jurisdiction(parameters)
    qualification = parameters.get("qualification") or {}
    if not isinstance(qualification, dict):
        raise RulesError("参数 qualification 应为 JSON 对象")
    return CriteriaRules(
        code=code, version=version, titles=_titles(parameters),
        jurisdiction_label=label, jurisdiction_prefixes=prefixes, jurisdiction_province_range=province_range,
        legal_forms=_codes(parameters, "legal_forms", KNOWN_LEGAL_FORMS),
        sme_table=_required_str(parameters, "sme_table"),
        qualification_types=_codes(qualification, "types", KNOWN_QUALIFICATIONS),
        national_only_types=_codes(qualification, "national_only_types", KNOWN_QUALIFICATIONS, allow_empty=True),
        industry_table=_required_str(parameters, "industry_table"),
        core_patent_types=_codes(parameters, "core_patent_types", KNOWN_PATENT_TYPES),
        industrialisation_patent_types=_codes(parameters, "industrialisation_patent_types", KNOWN_PATENT_TYPES),
        licence_kinds=_codes(parameters, "licence_kinds", KNOWN_LICENCES, allow_empty=True),
        industrialisation_rate_min=_decimal(parameters, "industrialisation_rate_min", high=Decimal(1)),
        rnd_ratio_min=_decimal(parameters, "rnd_ratio_min", high=Decimal(1)),
        rnd_amount_min=_decimal(parameters, "rnd_amount_min"),
        rnd_staff_ratio_min=_decimal(parameters, "rnd_staff_ratio_min", high=Decimal(1)),
        partner_types=_codes(parameters, "cooperation_partner_types", KNOWN_PARTNERS),
        lists_checked=_codes(parameters, "lists_checked", set(LIST_TYPES), allow_empty=True),
        weights=_weights(weights),
        materials=_materials(parameters),
    )
