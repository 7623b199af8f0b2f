"""One pledge-financing policy version (质押融资扶持政策), validated into plain rules.

Shipped as JSON in ``finance/data/policies`` (``manage.py load_finance_policies``; a changed file becomes a new
version, a published version is never edited). A policy belongs to a region (a city or the province); the one in
force for a place is the newest version of the most specific region containing it. Nothing here reads the
database: the services hand a stored version's ``parameters`` to ``build_rules``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from criteria.facts import ListKind

POLICY_DIR = Path(__file__).resolve().parent / "data" / "policies"

#: Statuses of pool membership (``pool.models.MembershipStatus`` values) a whitelist may admit.
MEMBERSHIP_STATUS_LABELS = {"cultivating": "培育中", "graduated": "已出库", "follow_up": "接续培育",
                            "removed": "已退库"}
ASSET_KIND_LABELS = {"patent": "专利", "trademark": "商标"}
FEE_KINDS = {"evaluation_fee": "评估费", "insurance_fee": "保险费", "guarantee_fee": "担保费"}
INTEREST_BASES = {"actual": "实际支付利息", "reference_rate": "实际支付利息与按参考利率计算利息中的较低者"}


class PolicyError(ValueError):
    """A policy that cannot be used; the message is Chinese and names the key."""


@dataclass(frozen=True)
class WhitelistRules:
    membership_statuses: tuple[str, ...]
    list_types: tuple[str, ...]
    asset_kinds: tuple[str, ...]
    min_assets: int


@dataclass(frozen=True)
class ConsentRules:
    version: str
    text: str


@dataclass(frozen=True)
class LookupRules:
    daily_cap: int  # 统一社会信用代码 a bank may look up per calendar day
    max_codes_per_file: int


@dataclass(frozen=True)
class SubsidyRules:
    interest_share: Decimal
    interest_base: str  # "actual" | "reference_rate"
    reference_rate: Decimal | None  # annual, as a fraction (0.0345 = 3.45 %)
    fee_shares: dict[str, Decimal]
    cap_per_loan: Decimal
    cap_per_enterprise_year: Decimal
    require_partner_bank: bool
    require_pledge_registered: bool
    require_on_time: bool


@dataclass(frozen=True)
class RiskRules:
    share: Decimal
    overdue_days: int


@dataclass(frozen=True)
class FinanceRules:
    code: str
    version: int
    whitelist: WhitelistRules
    consent: ConsentRules
    lookup: LookupRules
    subsidy: SubsidyRules
    risk: RiskRules


def _section(params: dict, key: str) -> dict:
    value = params.get(key)
    if not isinstance(value, dict):
        raise PolicyError(f"缺少参数组 {key}")
    return value


def _decimal(params: dict, key: str, *, low: Decimal, high: Decimal, where: str) -> Decimal:
    try:
        value = Decimal(str(params[key]))
    except (KeyError, InvalidOperation) as exc:
        raise PolicyError(f"参数 {where}.{key} 缺失或不是数字") from exc
    if not value.is_finite() or not (low <= value <= high):
        raise PolicyError(f"参数 {where}.{key} 应在 {low} 到 {high} 之间")
    return value


def _share(params: dict, key: str, where: str) -> Decimal:
    return _decimal(params, key, low=Decimal(0), high=Decimal(1), where=where)


def _whole(params: dict, key: str, low: int, high: int, where: str) -> int:
    value = params.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not (low <= value <= high):
        raise PolicyError(f"参数 {where}.{key} 应为 {low} 到 {high} 之间的整数")
    return value


def _flag(params: dict, key: str, where: str) -> bool:
    value = params.get(key)
    if not isinstance(value, bool):
        raise PolicyError(f"参数 {where}.{key} 应为 true 或 false")
    return value


def _choices(params: dict, key: str, allowed: dict | set, where: str) -> tuple[str, ...]:
    value = params.get(key)
    if not isinstance(value, list) or not value or not all(v in allowed for v in value):
        raise PolicyError(f"参数 {where}.{key} 应为非空列表，取值为：{'、'.join(sorted(allowed))}")
    return tuple(dict.fromkeys(value))


def _whitelist(params: dict) -> WhitelistRules:
    part = _section(params, "whitelist")
    statuses = _choices(part, "membership_statuses", MEMBERSHIP_STATUS_LABELS, "whitelist")
    if "removed" in statuses:
        raise PolicyError("参数 whitelist.membership_statuses 不能包含已退库（removed）")
    return WhitelistRules(
        membership_statuses=statuses,
        list_types=_choices(part, "list_types", {code for code, _ in ListKind.CHOICES}, "whitelist"),
        asset_kinds=_choices(part, "asset_kinds", ASSET_KIND_LABELS, "whitelist"),
        min_assets=_whole(part, "min_assets", 1, 100, "whitelist"),
    )


def _subsidy(params: dict) -> SubsidyRules:
    part = _section(params, "subsidy")
    base = part.get("interest_base")
    if base not in INTEREST_BASES:
        raise PolicyError("参数 subsidy.interest_base 应为 actual 或 reference_rate")
    reference = None
    if base == "reference_rate":
        reference = _decimal(part, "reference_rate", low=Decimal(0), high=Decimal("0.5"), where="subsidy")
    fees = part.get("fee_shares")
    if not isinstance(fees, dict) or set(fees) - set(FEE_KINDS):
        raise PolicyError(f"参数 subsidy.fee_shares 的键应为：{'、'.join(FEE_KINDS)}")
    money = {"low": Decimal(0), "high": Decimal("100000000"), "where": "subsidy"}
    return SubsidyRules(
        interest_share=_share(part, "interest_share", "subsidy"),
        interest_base=base,
        reference_rate=reference,
        fee_shares={kind: _share(fees, kind, "subsidy.fee_shares") for kind in FEE_KINDS if kind in fees},
        cap_per_loan=_decimal(part, "cap_per_loan", **money),
        cap_per_enterprise_year=_decimal(part, "cap_per_enterprise_year", **money),
        require_partner_bank=_flag(part, "require_partner_bank", "subsidy"),
        require_pledge_registered=_flag(part, "require_pledge_registered", "subsidy"),
        require_on_time=_flag(part, "require_on_time", "subsidy"),
    )


def build_rules(*, code: str, version: int, parameters: Any) -> FinanceRules:
    if not isinstance(parameters, dict):
        raise PolicyError("parameters 应为对象")
    consent = _section(parameters, "consent")
    if not isinstance(consent.get("version"), str) or not consent["version"].strip():
        raise PolicyError("参数 consent.version 不能为空")
    if not isinstance(consent.get("text"), str) or len(consent["text"].strip()) < 20:
        raise PolicyError("参数 consent.text 应为完整的授权书文本")
    lookup = _section(parameters, "lookup")
    risk = _section(parameters, "risk_compensation")
    return FinanceRules(
        code=code, version=version,
        whitelist=_whitelist(parameters),
        consent=ConsentRules(version=consent["version"].strip(), text=consent["text"].strip()),
        lookup=LookupRules(daily_cap=_whole(lookup, "daily_cap", 1, 100_000, "lookup"),
                           max_codes_per_file=_whole(lookup, "max_codes_per_file", 1, 10_000, "lookup")),
        subsidy=_subsidy(parameters),
        risk=RiskRules(share=_share(risk, "share", "risk_compensation"),
                       overdue_days=_whole(risk, "overdue_days", 1, 3650, "risk_compensation")),
    )


def read_policy(path) -> dict:
    """A policy file's document, checked (raises ``PolicyError`` naming the file and the problem)."""
    name = Path(path).name
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PolicyError(f"{name}：无法读取（{exc}）") from exc
    for key in ("code", "name", "region", "parameters"):
        if key not in data:
            raise PolicyError(f"{name}：缺少 {key}")
    try:
        build_rules(code=data["code"], version=0, parameters=data["parameters"])
    except PolicyError as exc:
        raise PolicyError(f"{name}：{exc}") from exc
    return data


def shipped_policy_files() -> list[Path]:
    return sorted(POLICY_DIR.glob("*.json"))


def rules_from_file(path) -> FinanceRules:
    data = read_policy(path)
    return build_rules(code=data["code"], version=0, parameters=data["parameters"])
