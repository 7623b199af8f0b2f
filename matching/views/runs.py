"""The matching batch page: the province starts a full run and watches its progress; a city sees its region's
open demands and its region's runs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..models import Demand, MatchingPolicy, SupplyPatent
from ..services.runs import RUN_ROLES, can_start_run, matching_run_request, runs_visible_to


@login_required
@require_http_methods(["GET", "POST"])
def runs_page(request):
    if request.user.role not in RUN_ROLES:
        raise Http404("页面不存在")
    may_start, refusal = can_start_run(request.user)
    if request.method == "POST":
        if not may_start:
            raise PermissionDenied(refusal)
        try:
            run = matching_run_request(actor=request.user)
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
            return redirect(request.path)
        messages.success(request, "全量匹配已开始，可在下方查看进度。")
        return redirect(f"{request.path}?run={run.pk}")
    visible = runs_visible_to(request.user)
    runs = visible.select_related("job", "started_by").order_by("-created_at", "-id")[:20]
    current = None
    if request.GET.get("run", "").isdigit():
        current = visible.filter(pk=request.GET["run"], started_by=request.user).select_related("job").first()
    return render(request, "matching/runs.html", {
        "runs": runs, "current": current, "policy": MatchingPolicy.current(),
        "demand_count": Demand.objects.visible_to(request.user).filter(is_open=True).count(),
        "patent_count": SupplyPatent.objects.matchable().count(),
        "may_start": may_start, "refusal": refusal,
    })
