"""Scoped reads of the finance app (every one goes through ``visible_to``)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from portal.models import User

from .models import (
    BankCase,
    Candidate,
    Consent,
    FinancingNeed,
    Loan,
    Lookup,
    NeedStatus,
    PledgeRegistration,
    Publication,
    PublicationEntry,
    RiskClaim,
    RiskFund,
    SubsidyApplication,
    Whitelist,
)


def need_list(*, user: User):
    return FinancingNeed.objects.visible_to(user).select_related("enterprise", "region", "membership")


def consent_list(*, user: User):
    return Consent.objects.visible_to(user).select_related("enterprise", "region", "policy").prefetch_related(
        "banks")


def whitelist_list(*, user: User):
    return Whitelist.objects.visible_to(user).select_related("region", "policy", "job", "created_by",
                                                             "publication")


def candidate_list(*, user: User, whitelist: Whitelist):
    return Candidate.objects.visible_to(user).filter(whitelist=whitelist).select_related("region")


def publication_list(*, user: User):
    queryset = Publication.objects.visible_to(user).select_related("region", "published_by")
    if user.role == "bank":
        # The bank's own count: entries it may still read (a revoked consent hides a row).
        from .models.whitelists import bank_entry_q

        queryset = queryset.annotate(visible_count=Count("entries", filter=bank_entry_q(user.organisation_id,
                                                                                      "entries__")))
    else:
        queryset = queryset.annotate(visible_count=Count("entries"))
    return queryset.order_by("-published_at", "-id")  # a grouped query ignores Meta.ordering


def publication_detail_queryset(user: User):
    return Publication.objects.visible_to(user).select_related("region", "published_by", "policy", "previous")


def entries_for(user: User, publication: Publication):
    """The rows of ``publication`` the user may read (a bank: under consent in force that covers it)."""
    entries = PublicationEntry.objects.filter(publication=publication)
    if user.role == "bank":
        entries = entries.for_bank(user.organisation_id)
    return entries.select_related("region").order_by("position")


def case_list(*, user: User):
    return (BankCase.objects.visible_to(user).select_related("bank", "region", "entry__publication")
            .annotate(loan_count=Count("loans")).order_by("-updated_at", "-id"))


def loan_list(*, user: User):
    return Loan.objects.visible_to(user).select_related("bank", "region", "case", "pledge")


def pledge_list(*, user: User):
    return PledgeRegistration.objects.visible_to(user).select_related("bank", "region", "loan")


def lookup_list(*, user: User):
    return Lookup.objects.visible_to(user).select_related("bank", "user")


def subsidy_list(*, user: User):
    return SubsidyApplication.objects.visible_to(user).select_related("enterprise", "region", "loan__bank")


def claim_list(*, user: User):
    return RiskClaim.objects.visible_to(user).select_related("bank", "region", "loan", "fund")


def fund_list(*, user: User):
    return RiskFund.objects.visible_to(user).select_related("region")


def enterprise_overview(enterprise) -> dict:
    """What the enterprise sees of its own financing: its open need, consent in force, whitelist entries (the
    newest first), cases and loans with pledges."""
    from .services.needs import consent_in_force

    return {
        "need": FinancingNeed.objects.filter(enterprise=enterprise, status=NeedStatus.OPEN).first(),
        "consent": consent_in_force(enterprise),
        "entries": list(PublicationEntry.objects.filter(enterprise=enterprise).select_related("publication")
                        .order_by("-publication__published_at")[:5]),
        "cases": list(BankCase.objects.filter(enterprise=enterprise).select_related("bank").prefetch_related(
            Prefetch("loans", queryset=Loan.objects.select_related("pledge").order_by("-start_on")))),
    }


def bank_home(user: User) -> dict:
    publications = list(publication_list(user=user).order_by("-published_at")[:5])
    cases = BankCase.objects.visible_to(user).aggregate(
        total=Count("pk"), credited=Count("pk", filter=Q(credit_amount__isnull=False)))
    return {"publications": publications, "cases": cases}
