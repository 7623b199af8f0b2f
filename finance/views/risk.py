"""Risk compensation pages: a bank claims on an overdue whitelist loan; the bureau holding the fund decides;
the fund's balance and movements."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.scoping import get_visible_or_404
from portal.views.mixins import FilteredListView

from .. import selectors
from ..filters import ClaimFilter
from ..forms import ClaimForm, DecisionForm, DepositForm
from ..models import ClaimStatus, Loan, LoanStatus, RiskClaim, RiskFund
from ..services.risk import claim_approve, claim_reject, claim_submit, fund_deposit
from ..workflow import CLAIM_TRANSITIONS, available_actions
from .common import BANK, CLAIM_READERS, REFUSALS, message_of, require_role, show_errors


class ClaimListView(FilteredListView):
    model = RiskClaim
    filterset_class = ClaimFilter
    roles = CLAIM_READERS
    template_name = "finance/claim_list.html"

    def base_queryset(self):
        return selectors.claim_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["funds"] = selectors.fund_list(user=self.request.user)
        return context


@login_required
def claim_create(request):
    require_role(request, BANK)
    loans = (Loan.objects.filter(bank_id=request.user.organisation_id, status=LoanStatus.OVERDUE)
             .select_related("case").order_by("overdue_since"))
    if request.method == "POST":
        form = ClaimForm(request.POST, loans=loans)
        if form.is_valid():
            try:
                claim = claim_submit(user=request.user, loan=form.cleaned_data["loan"],
                                     loss_amount=form.cleaned_data["loss_amount"])
            except REFUSALS as error:
                show_errors(form, error)
            else:
                messages.success(request, "风险补偿申请已提交。")
                return redirect("finance:claim-detail", pk=claim.pk)
    else:
        form = ClaimForm(loans=loans, initial={"loan": request.GET.get("loan")})
    return render(request, "finance/claim_form.html", {"form": form, "has_loans": loans.exists()})


def _claim(request, pk) -> RiskClaim:
    require_role(request, CLAIM_READERS)
    return get_visible_or_404(RiskClaim.objects.select_related("bank", "loan__case", "fund", "region", "policy",
                                                              "decided_by"), request.user, pk=pk)


@login_required
def claim_detail(request, pk):
    claim = _claim(request, pk)
    return render(request, "finance/claim_detail.html", {
        "claim": claim, "actions": available_actions(CLAIM_TRANSITIONS, request.user, claim),
        "decision_form": DecisionForm()})


@login_required
@require_POST
def claim_decide(request, pk):
    claim = _claim(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if request.POST.get("to") == ClaimStatus.APPROVED:
            claim_approve(claim=claim, user=request.user, comment=comment)
        else:
            claim_reject(claim=claim, user=request.user, comment=comment)
    except REFUSALS as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, "已处理。")
    return redirect("finance:claim-detail", pk=pk)


@login_required
def fund_detail(request, pk):
    require_role(request, CLAIM_READERS)
    fund = get_visible_or_404(RiskFund.objects.select_related("region"), request.user, pk=pk)
    can_deposit = request.user.role in ("city", "province") and request.user.region.code == fund.region_id
    return render(request, "finance/fund_detail.html", {
        "fund": fund, "movements": fund.movements.select_related("actor", "claim")[:50],
        "deposit_form": DepositForm() if can_deposit else None})


@login_required
@require_POST
def fund_deposit_view(request, pk):
    require_role(request, ("city", "province"))
    fund = get_visible_or_404(RiskFund.objects, request.user, pk=pk)
    form = DepositForm(request.POST)
    if form.is_valid():
        try:
            fund_deposit(fund=fund, user=request.user, **form.cleaned_data)
        except REFUSALS as error:
            messages.error(request, message_of(error))
        else:
            messages.success(request, "资金已注入。")
    else:
        messages.error(request, "请填写注入金额。")
    return redirect("finance:fund-detail", pk=pk)
