"""Technology demands: lists by role, the form (also for county staff on an enterprise's behalf), the detail
page with the matched patents and why they were suggested, and the bulk import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.http import csv_template_response
from portal.models import Organisation, OrganisationKind
from portal.scoping import get_visible_or_404
from portal.views.mixins import FilteredListView

from ..filters import DemandFilter
from ..forms import DemandForm, ImportForm
from ..models import Demand, Match
from ..services.demands import POSTING_ROLES, demand_close, demand_create, demand_update
from ..services.follow_up import available_transitions
from ..services.imports import DEMAND_COLUMNS, demand_import
from .common import form_data, show_service_errors

DEMAND_ROLES = ("enterprise", "county", "city", "province", "supplier", "admin")


class DemandListView(FilteredListView):
    model = Demand
    filterset_class = DemandFilter
    roles = DEMAND_ROLES
    template_name = "matching/demand_list.html"
    paginate_by = 30

    def base_queryset(self):
        return (super().base_queryset().select_related("enterprise", "region")
                .with_match_count(self.request.user).order_by("-created_at", "-id"))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_post": self.request.user.role in POSTING_ROLES}


def _visible_matches(user, demand):
    """What the person sees under a demand: its suggested patents, or for a supplier only its own patents."""
    return (Match.objects.followed_by(user).filter(demand=demand).select_related("patent__supplier", "deal")
            .order_by("rank", "-score"))


@login_required
def demand_detail(request, pk):
    demand = get_visible_or_404(Demand.objects.select_related("enterprise", "region", "entered_by__organisation"),
                                request.user, pk=pk)
    matches = list(_visible_matches(request.user, demand))
    for match in matches:
        match.buttons = available_transitions(request.user, match)
    can_edit = request.user.role in POSTING_ROLES
    return render(request, "matching/demand_detail.html", {"demand": demand, "matches": matches,
                                                           "can_edit": can_edit})


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request, pk=None):
    user = request.user
    if user.role not in POSTING_ROLES:
        raise Http404("页面不存在")
    demand = get_visible_or_404(Demand.objects.select_related("enterprise"), user, pk=pk) if pk else None
    form = DemandForm(request.POST or None, instance=demand, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            demand = _save_demand(request, demand, form)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            return redirect("matching:demand-detail", pk=demand.pk)
    return render(request, "matching/demand_form.html", {"form": form, "demand": demand})


def _save_demand(request, demand, form) -> Demand:
    user, data = request.user, form_data(form, ("enterprise",))
    if demand is not None:
        demand = demand_update(demand=demand, actor=user, **data)
        messages.success(request, "技术需求已保存。")
        return demand
    enterprise = form.cleaned_data.get("enterprise") or user.organisation
    demand = demand_create(enterprise=enterprise, actor=user, **data)
    messages.success(request, "技术需求已发布，系统正在为其推荐匹配的专利。")
    return demand


@login_required
@require_POST
def demand_toggle_open(request, pk):
    demand = get_visible_or_404(Demand.objects.select_related("enterprise"), request.user, pk=pk)
    if request.user.role not in POSTING_ROLES:
        raise Http404("页面不存在")
    demand_close(demand=demand, actor=request.user, reopen=not demand.is_open)
    messages.success(request, "需求已关闭，不再推荐新专利。" if demand.is_open else "需求已重新开放征集。")
    return redirect("matching:demand-detail", pk=pk)


def _import_enterprises(user):
    if user.role == "enterprise":
        return None
    return Organisation.objects.visible_to(user).filter(kind=OrganisationKind.ENTERPRISE).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def demand_import_view(request):
    user = request.user
    if user.role not in POSTING_ROLES:
        raise Http404("页面不存在")
    enterprises = _import_enterprises(user)
    form = ImportForm(request.POST or None, request.FILES or None, enterprises=enterprises)
    report = None
    if request.method == "POST" and form.is_valid():
        enterprise = form.cleaned_data.get("enterprise") or user.organisation
        report = demand_import(enterprise=enterprise, actor=user, upload=form.cleaned_data["file"])
        (messages.success if report.ok else messages.error)(request, report.summary())
    return render(request, "matching/import.html", {
        "form": form, "report": report, "columns": DEMAND_COLUMNS, "title": "批量导入技术需求",
        "template_url": "matching:demand-import-template", "update_key": "需求编号", "back_url": "matching:demand-list"})


@login_required
def demand_import_template(request):
    return csv_template_response((c.key for c in DEMAND_COLUMNS), "demand-import-template.csv")
