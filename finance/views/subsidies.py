"""Subsidy pages: the enterprise applies with its evidence and sees the amount explained term by term; the
county verifies, the city approves and records payment; the approved application prints its notice (补贴通知书)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.pdf import pdf_response
from portal.scoping import get_visible_or_404
from portal.views.mixins import FilteredListView

from .. import selectors
from ..filters import SubsidyFilter
from ..forms import DecisionForm, PaymentForm, SubsidyForm
from ..models import Loan, LoanStatus, SubsidyApplication, SubsidyEvidence, SubsidyStatus
from ..money import amount_in_words
from ..services.subsidies import subsidy_apply, subsidy_pay, subsidy_transition
from ..workflow import SUBSIDY_TRANSITIONS, available_actions
from .common import ENTERPRISE, REFUSALS, SUBSIDY_READERS, message_of, require_role, show_errors


class SubsidyListView(FilteredListView):
    model = SubsidyApplication
    filterset_class = SubsidyFilter
    roles = SUBSIDY_READERS
    template_name = "finance/subsidy_list.html"

    def base_queryset(self):
        return selectors.subsidy_list(user=self.request.user)


def _own_loans(user):
    return (Loan.objects.filter(enterprise_id=user.organisation_id).exclude(status=LoanStatus.OVERDUE)
            .select_related("bank").order_by("-start_on"))


@login_required
def subsidy_create(request):
    require_role(request, ENTERPRISE)
    loans = _own_loans(request.user)
    if request.method == "POST":
        form = SubsidyForm(request.POST, request.FILES, loans=loans)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = subsidy_apply(
                    user=request.user, loan=data["loan"], period_from=data["period_from"],
                    period_to=data["period_to"], interest_paid=data["interest_paid"],
                    evaluation_fee=data["evaluation_fee"], insurance_fee=data["insurance_fee"],
                    guarantee_fee=data["guarantee_fee"], evidence=form.evidence())
            except REFUSALS as error:
                show_errors(form, error)
            else:
                messages.success(request, "补贴申请已提交，等待县级核实。")
                return redirect("finance:subsidy-detail", pk=application.pk)
    else:
        form = SubsidyForm(loans=loans, initial={"loan": request.GET.get("loan")})
    return render(request, "finance/subsidy_form.html", {"form": form, "has_loans": loans.exists()})


def _application(request, pk) -> SubsidyApplication:
    require_role(request, SUBSIDY_READERS)
    return get_visible_or_404(SubsidyApplication.objects.select_related(
        "enterprise", "region", "loan__bank", "loan__pledge", "policy"), request.user, pk=pk)


@login_required
def subsidy_detail(request, pk):
    application = _application(request, pk)
    actions = available_actions(SUBSIDY_TRANSITIONS, request.user, application)
    return render(request, "finance/subsidy_detail.html", {
        "application": application, "actions": [a for a in actions if a.target != SubsidyStatus.PAID],
        "can_pay": any(a.target == SubsidyStatus.PAID for a in actions),
        "decision_form": DecisionForm(), "payment_form": PaymentForm(initial={"paid_on": timezone.localdate()}),
        "evidence": application.evidence.all(),
        "transitions": application.transitions.select_related("actor"),
        "computation": application.computation,
    })


@login_required
@require_POST
def subsidy_decide(request, pk):
    application = _application(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        subsidy_transition(application=application, to=request.POST.get("to", ""), user=request.user,
                           comment=form.cleaned_data.get("comment", ""))
    except REFUSALS as error:
        messages.error(request, message_of(error))
    else:
        application.refresh_from_db()
        messages.success(request, f"已处理：{application.get_status_display()}。")
    return redirect("finance:subsidy-detail", pk=pk)


@login_required
@require_POST
def subsidy_pay_view(request, pk):
    application = _application(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            subsidy_pay(application=application, user=request.user, **form.cleaned_data)
        except REFUSALS as error:
            messages.error(request, message_of(error))
        else:
            messages.success(request, "拨付已登记。")
    else:
        messages.error(request, "请填写拨付日期和凭证号。")
    return redirect("finance:subsidy-detail", pk=pk)


@login_required
def subsidy_notice(request, pk):
    application = _application(request, pk)
    if application.status not in (SubsidyStatus.APPROVED, SubsidyStatus.PAID):
        raise Http404("补贴尚未批准，暂无通知书")
    decision = (application.transitions.filter(to_status=SubsidyStatus.APPROVED).select_related("actor__organisation")
                .order_by("-created_at").first())
    return pdf_response("finance/pdf/subsidy_notice.html", {
        "application": application, "amount_words": amount_in_words(application.granted_amount),
        "decision": decision, "issuer": decision.actor.organisation.name if decision and decision.actor and
        decision.actor.organisation else "", "computation": application.computation,
    }, filename=f"补贴通知书-{application.notice_number}.pdf", request=request)


@login_required
def evidence_download(request, pk):
    require_role(request, SUBSIDY_READERS)
    evidence = get_visible_or_404(SubsidyEvidence.objects, request.user, pk=pk)
    try:  # a file gone from storage is missing, not a server error
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("文件不存在") from exc
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)
