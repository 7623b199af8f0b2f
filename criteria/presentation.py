"""A criteria set's parameters and weights as a reviewer reads them, in Chinese."""

from __future__ import annotations

from .evaluators.common import (
    LEGAL_FORM_LABELS,
    LEVEL_LABELS,
    LICENCE_LABELS,
    PARTNER_LABELS,
    PATENT_TYPE_LABELS,
    QUALIFICATION_LABELS,
    param_pct,
)
from .evaluators.common import money as _money
from .evaluators.integrity import LIST_LABELS
from .rules import CriteriaRules, RulesError, build_rules


def _labels(codes, labels) -> str:
    """Labels in the order of their choices (the order the forms show them)."""
    ordered = [label for code, label in labels.items() if code in codes]
    return "、".join(ordered + sorted(code for code in codes if code not in labels)) or "无"


def _jurisdiction(rules: CriteriaRules) -> str:
    parts = []
    if rules.jurisdiction_prefixes:
        parts.append("行政区划代码以 " + "、".join(rules.jurisdiction_prefixes) + " 开头")
    if rules.jurisdiction_province_range:
        low, high = rules.jurisdiction_province_range
        parts.append(f"省级代码 {low}–{high}")
    return f"{rules.jurisdiction_label}（{'；'.join(parts)}）"


def describe_parameters(rules: CriteriaRules) -> list[tuple[str, str]]:
    national_only = rules.national_only_types
    qualification = _labels(rules.qualification_types, QUALIFICATION_LABELS)
    if national_only:
        qualification += f"；其中{_labels(national_only, QUALIFICATION_LABELS)}仅认可国家级"
    else:
        qualification += "；不限级别"
    return [
        ("注册地范围", _jurisdiction(rules)),
        ("独立法人类型", _labels(rules.legal_forms, LEGAL_FORM_LABELS)),
        ("中小企业划型标准", f"《中小企业划型标准规定》（{rules.sme_table}）"),
        ("认可的资格", qualification),
        ("专利密集型产业分类", f"知识产权（专利）密集型产业统计分类（{rules.industry_table}）"),
        ("核心专利类型", _labels(rules.core_patent_types, PATENT_TYPE_LABELS)),
        ("计入产业化率的专利类型", _labels(rules.industrialisation_patent_types, PATENT_TYPE_LABELS)),
        ("计入的许可方式", _labels(rules.licence_kinds, LICENCE_LABELS)),
        ("专利产业化率不低于", param_pct(rules.industrialisation_rate_min)),
        ("研发投入占营业收入不低于", param_pct(rules.rnd_ratio_min)),
        ("或研发投入不低于", _money(rules.rnd_amount_min, threshold=True)),
        ("研发人员占职工总数不低于", param_pct(rules.rnd_staff_ratio_min)),
        ("认可的产学研合作方", _labels(rules.partner_types, PARTNER_LABELS)),
        ("核查的名单", _labels(rules.lists_checked, LIST_LABELS)),
    ]


def describe_weights(rules: CriteriaRules) -> list[dict]:
    rows = []
    for term in rules.weights:
        if term.levels:
            rule = "按最高有效资格级别：" + "，".join(
                f"{label} {param_pct(term.levels[code])}" for code, label in LEVEL_LABELS.items()
                if code in term.levels)
        elif term.code in ("brand", "ip_certification"):
            rule = "具备得满分，否则 0 分"
        elif term.code == "filed_products":
            rule = f"按数量线性计分，{term.full_at} 个及以上得满分"
        else:
            rule = f"按比例线性计分，达到 {param_pct(term.full_at)} 得满分"
        rows.append({"code": term.code, "label": term.label, "weight": term.weight, "rule": rule})
    return rows


def checklist(rules: CriteriaRules) -> list[dict]:
    """申报材料清单: each criterion's title with the supporting documents it needs."""
    return [{"number": n, "title": title, "materials": rules.materials.get(n, ())}
            for n, title in sorted(rules.titles.items())]


def describe(criteria_set) -> dict:
    """Everything a reviewer should see of a criteria set; an unusable set says why instead of failing."""
    try:
        rules = build_rules(code=criteria_set.code, version=criteria_set.version,
                            parameters=criteria_set.parameters, weights=criteria_set.weights)
    except RulesError as exc:
        return {"error": str(exc), "titles": [], "parameters": [], "weights": [], "checklist": []}
    return {"error": "", "titles": sorted(rules.titles.items()), "parameters": describe_parameters(rules),
            "weights": describe_weights(rules), "checklist": checklist(rules)}
