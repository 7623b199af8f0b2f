"""Policy versions: publishing shipped files as versions, and the version in force for a place."""

from __future__ import annotations

from ..policy import FinanceRules, read_policy, shipped_policy_files


class NoPolicy(Exception):
    """No pledge-financing policy covers the region."""

    def __init__(self, region_code: str):
        super().__init__(f"行政区划 {region_code} 尚无适用的质押融资扶持政策，请联系系统管理员载入政策。")


def publish_policy(data: dict, *, model):
    """Create a new version of ``data["code"]`` unless the newest one already says exactly the same (the
    historical model may be passed, so the data migration can call it)."""
    latest = model.objects.filter(code=data["code"]).order_by("-version").first()
    fields = {"name": data["name"], "description": data.get("description", ""), "region_code": data["region"],
              "parameters": data["parameters"]}
    if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
        return latest, False
    created = model.objects.create(code=data["code"], version=(latest.version + 1) if latest else 1, **fields)
    return created, True


def load_shipped_policies(*, model, paths=None) -> list[tuple[object, bool]]:
    documents = [read_policy(path) for path in (paths or shipped_policy_files())]
    return [publish_policy(document, model=model) for document in documents]


def policy_for(region_code: str):
    """The policy version in force for a county, city or province: the newest active version of the most specific
    region containing ``region_code`` (county, then city, then province)."""
    from ..models import FinancePolicy

    chain = [region_code, region_code[:4] + "00", region_code[:2] + "0000"]
    versions = {}
    for policy in FinancePolicy.objects.filter(region_code__in=chain, is_active=True).order_by("-created_at", "-id"):
        versions.setdefault(policy.region_code, policy)
    for code in chain:
        if code in versions:
            return versions[code]
    raise NoPolicy(region_code)


def rules_for(region_code: str) -> tuple[object, FinanceRules]:
    policy = policy_for(region_code)
    return policy, policy.rules()
