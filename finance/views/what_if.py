"""白名单规则修订模拟: the province's drafts of a financing policy's whitelist rules, their simulation over the
members of the policy's region and publishing. 404 to anybody but the province."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pool.models.what_if import DraftStatus
from pool.services.what_if.drafts import fingerprint
from pool.views.what_if import _require

from ..forms import FinanceDraftForm
from ..models import FinanceDraft, FinancePolicy, FinanceSimulation
from ..services.what_if import (
    finance_draft_create,
    finance_draft_discard,
    finance_draft_publish,
    finance_draft_update,
    finance_simulation_start,
    seen_finance_simulation,
)

LABELS = {"membership_statuses": "可进入白名单的入库状态", "list_types": "核查的名单",
          "asset_kinds": "计入的可质押知识产权", "min_assets": "至少应有的可质押知识产权（件）"}


def _draft(request, pk) -> FinanceDraft:
    _require(request)
    return get_object_or_404(FinanceDraft.objects.visible_to(request.user).select_related("base"), pk=pk)


def _differences(draft: FinanceDraft) -> list[tuple[str, str, str]]:
    form = FinanceDraftForm(draft=draft)
    before, after = draft.base.parameters.get("whitelist", {}), draft.parameters.get("whitelist", {})

    def text(key, value):
        field = form.fields[key]
        if hasattr(field, "choices"):
            labels = dict(field.choices)
            return "、".join(str(labels.get(v, v)) for v in value or []) or "无"
        return str(value)
    return [(label, text(key, before.get(key)), text(key, after.get(key))) for key, label in LABELS.items()
            if before.get(key) != after.get(key)]


@login_required
@require_http_methods(["GET", "POST"])
def finance_draft_list(request):
    _require(request)
    bases = FinancePolicy.objects.filter(is_active=True).order_by("code", "-version")
    if request.method == "POST":
        base = get_object_or_404(bases, pk=request.POST.get("base") or 0)
        draft = finance_draft_create(user=request.user, base=base)
        messages.success(request, "已根据所选政策版本建立草案，请修改白名单规则。")
        return redirect("finance:draft-edit", pk=draft.pk)
    drafts = FinanceDraft.objects.visible_to(request.user).select_related("base", "published_as")
    return render(request, "finance/what_if/draft_list.html", {"drafts": drafts, "bases": bases})


@login_required
@require_http_methods(["GET", "POST"])
def finance_draft_edit(request, pk):
    draft = _draft(request, pk)
    if draft.status != DraftStatus.DRAFT:
        return redirect("finance:draft-detail", pk=draft.pk)
    form = FinanceDraftForm(request.POST or None, draft=draft)
    if request.method == "POST" and form.is_valid():
        try:
            finance_draft_update(user=request.user, draft=draft, name=form.cleaned_data["name"],
                                 parameters=form.to_parameters())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "草案已保存。草案不会用于生成白名单；请先模拟测算，再决定是否发布。")
            return redirect("finance:draft-detail", pk=draft.pk)
    return render(request, "finance/what_if/draft_form.html", {"draft": draft, "form": form})


@login_required
def finance_draft_detail(request, pk):
    draft = _draft(request, pk)
    editable = draft.status == DraftStatus.DRAFT
    return render(request, "finance/what_if/draft_detail.html", {
        "draft": draft, "differences": _differences(draft), "editable": editable,
        "simulations": FinanceSimulation.objects.filter(draft=draft).select_related("job", "started_by"),
        "seen": seen_finance_simulation(draft) if editable else draft.simulation_seen})


@login_required
@require_POST
def finance_simulation_new(request, pk):
    draft = _draft(request, pk)
    try:
        simulation = finance_simulation_start(user=request.user, draft=draft)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("finance:draft-detail", pk=draft.pk)
    return redirect("finance:simulation-detail", pk=simulation.pk)


@login_required
def finance_simulation_detail(request, pk):
    _require(request)
    simulation = get_object_or_404(FinanceSimulation.objects.visible_to(request.user)
                                   .select_related("draft", "base", "job", "started_by"), pk=pk)
    current = simulation.fingerprint == fingerprint(simulation.draft.parameters, {})
    return render(request, "finance/what_if/simulation_detail.html",
                  {"simulation": simulation, "summary": simulation.summary, "current": current})


@login_required
@require_http_methods(["GET", "POST"])
def finance_draft_publish_view(request, pk):
    draft = _draft(request, pk)
    if draft.status != DraftStatus.DRAFT:
        return redirect("finance:draft-detail", pk=draft.pk)
    if request.method == "POST":
        try:
            published = finance_draft_publish(user=request.user, draft=draft)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已发布为“{published}”，此后生成的白名单按新版本进行。")
        return redirect("finance:draft-detail", pk=draft.pk)
    return render(request, "finance/what_if/draft_publish.html",
                  {"draft": draft, "seen": seen_finance_simulation(draft), "differences": _differences(draft)})


@login_required
@require_POST
def finance_draft_discard_view(request, pk):
    draft = _draft(request, pk)
    try:
        finance_draft_discard(user=request.user, draft=draft)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "草案已作废。")
    return redirect("finance:draft-list")
