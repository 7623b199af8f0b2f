"""The member pages: the member list (入库企业名单), the enterprise timeline (培育档案) with its member steps and
follow-up milestones, the enterprise's own view of it (我的培育档案), the replenishment ledger (增补名额台账) and
the follow-up milestone list (接续培育). Every read is scoped (out of scope → 404), every change is a service."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from portal.scoping import get_visible_or_404
from portal.views.exports import export_response
from portal.views.mixins import FilteredListView

from ..exports.members import LedgerExporter, MemberListExporter, MilestoneExporter
from ..filters.members import LedgerFilter, MemberFilter, MilestoneFilter
from ..forms import MilestoneForm
from ..lifecycle.snapshot import Snapshot
from ..lifecycle.workflow import MembershipStatus, StepError
from ..models import FollowUpMilestone, LifecycleProposal, Membership, ReplenishmentEntry
from ..services.lifecycle.follow_up import (
    LEVEL_LABELS,
    member_steps,
    membership_step,
    milestone_record,
    milestone_refusal,
)
from ..services.lifecycle.member_lists import (
    LEDGER_ROLES,
    MEMBER_ROLES,
    ledger_balances,
    ledger_lines,
    ledger_totals,
    member_detail_queryset,
    member_list,
    milestone_list,
    own_memberships,
)
from ..services.lifecycle.timeline import kinds_of, membership_timeline, policy_names, url_for
from .review import params_of

STATUS_LABELS = dict(MembershipStatus.CHOICES)


def _ensure_role(request, roles) -> None:
    if request.user.role not in roles:
        raise Http404("页面不存在")


class MemberListView(FilteredListView):
    """入库企业名单 — the members of the person's scope, filtered and paged by 50."""

    model = Membership
    filterset_class = MemberFilter
    roles = MEMBER_ROLES
    template_name = "pool/members/list.html"

    def base_queryset(self):
        return member_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "status_labels": STATUS_LABELS}


@login_required
@require_GET
def member_export(request):
    _ensure_role(request, MEMBER_ROLES)
    return export_response(MemberListExporter(user=request.user, params=params_of(request)))


def _baseline(membership: Membership) -> dict | None:
    """The admission baseline as shown on the page (the rules compare the exact figures, never these texts)."""
    try:
        snapshot = Snapshot.from_dict(membership.baseline)
    except (KeyError, TypeError, ValueError):
        return None
    if snapshot is None:
        return None
    rate = snapshot.rate
    percent = Decimal(rate.numerator) * 100 / Decimal(rate.denominator)
    return {"year": snapshot.year, "revenue": _yuan(snapshot.revenue), "rnd_expense": _yuan(snapshot.rnd_expense),
            "rate": f"{percent.quantize(Decimal('0.01'))}%", "rate_counts": f"{snapshot.rate_used}/{snapshot.rate_counted}",
            "products": [p for p in snapshot.products if p.recognised]}


def _yuan(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f} 元"


def timeline_html(events) -> str:
    """The timeline's ``<li>`` lines, escaped, in one string: a long history renders in one pass instead of a
    dozen template lookups per line (every value goes through ``escape``)."""
    lines, year = [], None
    for event in events:
        local = timezone.localtime(event.at)
        if local.year != year:
            lines.append(f'<li class="timeline-year" aria-hidden="true">{local.year} 年</li>')
            year = local.year
        when = local.strftime("%Y-%m-%d %H:%M" if event.timed else "%Y-%m-%d")
        title = escape(event.title)
        if event.url:
            title = f'<a href="{escape(event.url)}">{title}</a>'
        tone = f' data-tone="{escape(event.tone)}"' if event.tone else ""
        detail = f'<p class="timeline-detail">{linebreaksbr(event.detail)}</p>' if event.detail else ""
        actor = f'<p class="muted small">{escape(event.actor)}</p>' if event.actor else ""
        lines.append(
            f'<li class="timeline-event" data-kind="{escape(event.kind)}"{tone}>'
            f'<time datetime="{local.isoformat()}">{when}</time>'
            f'<span class="timeline-kind">{escape(event.kind_label)}</span><div class="timeline-body">'
            f'<p class="timeline-title">{title}</p>{detail}{actor}</div></li>')
    return mark_safe("\n".join(lines))  # noqa: S308  (built from escaped values only)


def detail_context(request, membership: Membership, *, milestone_form: MilestoneForm | None = None) -> dict:
    user = request.user
    events = membership_timeline(membership=membership, user=user)
    kind = request.GET.get("kind", "")
    can_record = not milestone_refusal(user, membership)
    return {
        "membership": membership, "status_label": STATUS_LABELS.get(membership.status, membership.status),
        "baseline": _baseline(membership),
        "timeline": timeline_html([e for e in events if not kind or e.kind == kind]),
        "event_count": len(events), "kinds": kinds_of(events), "kind": kind,
        "steps": member_steps(user, membership), "can_record": can_record,
        "milestone_form": milestone_form or (MilestoneForm() if can_record else None),
        "level_labels": LEVEL_LABELS, "is_own": user.organisation_id == membership.enterprise_id,
        "policy_name": policy_names().get(membership.policy_code, membership.policy_code),
    }


@login_required
@require_GET
def membership_detail(request, pk):
    """培育档案 — one enterprise's whole history in the pool, in time order."""
    _ensure_role(request, MEMBER_ROLES)
    membership = get_visible_or_404(member_detail_queryset(), request.user, pk=pk)
    return render(request, "pool/members/detail.html", detail_context(request, membership))


@login_required
@require_GET
def my_membership(request):
    """我的培育档案 — the enterprise's own timeline (of its most recent admission), or what to do before it."""
    _ensure_role(request, ("enterprise",))
    membership = own_memberships(user=request.user).first()
    if membership is None:
        return render(request, "pool/members/none.html", {})
    membership = member_detail_queryset().get(pk=membership.pk)
    return render(request, "pool/members/detail.html", detail_context(request, membership))


@login_required
@require_POST
def membership_step_view(request, pk):
    """A member step from the page (e.g. 转入接续培育); the button names the target status."""
    _ensure_role(request, MEMBER_ROLES)
    membership = get_visible_or_404(Membership.objects, request.user, pk=pk)
    try:
        membership = membership_step(membership=membership, user=request.user, target=request.POST.get("to", ""),
                                     comment=request.POST.get("comment", ""))
    except StepError as error:
        messages.error(request, f"未能办理：{error}")
    else:
        messages.success(request, f"已办理：{membership.enterprise_name}已{STATUS_LABELS[membership.status]}。")
    return redirect("pool:membership-detail", pk=pk)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def milestone_create_view(request, pk):
    """Record a follow-up milestone; a refused one comes back with its errors at the fields and the input kept."""
    _ensure_role(request, MEMBER_ROLES)
    membership = get_visible_or_404(member_detail_queryset(), request.user, pk=pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestone = milestone_record(membership=membership, user=request.user, **form.cleaned_data)
        except StepError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"已登记接续培育节点：{milestone.get_kind_display()}。")
            return redirect("pool:membership-detail", pk=pk)
    context = detail_context(request, membership, milestone_form=form)
    context["can_record"] = True  # show the form with what was typed, even when the refusal is the reason
    return render(request, "pool/members/detail.html", context, status=400)


class LedgerView(FilteredListView):
    """增补名额台账 — each scope's balance, and every line: which graduation earned a place, which admission used
    one."""

    model = ReplenishmentEntry
    filterset_class = LedgerFilter
    roles = LEDGER_ROLES
    template_name = "pool/members/ledger.html"

    def base_queryset(self):
        return ledger_lines(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        balances = ledger_balances(user=self.request.user)
        lines = context["object_list"] = list(context["object_list"])
        # A province-wide ledger lists other counties' graduations: link only the decisions the reader may open.
        readable = set(LifecycleProposal.objects.visible_to(self.request.user).filter(
            pk__in=[line.graduation_id for line in lines if line.graduation_id]).values_list("pk", flat=True))
        for line in lines:
            line.proposal_url = url_for("pool:proposal-detail", line.graduation_id) \
                if line.graduation_id in readable else ""
        return {**context, "balances": balances, "totals": ledger_totals(balances)}


@login_required
@require_GET
def ledger_export(request):
    _ensure_role(request, LEDGER_ROLES)
    return export_response(LedgerExporter(user=request.user, params=params_of(request)))


class MilestoneListView(FilteredListView):
    """接续培育 — the milestones of graduates of the person's scope."""

    model = FollowUpMilestone
    filterset_class = MilestoneFilter
    roles = MEMBER_ROLES
    template_name = "pool/members/milestones.html"

    def base_queryset(self):
        return milestone_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for milestone in context["object_list"]:
            milestone.level_label = LEVEL_LABELS.get(milestone.level, milestone.level)
        return context


@login_required
@require_GET
def milestone_export(request):
    _ensure_role(request, MEMBER_ROLES)
    return export_response(MilestoneExporter(user=request.user, params=params_of(request)))
