"""The enterprise's pages: its financing overview (need, consent, whitelist status rule by rule, banks' feedback,
subsidies), declaring the need, giving and revoking consent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import selectors
from ..forms import ConsentForm, NeedForm
from ..models import SubsidyApplication
from ..services.generation import evaluate_member
from ..services.needs import (
    available_assets,
    consent_give,
    consent_in_force,
    consent_revoke,
    current_membership,
    eligible_membership,
    need_declare,
    partner_banks_for,
)
from ..services.policies import NoPolicy, rules_for
from ..services.publications import candidate_for_enterprise
from .common import ENTERPRISE, REFUSALS, ip_of, message_of, require_role, show_errors


def _membership_row(membership) -> dict:
    return {"pk": membership.pk, "enterprise_id": membership.enterprise_id, "region_id": membership.region_id,
            "enterprise_name": membership.enterprise_name, "uscc": membership.uscc, "status": membership.status,
            "admitted_on": membership.admitted_on}


@login_required
def financing_home(request):
    require_role(request, ENTERPRISE)
    enterprise = request.user.organisation
    membership = current_membership(enterprise)
    context = {"membership": membership, **selectors.enterprise_overview(enterprise),
               "candidate": candidate_for_enterprise(enterprise),
               "subsidies": SubsidyApplication.objects.filter(enterprise=enterprise).select_related("loan")[:10]}
    if membership is not None:
        try:
            _policy, rules = rules_for(membership.region_id)
            context["precheck"] = [o.as_dict() for o in evaluate_member(
                _membership_row(membership), rules.whitelist, timezone.localdate())]
            context["policy"] = _policy
        except NoPolicy as error:
            context["policy_error"] = str(error)
    return render(request, "finance/enterprise_home.html", context)


@login_required
def need_edit(request):
    require_role(request, ENTERPRISE)
    enterprise = request.user.organisation
    try:
        membership = eligible_membership(enterprise)
    except REFUSALS as error:
        messages.error(request, message_of(error))
        return redirect("finance:my")
    available = available_assets(membership)
    need = selectors.enterprise_overview(enterprise)["need"]
    if request.method == "POST":
        form = NeedForm(request.POST, available=available)
        if form.is_valid():
            data = form.cleaned_data
            try:
                need_declare(user=request.user, amount=data["amount"], purpose=data["purpose"],
                             term_months=data["term_months"], growth_stage=data["growth_stage"],
                             asset_keys=data["assets"])
            except REFUSALS as error:
                show_errors(form, error)
            else:
                messages.success(request, "融资需求已保存。")
                return redirect("finance:my")
    else:
        initial = {}
        if need is not None:
            initial = {"amount": need.amount, "purpose": need.purpose, "term_months": need.term_months,
                       "growth_stage": need.growth_stage,
                       "assets": [f"{a['kind']}:{a['number']}" for a in need.pledge_assets]}
        form = NeedForm(initial=initial, available=available)
    return render(request, "finance/need_form.html", {"form": form, "need": need, "membership": membership})


@login_required
def consent_view(request):
    require_role(request, ENTERPRISE)
    enterprise = request.user.organisation
    try:
        policy, rules = rules_for(enterprise.region_id)
    except NoPolicy as error:
        messages.error(request, str(error))
        return redirect("finance:my")
    banks = partner_banks_for(enterprise.region_id)
    if request.method == "POST":
        form = ConsentForm(request.POST, banks=banks)
        if form.is_valid():
            try:
                consent_give(user=request.user, all_banks=form.cleaned_data["scope"] == "all",
                             banks=list(form.cleaned_data["banks"]), ip_address=ip_of(request))
            except REFUSALS as error:
                show_errors(form, error)
            else:
                messages.success(request, "授权已记录。您可随时撤回。")
                return redirect("finance:my")
    else:
        form = ConsentForm(banks=banks)
    return render(request, "finance/consent_form.html", {
        "form": form, "policy": policy, "consent_text": rules.consent, "current": consent_in_force(enterprise)})


@login_required
@require_POST
def consent_revoke_view(request):
    require_role(request, ENTERPRISE)
    try:
        consent_revoke(user=request.user, ip_address=ip_of(request))
    except REFUSALS as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, "授权已撤回：新发布的白名单不再包含贵企业，银行已不能查看贵企业的信息。")
    return redirect("finance:my")
