"""Published whitelists: the list (a bank sees only those addressed to it), one publication with its entries and
what changed, the Excel and PDF downloads (each recorded and audited), and the page of one whitelist enterprise
where a bank records its feedback."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.models import Organisation
from portal.pdf import pdf_response
from portal.scoping import get_visible_or_404
from portal.views.exports import export_response
from portal.views.mixins import FilteredListView

from .. import selectors
from ..exports import PublicationExporter
from ..filters import EntryFilter, PublicationFilter
from ..forms import ContactForm, CreditForm, LoanForm, LoanStatusForm, PledgeForm
from ..models import BankCase, Loan, Publication, PublicationDownload, PublicationEntry
from ..services.feedback import (
    case_contact,
    credit_grant,
    loan_issue,
    loan_status_report,
    pledge_register,
    visible_entry,
)
from ..services.publications import change_summary, publication_download
from .common import BANK, BUREAUS, REFUSALS, ip_of, require_role, show_errors

PUBLICATION_READERS = ("bank", "city", "province", "admin")


class PublicationListView(FilteredListView):
    """授信企业白名单 — a bank: those addressed to it; a bureau: those its region published."""

    model = Publication
    filterset_class = PublicationFilter
    roles = PUBLICATION_READERS
    template_name = "finance/publication_list.html"

    def base_queryset(self):
        return selectors.publication_list(user=self.request.user)


def _publication(request, pk) -> Publication:
    require_role(request, PUBLICATION_READERS)
    return get_visible_or_404(selectors.publication_detail_queryset(request.user), request.user, pk=pk)


@login_required
def publication_detail(request, pk):
    publication = _publication(request, pk)
    entries = selectors.entries_for(request.user, publication)
    filterset = EntryFilter(request.GET or None, queryset=entries, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    is_bank = request.user.role == "bank"
    context = {
        "publication": publication, "filter": filterset, "page_obj": page, "entries": page.object_list,
        "is_paginated": page.has_other_pages(), "querystring": query.urlencode(), "is_bank": is_bank,
        "summary": change_summary(publication.changes), "visible_count": entries.count(),
        "recipients": publication.recipients.select_related("bank").order_by("bank__name"),
    }
    if is_bank:
        context["cases"] = dict(BankCase.objects.filter(bank_id=request.user.organisation_id, enterprise_id__in=[
            e.enterprise_id for e in page.object_list]).values_list("enterprise_id", "pk"))
    else:
        context["downloads"] = (PublicationDownload.objects.filter(publication=publication)
                                .select_related("bank", "user")[:20])
    return render(request, "finance/publication_detail.html", context)


@login_required
def publication_excel(request, pk):
    publication = _publication(request, pk)
    download = publication_download(publication=publication, user=request.user, file_format="xlsx",
                                    ip_address=ip_of(request))
    return export_response(PublicationExporter(user=request.user, params={"download": download.pk}))


@login_required
def publication_pdf(request, pk):
    publication = _publication(request, pk)
    download = publication_download(publication=publication, user=request.user, file_format="pdf",
                                    ip_address=ip_of(request))
    wanted = set(download.entry_ids)
    entries = [e for e in PublicationEntry.objects.filter(publication=publication).order_by("position")
               if e.pk in wanted]
    bank = request.user.organisation if request.user.role == "bank" else None
    return pdf_response("finance/pdf/publication_letter.html", {
        "publication": publication, "entries": entries, "bank": bank, "today": timezone.localdate(),
        "recipients": [r.bank.name for r in publication.recipients.select_related("bank")],
    }, filename=f"{publication.title}.pdf", request=request)


def _bank_entry(request, enterprise_pk) -> PublicationEntry:
    """The bank's newest entry of the enterprise; an enterprise not on its whitelists (or that revoked consent)
    answers 404, exactly like one that does not exist."""
    entry = visible_entry(request.user.organisation_id, enterprise_pk)
    if entry is None:
        raise Http404("未找到该企业")
    return entry


@login_required
def enterprise_detail(request, pk):
    """One whitelist enterprise: for a bank, its entry and the bank's own feedback with the forms; for a bureau,
    every bank's feedback of its region."""
    role = request.user.role
    if role == "bank":
        entry = _bank_entry(request, pk)
        case = BankCase.objects.filter(bank_id=request.user.organisation_id, enterprise_id=pk).first()
        loans = list(Loan.objects.filter(case=case).select_related("pledge").order_by("-start_on")) if case else []
        return render(request, "finance/enterprise_detail.html", {
            "entry": entry, "case": case, "loans": loans, "is_bank": True,
            "contact_form": ContactForm(initial={"contacted_on": timezone.localdate()}),
            "credit_form": CreditForm(), "loan_form": LoanForm(),
            "pledge_form": PledgeForm(),
            "status_form": LoanStatusForm()})
    require_role(request, BUREAUS)
    enterprise = get_visible_or_404(Organisation.objects, request.user, pk=pk)
    cases = (BankCase.objects.visible_to(request.user).filter(enterprise=enterprise).select_related("bank")
             .prefetch_related("loans__pledge"))
    entries = list(PublicationEntry.objects.filter(enterprise=enterprise).select_related("publication")
                   .order_by("-publication__published_at")[:10])
    # A county reads that its enterprise is on the city's whitelist, but opens only publications it may see.
    readable = set(Publication.objects.visible_to(request.user).filter(
        pk__in=[e.publication_id for e in entries]).values_list("pk", flat=True))
    for entry in entries:
        entry.readable = entry.publication_id in readable
    return render(request, "finance/enterprise_detail.html", {
        "enterprise": enterprise, "cases": cases, "is_bank": False, "entries": entries})


@login_required
@require_POST
def enterprise_feedback(request, pk, step):
    """The bank's forms on the enterprise page: contact, credit line, loan."""
    require_role(request, BANK)
    entry = _bank_entry(request, pk)
    forms = {"contact": ContactForm, "credit": CreditForm, "loan": LoanForm}
    if step not in forms:
        raise Http404("页面不存在")
    form = forms[step](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "contact":
                case_contact(user=request.user, enterprise=entry.enterprise, **data)
                messages.success(request, "对接情况已登记。")
            elif step == "credit":
                credit_grant(user=request.user, enterprise=entry.enterprise, amount=data["credit_amount"],
                             granted_on=data["credit_granted_on"])
                messages.success(request, "授信情况已登记。")
            else:
                loan_issue(user=request.user, enterprise=entry.enterprise, **data)
                messages.success(request, f"贷款 {data['contract_no']} 已登记。")
        except REFUSALS as error:
            show_errors(form, error)
    if form.errors:
        messages.error(request, "未登记：" + "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("finance:enterprise-detail", pk=pk)


@login_required
@require_POST
def loan_feedback(request, pk, step):
    """The bank's forms on one of its loans: pledge registration, repayment status."""
    require_role(request, BANK)
    loan = get_visible_or_404(Loan.objects, request.user, pk=pk)
    if step == "pledge":
        form = PledgeForm(request.POST)
    elif step == "status":
        form = LoanStatusForm(request.POST)
    else:
        raise Http404("页面不存在")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "pledge":
                pledge_register(user=request.user, loan=loan, registration_no=data["registration_no"],
                                registered_on=data["registered_on"], pledged_assets=data["pledged_assets"],
                                pledged_value=data["pledged_value"])
                messages.success(request, f"质押登记 {data['registration_no']} 已登记。")
            else:
                loan_status_report(user=request.user, loan=loan, status=data["status"], on=data["on"])
                messages.success(request, "还款状态已更新。")
        except REFUSALS as error:
            show_errors(form, error)
    if form.errors:
        messages.error(request, "未登记：" + "；".join(e for errors in form.errors.values() for e in errors))
    if visible_entry(request.user.organisation_id, loan.enterprise_id) is None:
        return redirect("finance:loan-list")
    return redirect("finance:enterprise-detail", pk=loan.enterprise_id)
