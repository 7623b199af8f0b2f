"""One lifecycle policy version (动态调整规则), validated: thresholds of graduation and removal, the appeal period,
the reminder days and the replenishment factor and scope. Shipped as JSON in ``pool/data/lifecycle_policies``
(``manage.py load_lifecycle_policies``); a changed file becomes a new version, a published one is never edited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from criteria.facts import ListKind

POLICY_DIR = Path(__file__).resolve().parent.parent / "data" / "lifecycle_policies"


class MisconductKind:
    """What removes an enterprise at once when it becomes known (退库情形)."""

    MAJOR_ACCIDENT = "major_accident"
    SERIOUS_DISHONESTY = "serious_dishonesty"
    TAX_EVASION = "tax_evasion"
    DATA_FRAUD = "data_fraud"
    ABNORMAL_FILING = "abnormal_filing"
    OTHER_VIOLATION = "other_violation"
    CHOICES = [
        (MAJOR_ACCIDENT, "重大安全、质量、环境事故"),
        (SERIOUS_DISHONESTY, "严重失信"),
        (TAX_EVASION, "偷税漏税"),
        (DATA_FRAUD, "数据造假"),
        (ABNORMAL_FILING, "非正常专利申请"),
        (OTHER_VIOLATION, "其他违法违规行为"),
    ]
    LABELS = dict(CHOICES)


class ReplenishmentScope:
    COUNTY = "county"
    PROVINCE = "province"
    CHOICES = [(COUNTY, "按县（市、区）计算"), (PROVINCE, "按全省计算")]


class PolicyError(ValueError):
    """A policy whose parameters cannot be used; the message is Chinese and names the key."""


@dataclass(frozen=True)
class LifecycleRules:
    code: str
    version: int
    growth_threshold: Decimal  # sales and profit both grow by at least this fraction (0.20 = 20 %)
    require_rate_improved: bool  # national: graduation also needs the rate to rise by rate_margin
    rate_margin: Decimal  # absolute rise of the industrialisation rate, as a fraction (0.05 = 5 points)
    no_progress_years: int
    replenishment_factor: int
    replenishment_scope: str
    appeal_days: int
    reminder_days: tuple[int, ...]
    list_misconduct: dict  # imported list type → misconduct kind


def _fraction(params: dict, key: str) -> Decimal:
    try:
        value = Decimal(str(params[key]))
    except (KeyError, InvalidOperation) as exc:
        raise PolicyError(f"参数 {key} 缺失或不是数字") from exc
    if not (0 <= value <= 10):
        raise PolicyError(f"参数 {key} 应在 0 到 10 之间（比例，0.2 表示 20%）")
    return value


def _whole(params: dict, key: str, low: int, high: int) -> int:
    value = params.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not (low <= value <= high):
        raise PolicyError(f"参数 {key} 应为 {low} 到 {high} 之间的整数")
    return value


def build_rules(*, code: str, version: int, parameters: Any) -> LifecycleRules:
    if not isinstance(parameters, dict):
        raise PolicyError("parameters 应为对象")
    scope = parameters.get("replenishment_scope")
    if scope not in dict(ReplenishmentScope.CHOICES):
        raise PolicyError("参数 replenishment_scope 应为 county 或 province")
    days = parameters.get("reminder_days", [])
    if not isinstance(days, list) or not all(isinstance(d, int) and 0 < d <= 365 for d in days):
        raise PolicyError("参数 reminder_days 应为 1 到 365 之间的整数列表")
    mapping = parameters.get("list_misconduct", {})
    known_lists = {c for c, _ in ListKind.CHOICES}
    if not isinstance(mapping, dict) or not all(
            k in known_lists and v in MisconductKind.LABELS for k, v in mapping.items()):
        raise PolicyError("参数 list_misconduct 应把名单类型对应到退库情形")
    return LifecycleRules(
        code=code, version=version,
        growth_threshold=_fraction(parameters, "growth_threshold"),
        require_rate_improved=bool(parameters.get("require_rate_improved", False)),
        rate_margin=_fraction(parameters, "rate_margin"),
        no_progress_years=_whole(parameters, "no_progress_years", 1, 10),
        replenishment_factor=_whole(parameters, "replenishment_factor", 0, 10),
        replenishment_scope=scope,
        appeal_days=_whole(parameters, "appeal_days", 1, 365),
        reminder_days=tuple(sorted(set(days), reverse=True)),
        list_misconduct=dict(mapping),
    )


def read_policy(path) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for key in ("code", "name", "criteria_sets", "parameters"):
        if key not in data:
            raise PolicyError(f"{Path(path).name}：缺少 {key}")
    build_rules(code=data["code"], version=0, parameters=data["parameters"])
    return data


def shipped_policy_files() -> list[Path]:
    return sorted(POLICY_DIR.glob("*.json"))


def rules_from_file(path) -> LifecycleRules:
    data = read_policy(path)
    return build_rules(code=data["code"], version=0, parameters=data["parameters"])
