"""标准修订模拟 for the lifecycle policy: drafts of a policy version, their simulation over the members it
governs and publishing. 404 to anybody but the province."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ..lifecycle.policy import ReplenishmentScope
from ..models import LifecycleDraft, LifecyclePolicy, LifecycleSimulation
from ..models.what_if import DraftStatus
from ..services.what_if.drafts import fingerprint
from ..services.what_if.lifecycle import (
    lifecycle_draft_create,
    lifecycle_draft_discard,
    lifecycle_draft_publish,
    lifecycle_draft_update,
    lifecycle_simulation_start,
    seen_lifecycle_simulation,
)
from ..what_if_forms import LifecycleDraftForm
from .what_if import _require, _show_errors

LABELS = {
    "growth_threshold": "出库增长幅度", "require_rate_improved": "须产业化率提升", "rate_margin": "产业化率提升幅度",
    "no_progress_years": "无实质进展年数", "replenishment_factor": "增补倍数", "replenishment_scope": "增补核算范围",
    "appeal_days": "申诉期（天）",
}


def _draft(request, pk) -> LifecycleDraft:
    _require(request)
    return get_object_or_404(LifecycleDraft.objects.visible_to(request.user).select_related("base"), pk=pk)


def _text(key: str, value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in LifecycleDraftForm.PERCENTS:
        return f"{Decimal(str(value)) * 100:g}%"
    return str(dict(ReplenishmentScope.CHOICES).get(value, value))


def _differences(draft: LifecycleDraft) -> list[tuple[str, str, str]]:
    base = draft.base.parameters
    return [(label, _text(key, base.get(key)), _text(key, draft.parameters.get(key))) for key, label in LABELS.items()
            if base.get(key) != draft.parameters.get(key)]


@login_required
@require_POST
def lifecycle_draft_new(request):
    _require(request)
    base = get_object_or_404(LifecyclePolicy.objects.filter(is_active=True), pk=request.POST.get("base") or 0)
    draft = lifecycle_draft_create(user=request.user, base=base)
    messages.success(request, "已根据所选规则版本建立草案，请修改参数。")
    return redirect("pool:lifecycle-draft-edit", pk=draft.pk)


@login_required
@require_http_methods(["GET", "POST"])
def lifecycle_draft_edit(request, pk):
    draft = _draft(request, pk)
    if draft.status != DraftStatus.DRAFT:
        return redirect("pool:lifecycle-draft-detail", pk=draft.pk)
    form = LifecycleDraftForm(request.POST or None, draft=draft)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle_draft_update(user=request.user, draft=draft, name=form.cleaned_data["name"],
                                   parameters=form.to_parameters())
        except ValidationError as error:
            _show_errors(request, form, error)
        else:
            messages.success(request, "草案已保存。草案不会用于正式评价；请先模拟测算，再决定是否发布。")
            return redirect("pool:lifecycle-draft-detail", pk=draft.pk)
    return render(request, "pool/what_if/lifecycle_draft_form.html", {"draft": draft, "form": form})


@login_required
def lifecycle_draft_detail(request, pk):
    draft = _draft(request, pk)
    editable = draft.status == DraftStatus.DRAFT
    return render(request, "pool/what_if/lifecycle_draft_detail.html", {
        "draft": draft, "differences": _differences(draft), "editable": editable,
        "simulations": LifecycleSimulation.objects.filter(draft=draft).select_related("job", "started_by"),
        "seen": seen_lifecycle_simulation(draft) if editable else draft.simulation_seen})


@login_required
@require_POST
def lifecycle_simulation_new(request, pk):
    draft = _draft(request, pk)
    try:
        simulation = lifecycle_simulation_start(user=request.user, draft=draft)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("pool:lifecycle-draft-detail", pk=draft.pk)
    return redirect("pool:lifecycle-simulation-detail", pk=simulation.pk)


@login_required
def lifecycle_simulation_detail(request, pk):
    _require(request)
    simulation = get_object_or_404(LifecycleSimulation.objects.visible_to(request.user)
                                   .select_related("draft", "base", "job", "started_by"), pk=pk)
    current = simulation.fingerprint == fingerprint(simulation.draft.parameters, {})
    return render(request, "pool/what_if/lifecycle_simulation_detail.html",
                  {"simulation": simulation, "summary": simulation.summary, "current": current})


@login_required
@require_http_methods(["GET", "POST"])
def lifecycle_draft_publish_view(request, pk):
    draft = _draft(request, pk)
    if draft.status != DraftStatus.DRAFT:
        return redirect("pool:lifecycle-draft-detail", pk=draft.pk)
    if request.method == "POST":
        try:
            published = lifecycle_draft_publish(user=request.user, draft=draft)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已发布为“{published}”，此后的年度评价按新版本进行。")
        return redirect("pool:lifecycle-draft-detail", pk=draft.pk)
    return render(request, "pool/what_if/lifecycle_draft_publish.html",
                  {"draft": draft, "seen": seen_lifecycle_simulation(draft), "differences": _differences(draft)})


@login_required
@require_POST
def lifecycle_draft_discard_view(request, pk):
    draft = _draft(request, pk)
    try:
        lifecycle_draft_discard(user=request.user, draft=draft)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "草案已作废。")
    return redirect("pool:draft-list")
