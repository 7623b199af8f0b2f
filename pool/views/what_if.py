"""标准修订模拟: the province's drafts of a criteria set, their simulations and publishing. Every page answers 404
to anybody but the province (drafts are its working papers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from criteria.models import CriteriaSet
from criteria.presentation import describe
from portal.views.exports import export_response

from ..exports.what_if import SimulationExporter
from ..models import (
    CriteriaDraft,
    DraftStatus,
    LifecycleDraft,
    LifecyclePolicy,
    Simulation,
    SimulationChange,
)
from ..models.what_if import may_draft
from ..services.what_if.drafts import (
    draft_create,
    draft_discard,
    draft_publish,
    draft_update,
    seen_simulation,
)
from ..services.what_if.simulation import side_by_side, simulation_start
from ..what_if_forms import DraftForm, SimulationForm

CHANGE_KINDS = {"verdict": "结论变化", "quota": "名额内外变化", "criterion": "仅单项标准变化"}


def _require(request) -> None:
    if not may_draft(request.user):
        raise Http404("页面不存在")


def _draft(request, pk) -> CriteriaDraft:
    _require(request)
    return get_object_or_404(CriteriaDraft.objects.visible_to(request.user).select_related("base"), pk=pk)


def _simulation(request, pk) -> Simulation:
    _require(request)
    return get_object_or_404(Simulation.objects.visible_to(request.user).select_related("draft", "batch", "job",
                                                                                          "base"), pk=pk)


def _show_errors(request, form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
def draft_list(request):
    _require(request)
    bases = CriteriaSet.objects.filter(is_active=True).order_by("code", "-version")
    if request.method == "POST":
        base = get_object_or_404(bases, pk=request.POST.get("base") or 0)
        draft = draft_create(user=request.user, base=base)
        messages.success(request, "已根据所选标准版本建立草案，请修改阈值或权重。")
        return redirect("pool:draft-edit", pk=draft.pk)
    drafts = CriteriaDraft.objects.visible_to(request.user).select_related("base", "published_as")
    lifecycle_drafts = LifecycleDraft.objects.visible_to(request.user).select_related("base", "published_as")
    return render(request, "pool/what_if/draft_list.html", {
        "drafts": drafts, "bases": bases, "lifecycle_drafts": lifecycle_drafts,
        "lifecycle_bases": LifecyclePolicy.objects.filter(is_active=True).order_by("code", "-version")})


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request, pk):
    draft = _draft(request, pk)
    if draft.status != DraftStatus.DRAFT:
        messages.error(request, f"该草案{draft.get_status_display()}，不能再修改。")
        return redirect("pool:draft-detail", pk=draft.pk)
    form = DraftForm(request.POST or None, draft=draft)
    if request.method == "POST" and form.is_valid():
        parameters, weights = form.to_parameters()
        try:
            draft_update(user=request.user, draft=draft, name=form.cleaned_data["name"], parameters=parameters,
                         weights=weights)
        except ValidationError as error:
            _show_errors(request, form, error)
        else:
            messages.success(request, "草案已保存。草案不会用于正式评分；请先模拟测算，再决定是否发布。")
            return redirect("pool:draft-detail", pk=draft.pk)
    return render(request, "pool/what_if/draft_form.html", {"draft": draft, "form": form})


def _differences(draft: CriteriaDraft) -> list[tuple[str, str, str]]:
    """What the draft changes, as the criteria page words it: (item, published, draft)."""
    base_rows = dict(_rows(describe(draft.base)))
    draft_rows = _rows(describe(draft))
    return [(label, base_rows.get(label, "—"), value) for label, value in draft_rows
            if base_rows.get(label) != value]


def _rows(described) -> list[tuple[str, str]]:
    rows = list(described.get("parameters", []))
    rows += [(f"评分权重：{term['label']}", f"{term['weight']:g} 分") for term in described.get("weights", [])]
    return rows


@login_required
def draft_detail(request, pk):
    draft = _draft(request, pk)
    simulations = Simulation.objects.filter(draft=draft).select_related("batch", "job", "started_by")
    seen = seen_simulation(draft) if draft.status == DraftStatus.DRAFT else draft.simulation_seen
    return render(request, "pool/what_if/draft_detail.html", {
        "draft": draft, "differences": _differences(draft), "simulations": simulations, "seen": seen,
        "form": SimulationForm(draft=draft, user=request.user), "editable": draft.status == DraftStatus.DRAFT,
    })


@login_required
@require_POST
def simulation_new(request, pk):
    draft = _draft(request, pk)
    form = SimulationForm(request.POST, draft=draft, user=request.user)
    if form.is_valid():
        try:
            simulation = simulation_start(user=request.user, draft=draft, batch=form.cleaned_data["batch"])
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            return redirect("pool:simulation-detail", pk=simulation.pk)
    else:
        messages.error(request, "请选择要模拟的申报批次。")
    return redirect("pool:draft-detail", pk=draft.pk)


@login_required
def simulation_detail(request, pk):
    simulation = _simulation(request, pk)
    kind = request.GET.get("kind", "")
    changes = (SimulationChange.objects.filter(simulation=simulation).select_related("region")
               .order_by("region_id", "-after_score", "application_id"))
    if kind == "verdict":
        changes = changes.exclude(before_verdict=F("after_verdict"))
    elif kind == "quota":
        changes = changes.filter(before_in_quota__isnull=False).exclude(before_in_quota=F("after_in_quota"))
    elif kind == "criterion":
        changes = changes.filter(before_verdict=F("after_verdict"))
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    return render(request, "pool/what_if/simulation_detail.html", {
        "simulation": simulation, "summary": simulation.summary, "page_obj": page, "kind": kind,
        "kinds": CHANGE_KINDS, "current": simulation.fingerprint == _current_fingerprint(simulation.draft),
    })


def _current_fingerprint(draft: CriteriaDraft) -> str:
    from ..services.what_if.drafts import fingerprint

    return fingerprint(draft.parameters, draft.weights)


@login_required
def simulation_change(request, pk, change_pk):
    simulation = _simulation(request, pk)
    change = get_object_or_404(SimulationChange.objects.select_related("application", "simulation__base"),
                               pk=change_pk, simulation=simulation)
    return render(request, "pool/what_if/simulation_change.html",
                  {"simulation": simulation, "change": change, **side_by_side(change)})


@login_required
def simulation_export(request, pk):
    simulation = _simulation(request, pk)
    return export_response(SimulationExporter(user=request.user, params={"simulation": simulation.pk}))


@login_required
@require_http_methods(["GET", "POST"])
def draft_publish_view(request, pk):
    draft = _draft(request, pk)
    if draft.status != DraftStatus.DRAFT:
        raise Http404("页面不存在")
    seen = seen_simulation(draft)
    if request.method == "POST":
        try:
            published = draft_publish(user=request.user, draft=draft)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("pool:draft-detail", pk=draft.pk)
        messages.success(request, f"已发布为“{published}”。采用该标准的开放批次将改用新版本并重新评分。")
        return redirect("pool:draft-detail", pk=draft.pk)
    return render(request, "pool/what_if/draft_publish.html",
                  {"draft": draft, "seen": seen, "differences": _differences(draft)})


@login_required
@require_POST
def draft_discard_view(request, pk):
    draft = _draft(request, pk)
    try:
        draft_discard(user=request.user, draft=draft)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "草案已作废。")
    return redirect("pool:draft-list")
