"""Menu items and the enterprise's home panel."""

from portal.navigation import nav

NAV_GROUP = "申报审核"
LIFECYCLE = "培育库"

NAV_ITEMS = [
    nav("申报批次", "pool:batch-list", "enterprise county city province admin", order=10),
    nav("我的申报", "pool:application-list", "enterprise", order=12),
    nav("申报列表", "pool:application-list", "county city province admin", order=20),
    nav("审核队列", "pool:review-queue", "county city province admin", order=21),
    nav("推荐排序", "pool:ranking", "city province admin", order=22),
    nav("标准修订模拟", "pool:draft-list", "province", order=41),
    nav("我的培育档案", "pool:membership-mine", "enterprise", order=30, group=LIFECYCLE),
    nav("入库企业", "pool:membership-list", "county city province admin", order=30, group=LIFECYCLE),
    nav("增补名额台账", "pool:ledger", "county city province admin", order=36, group=LIFECYCLE),
    nav("接续培育", "pool:milestone-list", "county city province admin", order=37, group=LIFECYCLE),
    nav("年度监测", "pool:monitoring-mine", "enterprise", order=31, group=LIFECYCLE),
    nav("年度监测", "pool:monitoring-summary", "county city province admin", order=32, group=LIFECYCLE),
    nav("出库退库建议", "pool:proposal-list", "county city province admin", order=34, group=LIFECYCLE),
]


def home_panels(user) -> list[tuple[str, dict]]:
    from .services.lifecycle.member_lists import member_home_panels
    from .services.lifecycle.monitoring import monitoring_home_panels
    from .services.lifecycle.proposals import proposal_home_panels

    return [*application_panels(user), *member_home_panels(user), *monitoring_home_panels(user),
            *proposal_home_panels(user)]


def application_panels(user) -> list[tuple[str, dict]]:
    if not user.is_authenticated or user.role != "enterprise":
        return []
    from .models import Batch
    from .selectors import enterprise_applications

    applications = list(enterprise_applications(user=user)[:3])
    applied = {a.batch_id for a in applications}
    open_batches = [b for b in Batch.objects.visible_to(user).open_on() if b.pk not in applied]
    return [("pool/_home_enterprise.html", {"applications": applications, "open_batches": open_batches})]
