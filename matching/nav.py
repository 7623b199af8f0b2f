"""Menu items and home-page panels of matching."""

from portal.navigation import nav

NAV_GROUP = "供需对接"

NAV_ITEMS = [
    nav("专利供给库", "matching:catalogue", "enterprise county city province bank supplier admin", order=40),
    nav("我的专利", "matching:my-patents", "supplier", order=41),
    nav("技术需求", "matching:demand-list", "enterprise county city province admin", order=42),
    nav("匹配需求", "matching:match-list", "supplier", order=42),
    nav("对接跟进", "matching:match-list", "enterprise county city province admin", order=43),
    nav("专利转化清单", "matching:deal-list", "enterprise supplier county city province admin", order=44),
    nav("匹配批处理", "matching:runs", "city province admin", order=45),
    nav("对接活动", "matching:event-list", "enterprise supplier county city province admin", order=46),
    nav("每周推送", "matching:digest-list", "enterprise supplier", order=47),
]


def home_panels(user) -> list[tuple[str, dict]]:
    from .models import Demand, Match

    if user.role == "enterprise":
        demands = (Demand.objects.visible_to(user).filter(enterprise_id=user.organisation_id)
                   .with_match_count(user)[:5])
        new = (Match.objects.visible_to(user).filter(status="suggested", rank__isnull=False)
               .select_related("demand", "patent").order_by("-created_at", "rank")[:5])
        return [("matching/panels/enterprise.html", {"demands": demands, "matches": new})]
    if user.role == "supplier":
        matches = (Match.objects.visible_to(user).exclude(status="dropped")
                   .select_related("demand__enterprise", "patent").order_by("-created_at", "-score")[:8])
        return [("matching/panels/supplier.html", {"matches": matches})]
    return []
