"""Lifecycle policy versions: publish the shipped JSON, find the version in force for a member, build its rules."""

from __future__ import annotations

from functools import lru_cache

from ...lifecycle.policy import LifecycleRules, build_rules, read_policy, shipped_policy_files
from ...models import LifecyclePolicy


class NoPolicy(LookupError):
    """No lifecycle policy applies to a criteria set (a configuration error shown to the operator)."""


def publish_policy(data: dict, *, model=LifecyclePolicy) -> tuple:
    """A new version of ``data["code"]`` unless the newest version already says exactly the same."""
    latest = model.objects.filter(code=data["code"]).order_by("-version").first()
    fields = {"name": data["name"], "description": data.get("description", ""),
              "criteria_sets": data["criteria_sets"], "parameters": data["parameters"]}
    if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
        return latest, False
    created = model.objects.create(code=data["code"], version=(latest.version + 1) if latest else 1, **fields)
    return created, True


def publish_shipped_policies(*, model=LifecyclePolicy) -> list:
    return [publish_policy(read_policy(path), model=model) for path in shipped_policy_files()]


def policy_code_for(criteria_set_code: str) -> str:
    """The lifecycle policy of a criteria set's variant (huangshi-2024 → huangshi-2024)."""
    for policy in current_policies():
        if criteria_set_code in policy.criteria_sets:
            return policy.code
    raise NoPolicy(f"没有适用于入库标准 {criteria_set_code} 的动态调整规则，请先载入规则。")


def current_policies() -> list[LifecyclePolicy]:
    """The newest active version of every policy code."""
    if not LifecyclePolicy.objects.exists():
        publish_shipped_policies()
    newest: dict[str, LifecyclePolicy] = {}
    for policy in LifecyclePolicy.objects.filter(is_active=True).order_by("code", "-version"):
        newest.setdefault(policy.code, policy)
    return list(newest.values())


def current_policy(code: str) -> LifecyclePolicy:
    policy = next((p for p in current_policies() if p.code == code), None)
    if policy is None:
        raise NoPolicy(f"动态调整规则 {code} 不存在或已停用。")
    return policy


@lru_cache(maxsize=32)
def _rules(pk: int, code: str, version: int) -> LifecycleRules:
    return build_rules(code=code, version=version, parameters=LifecyclePolicy.objects.get(pk=pk).parameters)


def rules_of(policy: LifecyclePolicy) -> LifecycleRules:
    return _rules(policy.pk, policy.code, policy.version)


def clear_policy_cache() -> None:
    _rules.cache_clear()
