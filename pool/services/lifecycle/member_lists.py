"""Scoped reads of the member pages (selectors): the member list, the replenishment ledger with its balance per
scope, the follow-up milestones and the counts of the home panels. Every read goes through ``visible_to``; each
list reads a fixed number of queries whatever its length."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from portal.models import User

from ...lifecycle.policy import ReplenishmentScope
from ...lifecycle.workflow import MembershipStatus
from ...models import FollowUpMilestone, Membership, ReplenishmentEntry

#: Who reads the member pages: the enterprise its own membership, the bureaus their region's.
MEMBER_ROLES = ("enterprise", "county", "city", "province", "admin")
#: Who reads the replenishment ledger (a bureau's business; an enterprise has no ledger).
LEDGER_ROLES = ("county", "city", "province", "admin")
SCOPE_LABELS = dict(ReplenishmentScope.CHOICES)
MEMBER_FIELDS = ("pk", "enterprise_id", "enterprise_name", "uscc", "region_id", "region__name", "batch_id",
                 "batch__name", "policy_code", "status", "admitted_on", "replenishment", "status_changed_on")


def member_list(*, user: User):
    return (Membership.objects.visible_to(user).select_related("region", "batch")
            .only(*[f for f in MEMBER_FIELDS if f != "pk"]).order_by("-admitted_on", "-pk"))


def member_detail_queryset():
    return Membership.objects.select_related("region", "batch", "criteria_set", "application")


def own_memberships(*, user: User):
    """The enterprise's own memberships, newest first (an enterprise admitted twice has two)."""
    if user.organisation_id is None:
        return Membership.objects.none()
    return Membership.objects.filter(enterprise_id=user.organisation_id).order_by("-admitted_on", "-pk")


def member_counts(*, user: User) -> dict:
    """Members the user may see, by status (one query)."""
    aggregates = {value: Count("pk", filter=Q(status=value)) for value, _ in MembershipStatus.CHOICES}
    row = Membership.objects.visible_to(user).aggregate(total=Count("pk"), **aggregates)
    return {"total": row["total"],
            "by_status": [(value, label, row[value]) for value, label in MembershipStatus.CHOICES]}


def ledger_lines(*, user: User):
    return (ReplenishmentEntry.objects.visible_to(user)
            .select_related("scope_region", "membership", "graduation", "admission__batch")
            .order_by("-entered_on", "-pk"))


def ledger_balances(*, user: User) -> list[dict]:
    """Each scope the user may see with its graduations, places earned and used and places left (never below 0),
    in one grouped query. Like ``ledger_summary`` of the foundation, for every scope at once."""
    rows = (ReplenishmentEntry.objects.visible_to(user).order_by()
            .values("scope_region", "scope_region__name", "scope")
            .annotate(earned=Sum("places", filter=Q(places__gt=0)), graduations=Count("pk", filter=Q(places__gt=0)),
                      used=Sum("places", filter=Q(places__lt=0)))
            .order_by("scope_region"))
    balances = []
    for row in rows:
        earned, used = row["earned"] or 0, -(row["used"] or 0)
        balances.append({"scope_region": row["scope_region"], "name": row["scope_region__name"],
                         "scope": row["scope"], "scope_label": SCOPE_LABELS.get(row["scope"], row["scope"]),
                         "graduations": row["graduations"], "earned": earned, "used": used,
                         "available": max(earned - used, 0)})
    return balances


def ledger_totals(balances: list[dict]) -> dict:
    return {key: sum(b[key] for b in balances) for key in ("graduations", "earned", "used", "available")}


def milestone_list(*, user: User):
    return (FollowUpMilestone.objects.visible_to(user)
            .select_related("membership__region", "recorded_by").order_by("-obtained_on", "-pk"))


ENTERPRISE_NEXT = {
    MembershipStatus.CULTIVATING: "请按时填报年度监测报告。入库后新增专利密集型产品备案，或认定产品销售额与利润均明显增长，"
                                  "经评估可出库；入库满期限仍无实质进展的，将被建议退库。",
    MembershipStatus.GRADUATED: "贵企业已出库，继续享受培育库支持政策，并将转入接续培育。",
    MembershipStatus.FOLLOW_UP: "接续培育中：取得专精特新“小巨人”、制造业单项冠军等资质后，请在培育档案中登记。",
    MembershipStatus.REMOVED: "贵企业已退库，理由见培育档案；对决定有异议的，可在申诉期内提出申诉。",
}


def member_home_panels(user: User) -> list[tuple[str, dict]]:
    """The home panels of the member pages: the enterprise its membership and what to do; a county its members by
    status; a city and the province the replenishment ledger and their members by status."""
    if not user.is_authenticated or user.role not in MEMBER_ROLES:
        return []
    if user.role == "enterprise":
        membership = own_memberships(user=user).select_related("batch").first()
        if membership is None:
            return []
        return [("pool/members/_home_enterprise.html", {
            "membership": membership, "next": ENTERPRISE_NEXT.get(membership.status, ""),
            "no_progress_from": _no_progress_from(membership)})]
    balances = ledger_balances(user=user)
    return [("pool/members/_home_bureau.html", {
        "counts": member_counts(user=user), "balances": balances, "totals": ledger_totals(balances),
        "by_county": user.role == "county"})]


def _no_progress_from(membership: Membership):
    """The day from which a cultivating member without progress is proposed for removal (its policy's period)."""
    if membership.status != MembershipStatus.CULTIVATING:
        return None
    from ...lifecycle.rules import anniversary
    from .policies import NoPolicy, current_policy, rules_of

    try:
        rules = rules_of(current_policy(membership.policy_code))
    except NoPolicy:
        return None
    return anniversary(membership.admitted_on, rules.no_progress_years)
