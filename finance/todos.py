"""What waits for each person in pledge financing, for the home page's to-do list (``portal.navigation``)."""

from __future__ import annotations

from django.db.models import Count, Exists, Min, OuterRef
from django.urls import reverse

from portal.navigation import Todo

from .models import (
    BankCase,
    ClaimStatus,
    PublicationEntry,
    RiskClaim,
    SubsidyApplication,
    SubsidyStatus,
    Whitelist,
)


def _subsidies(user, status: str, label: str) -> Todo:
    row = (SubsidyApplication.objects.visible_to(user).filter(status=status)
           .aggregate(n=Count("pk"), since=Min("created_at")))
    return Todo(label, row["n"], f"{reverse('finance:subsidy-list')}?status={status}", since=row["since"])


def _bank(user) -> list[Todo]:
    bank_id = user.organisation_id
    handled = BankCase.objects.filter(bank_id=bank_id, enterprise_id=OuterRef("enterprise_id"))
    waiting = (PublicationEntry.objects.for_bank(bank_id).filter(~Exists(handled))
               .aggregate(n=Count("enterprise_id", distinct=True), since=Min("publication__published_at")))
    return [Todo("白名单中尚未登记对接情况的企业", waiting["n"], reverse("finance:publication-list"),
                 since=waiting["since"])]


def todo_items(user) -> list[Todo]:
    role = user.role
    if role == "bank" and user.organisation_id:
        return _bank(user)
    if role == "county":
        return [_subsidies(user, SubsidyStatus.SUBMITTED, "待核实的质押融资补贴申请")]
    if role not in ("city", "province"):
        return []
    drafts = Whitelist.objects.visible_to(user).filter(status="draft").aggregate(n=Count("pk"),
                                                                                 since=Min("generated_at"))
    claims = (RiskClaim.objects.filter(fund__region_id=user.region.code, status=ClaimStatus.SUBMITTED)
              .aggregate(n=Count("pk"), since=Min("created_at")))
    return [
        Todo("待审核发布的白名单草稿", drafts["n"], reverse("finance:whitelist-list"), since=drafts["since"]),
        _subsidies(user, SubsidyStatus.COUNTY_VERIFIED, "待审批的质押融资补贴申请"),
        _subsidies(user, SubsidyStatus.APPROVED, "已批准待登记拨付的补贴"),
        Todo("待决定的风险补偿申请", claims["n"], f"{reverse('finance:claim-list')}?status=submitted",
             since=claims["since"]),
    ]
