"""The evidence an evaluator read, as a reviewer reads it: Chinese labels and values, never codes or Python reprs.

Every key an evaluator writes into its ``evidence`` has a label here; a test evaluates every criterion and fails
on a key without one, so a new key cannot reach a page raw.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .evaluators.common import LEGAL_FORM_LABELS, LEVEL_LABELS, QUALIFICATION_LABELS
from .evaluators.integrity import LIST_LABELS

IP_PARTS = {"system": "制度", "organisation": "机构", "personnel": "人员", "safeguard": "保障"}


def _yes_no(value) -> str:
    return "是" if value is True else "否" if value is False else "未填写"


def _money(value) -> str:
    if value in (None, ""):
        return "未填写"
    try:
        return f"{Decimal(str(value)):,f} 元"
    except InvalidOperation:
        return str(value)


def _ratio(value) -> str:
    try:
        text = format(Decimal(str(value)) * 100, "f")
    except InvalidOperation:
        return str(value)
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def _names(values) -> str:
    return "、".join(str(v) for v in values) if values else "无"


def _qualifications(items) -> str:
    parts = []
    for q in items or []:
        level = LEVEL_LABELS.get(q.get("level"), "")
        until = q.get("valid_to") or "长期"
        parts.append(f"{QUALIFICATION_LABELS.get(q.get('type'), q.get('type') or '未填写类型')}"
                     f"{f'（{level}）' if level else ''}，证书 {q.get('certificate_no') or '未填写'}，有效期至 {until}")
    return "；".join(parts) or "无"


def _hits(items) -> str:
    parts = []
    for hit in items or []:
        listed = f"，{hit['listed_on']}列入" if hit.get("listed_on") else ""
        reason = f"：{hit['reason']}" if hit.get("reason") else ""
        parts.append(f"{LIST_LABELS.get(hit.get('list_type'), '名单')}{listed}{reason}")
    return "；".join(parts) or "未命中"


#: key → (label, how its value reads)
EVIDENCE = {
    "uscc": ("统一社会信用代码", str),
    "region_code": ("注册地行政区划代码", str),
    "jurisdiction": ("注册地范围", str),
    "legal_form": ("企业类型", lambda v: LEGAL_FORM_LABELS.get(v, v or "未填写")),
    "industry_code": ("主营行业代码", lambda v: v or "未填写"),
    "employees": ("从业人员", lambda v: "未填写" if v is None else f"{v} 人"),
    "revenue": ("营业收入", _money),
    "total_assets": ("资产总额", _money),
    "sme_row": ("划型所依行业", str),
    "qualifications": ("填报的资格", _qualifications),
    "counted": ("计入的有效资格", lambda v: f"{v} 项"),
    "table": ("所依分类版本", lambda v: f"{v} 年版"),
    "industry_name": ("行业名称", str),
    "category": ("所属专利密集型产业", str),
    "partial": ("仅部分活动属于该产业", _yes_no),
    "products": ("主营产品", lambda v: f"{v} 个"),
    "qualifying_products": ("有合格核心专利的产品", _names),
    "filed_products": ("已备案的产品", _names),
    "used_in_products": ("用于在售产品的专利", lambda v: f"{v} 件"),
    "counted_patents": ("计入产业化率的专利", lambda v: f"{v} 件"),
    "excluded_patents": ("未计入的专利", lambda v: f"{v} 件"),
    "threshold": ("产业化率标准", _ratio),
    "rnd_expense": ("研发投入", _money),
    "ratio_min": ("比例标准", _ratio),
    "amount_min": ("金额标准", _money),
    "leader_name": ("科研带头人", lambda v: v or "未填写"),
    "rnd_staff": ("研发人员", lambda v: "未填写" if v is None else f"{v} 人"),
    "total_staff": ("职工总数", lambda v: "未填写" if v is None else f"{v} 人"),
    "cooperation": ("有效的产学研合作", _yes_no),
    "trademarks": ("填报的商标", lambda v: f"{v} 件"),
    "own_used": ("自有并用于产品的商标", _names),
    "missing": ("缺少的要素", lambda v: "、".join(IP_PARTS.get(p, p) for p in v) if v else "无"),
    "gbt29490_certified": ("通过 GB/T 29490 贯标认证", _yes_no),
    "certificate_no": ("贯标证书编号", lambda v: v or "未填写"),
    "evidence": ("证明材料说明", lambda v: v or "未填写"),
    "declared": ("已作诚信承诺", _yes_no),
    "lists_checked": ("核查的名单", lambda v: "、".join(LIST_LABELS.get(c, c) for c in v) if v else "无"),
    "hits": ("名单命中", _hits),
}


def evidence_rows(evidence: dict | None) -> list[tuple[str, str]]:
    """``(label, text)`` for each piece of evidence, in the evaluator's order."""
    rows = []
    for key, value in (evidence or {}).items():
        label, show = EVIDENCE.get(key, (key, str))
        rows.append((label, show(value)))
    return rows
