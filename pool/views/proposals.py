"""Pages of the lifecycle decisions: the proposal list with the on-demand evaluation, a proposal with its rule,
evidence, buttons and history, the decided lists (出库名单, 退库名单) with their Excel files, appeals and the
county's misconduct record. Every read is scoped (out of scope → 404); every change is a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from portal.scoping import get_visible_or_404
from portal.views.exports import export_response
from portal.views.mixins import FilteredListView

from ..exports.proposals import DECISION_EXPORTERS, ProposalExporter
from ..filters.proposals import DecisionFilter, ProposalFilter
from ..forms import MisconductForm
from ..lifecycle.policy import MisconductKind
from ..lifecycle.rules import SIGNAL_LABELS, reason_label
from ..lifecycle.workflow import MembershipStatus, ProposalKind, ProposalStatus, StepError
from ..models import Appeal, LifecycleProposal, Membership, MisconductSource
from ..services.lifecycle.evaluation import (
    EVALUATION_ROLES,
    latest_evaluation_job,
    lifecycle_evaluation_queue,
)
from ..services.lifecycle.misconduct import RECORD_ROLES, misconduct_record
from ..services.lifecycle.proposals import (
    KIND_LABELS,
    PROPOSAL_ROLES,
    appeal_file,
    appeal_refusal,
    appeal_steps,
    appeal_transition,
    decision_list,
    proposal_history,
    proposal_list,
    proposal_steps,
    proposal_transition,
)

DECISION_TITLES = {ProposalKind.GRADUATE: "出库名单", ProposalKind.REMOVE: "退库名单"}


def _params(request) -> dict:
    return {key: value for key, value in request.GET.items() if key != "page" and value != ""}


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "；".join(m for messages_ in error.message_dict.values() for m in messages_)
    return "；".join(error.messages)


class ProposalListView(FilteredListView):
    """出库退库建议 — the proposals of the bureau's region; the city and the province start an evaluation here."""

    model = LifecycleProposal
    filterset_class = ProposalFilter
    roles = PROPOSAL_ROLES
    template_name = "pool/proposals/list.html"

    def base_queryset(self):
        return proposal_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_evaluate = user.role in EVALUATION_ROLES
        context.update(can_evaluate=can_evaluate, job=latest_evaluation_job(user) if can_evaluate else None,
                       can_record=user.role in RECORD_ROLES)
        return context


@login_required
@require_GET
def proposal_export(request):
    if request.user.role not in PROPOSAL_ROLES:
        raise Http404("页面不存在")
    return export_response(ProposalExporter(user=request.user, params=_params(request)))


class DecisionListView(FilteredListView):
    """出库名单 / 退库名单 — the decided graduations or removals of the bureau's region."""

    model = LifecycleProposal
    filterset_class = DecisionFilter
    roles = PROPOSAL_ROLES
    template_name = "pool/proposals/decisions.html"
    kind = ProposalKind.GRADUATE

    def base_queryset(self):
        return decision_list(user=self.request.user, kind=self.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kind=self.kind, title=DECISION_TITLES[self.kind],
                       export_url=reverse(f"pool:{self.kind}-list-export"))
        return context


def decision_export(kind: str):
    @login_required
    @require_GET
    def export(request):
        if request.user.role not in PROPOSAL_ROLES:
            raise Http404("页面不存在")
        return export_response(DECISION_EXPORTERS[kind](user=request.user, params=_params(request)))

    return export


graduation_export = decision_export(ProposalKind.GRADUATE)
removal_export = decision_export(ProposalKind.REMOVE)


@login_required
@require_POST
def evaluation_run_view(request):
    """运行出库退库评估: queue a run over the requester's region; the list page shows its progress."""
    user = request.user
    if user.role not in EVALUATION_ROLES:
        raise Http404("页面不存在")
    region = user.region.scope_prefix if user.region is not None else None
    lifecycle_evaluation_queue(user=user, region=region, trigger="manual",
                               title=f"出库退库评估（{user.region.name if user.region else '全部'}）")
    messages.success(request, "已开始出库退库评估，进度见下方；完成后新提出的建议出现在列表中。")
    return redirect("pool:proposal-list")


# --- one proposal --------------------------------------------------------------------------------------------

def _visible_proposal(request, pk) -> LifecycleProposal:
    return get_visible_or_404(proposal_list(user=request.user), request.user, pk=pk)


def _evidence_rows(proposal: LifecycleProposal) -> list[tuple[str, str]]:
    evidence = proposal.evidence or {}
    rows = [("入库基准年度", evidence.get("baseline_year") or "—"),
            ("最近一期已核实监测年度", evidence.get("latest_year") or "尚无"),
            ("入库时专利产业化率", evidence.get("baseline_rate") or "—"),
            ("最近一期专利产业化率", evidence.get("latest_rate") or "—"),
            ("入库时营业收入（元）", evidence.get("baseline_revenue") or "—"),
            ("最近一期营业收入（元）", evidence.get("latest_revenue") or "—")]
    if evidence.get("filed_products"):
        rows.append(("入库后新增备案的专利密集型产品", "、".join(evidence["filed_products"])))
    if evidence.get("grown_products"):
        rows.append(("销售额与利润均达到增长幅度的认定产品", "、".join(evidence["grown_products"])))
    if evidence.get("no_progress_from"):
        rows.append(("无实质进展的起算日（入库满期限）", evidence["no_progress_from"]))
    return rows


def _misconduct_rows(proposal: LifecycleProposal) -> list[dict]:
    sources = dict(MisconductSource.choices)
    return [{**m, "kind_label": MisconductKind.LABELS.get(m.get("kind"), m.get("kind")),
             "source_label": sources.get(m.get("source"), m.get("source"))}
            for m in (proposal.evidence or {}).get("misconduct") or []]


def _action_forms(steps, posted: dict, error: str) -> list[dict]:
    return [{"step": s, "comment": posted.get("comment", "") if posted.get("to") == s.target else "",
             "error": error if posted.get("to") == s.target else ""} for s in steps]


def detail_context(request, proposal: LifecycleProposal, *, posted=None, error="", appeal_posted=None,
                   appeal_error="") -> dict:
    user = request.user
    appeal = getattr(proposal, "appeal", None)
    signals = (proposal.evidence or {}).get("signals") or {}
    can_appeal = not appeal_refusal(user, proposal)
    return {
        "proposal": proposal, "membership": proposal.membership, "kind_label": KIND_LABELS[proposal.kind],
        "reasons": [(key, reason_label(key)) for key in proposal.reasons],
        "signals": [(label, signals.get(key)) for key, label in SIGNAL_LABELS.items() if key in signals],
        "evidence_rows": _evidence_rows(proposal), "misconduct": _misconduct_rows(proposal),
        "action_forms": _action_forms(proposal_steps(user, proposal), posted or {}, error),
        "appeal": appeal, "appeal_forms": _action_forms(appeal_steps(user, appeal), appeal_posted or {},
                                                        appeal_error) if appeal else [],
        "can_appeal": can_appeal, "appeal_reason": (appeal_posted or {}).get("reason", ""),
        "appeal_file_error": appeal_error if can_appeal else "",
        "history": proposal_history(proposal), "today": timezone.localdate(),
        "membership_url": _membership_url(proposal.membership_id),
    }


def _membership_url(pk: int) -> str:
    try:
        return reverse("pool:membership-detail", args=[pk])
    except NoReverseMatch:  # the member pages are another part of the lifecycle; link only when they exist
        return ""


@login_required
@require_GET
def proposal_detail(request, pk):
    proposal = _visible_proposal(request, pk)
    return render(request, "pool/proposals/detail.html", detail_context(request, proposal))


@login_required
@require_POST
def proposal_decide(request, pk):
    """One step on a proposal (the button posts the target status and the comment)."""
    proposal = _visible_proposal(request, pk)
    posted = {"to": request.POST.get("to", ""), "comment": request.POST.get("comment", "")}
    try:
        proposal = proposal_transition(proposal=proposal, user=request.user, **posted)
    except ValidationError as error:
        context = detail_context(request, proposal, posted=posted, error=_error_text(error))
        return render(request, "pool/proposals/detail.html", context, status=400)
    except StepError as error:
        messages.error(request, str(error))
        return redirect("pool:proposal-detail", pk=pk)
    messages.success(request, f"已办理：{proposal.get_status_display()}（{proposal.membership.enterprise_name}）。")
    return redirect("pool:proposal-detail", pk=pk)


@login_required
@require_POST
def appeal_file_view(request, pk):
    proposal = _visible_proposal(request, pk)
    posted = {"reason": request.POST.get("reason", "")}
    try:
        appeal_file(proposal=proposal, user=request.user, reason=posted["reason"])
    except ValidationError as error:
        context = detail_context(request, proposal, appeal_posted=posted, appeal_error=_error_text(error))
        return render(request, "pool/proposals/detail.html", context, status=400)
    except StepError as error:
        messages.error(request, str(error))
        return redirect("pool:proposal-detail", pk=pk)
    messages.success(request, "申诉已提交，处理结果将通知贵企业。")
    return redirect("pool:proposal-detail", pk=pk)


@login_required
@require_POST
def appeal_decide_view(request, pk):
    proposal = _visible_proposal(request, pk)
    appeal = get_visible_or_404(Appeal.objects.select_related("membership", "proposal"), request.user,
                                proposal_id=proposal.pk)
    posted = {"to": request.POST.get("to", ""), "comment": request.POST.get("comment", "")}
    try:
        appeal = appeal_transition(appeal=appeal, user=request.user, **posted)
    except ValidationError as error:
        context = detail_context(request, proposal, appeal_posted=posted, appeal_error=_error_text(error))
        return render(request, "pool/proposals/detail.html", context, status=400)
    except StepError as error:
        messages.error(request, str(error))
        return redirect("pool:proposal-detail", pk=pk)
    messages.success(request, f"申诉已处理：{appeal.get_status_display()}。")
    return redirect("pool:proposal-detail", pk=pk)


# --- the county's misconduct record --------------------------------------------------------------------------

@login_required
def misconduct_create_view(request):
    """登记违规失信: a county records what it learned of a member of its county; the evaluation runs at once."""
    user = request.user
    if user.role not in RECORD_ROLES:
        raise Http404("页面不存在")
    members = (Membership.objects.visible_to(user).filter(status=MembershipStatus.CULTIVATING)
               .order_by("enterprise_name", "pk"))
    initial = {"known_on": timezone.localdate(), "membership": request.GET.get("membership") or None}
    form = MisconductForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = misconduct_record(membership=data["membership"], user=user, kind=data["kind"],
                                       known_on=data["known_on"], occurred_on=data["occurred_on"],
                                       description=data["description"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            opened = (LifecycleProposal.objects.filter(membership_id=record.membership_id, kind=ProposalKind.REMOVE,
                                                       status__in=ProposalStatus.PENDING)
                      .order_by("-opened_at").first())
            if opened is not None:
                messages.success(request, f"已登记。系统已对{record.membership.enterprise_name}提出退库建议，请核实。")
                return redirect("pool:proposal-detail", pk=opened.pk)
            messages.success(request, "已登记。")
            return redirect("pool:proposal-list")
    return render(request, "pool/proposals/misconduct_form.html", {"form": form})
