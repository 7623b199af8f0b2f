"""Menu items and home panels of pledge financing: the enterprise's status, the bank's whitelists to act on,
the bureau's drafts and waiting subsidies."""

from portal.navigation import nav

NAV_GROUP = "质押融资"

NAV_ITEMS = [
    nav("质押融资", "finance:my", "enterprise", order=40),
    nav("授信白名单", "finance:whitelist-list", "city province admin", order=40),
    nav("授信白名单", "finance:publication-list", "bank", order=10),
    nav("对接与放款", "finance:loan-list", "bank county city province admin", order=41),
    nav("名单核验", "finance:lookup-list", "bank", order=12),
    nav("融资补贴", "finance:subsidy-list", "county city province admin", order=42),
    nav("风险补偿", "finance:claim-list", "bank city province admin", order=43),
    nav("白名单规则修订模拟", "finance:draft-list", "province", order=45),
    nav("质押融资统计", "finance:figures", "county city province admin", order=44, group="统计"),
]


def home_panels(user) -> list[tuple[str, dict]]:
    if not user.is_authenticated:
        return []
    from . import selectors

    if user.role == "bank":
        return [("finance/panels/bank.html", selectors.bank_home(user))]
    if user.role == "enterprise":
        from .services.publications import candidate_for_enterprise

        overview = selectors.enterprise_overview(user.organisation)
        return [("finance/panels/enterprise.html", {**overview,
                                                    "candidate": candidate_for_enterprise(user.organisation)})]
    if user.role in ("county", "city", "province"):
        from .models import SubsidyStatus

        waiting = {"county": SubsidyStatus.SUBMITTED, "city": SubsidyStatus.COUNTY_VERIFIED}.get(user.role)
        subsidies = selectors.subsidy_list(user=user).filter(status=waiting).count() if waiting else 0
        drafts = selectors.whitelist_list(user=user).filter(status="draft").count() if user.role != "county" else 0
        return [("finance/panels/bureau.html", {"waiting_subsidies": subsidies, "drafts": drafts,
                                                 "role": user.role})]
    return []
