"""The matching batch page: city and province staff start a full run and watch its progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..models import Demand, MatchingPolicy, MatchingRun, SupplyPatent
from ..services.runs import RUN_ROLES, matching_run_request


@login_required
@require_http_methods(["GET", "POST"])
def runs_page(request):
    if request.user.role not in RUN_ROLES:
        raise Http404("页面不存在")
    if request.method == "POST":
        run = matching_run_request(actor=request.user)
        messages.success(request, "全量匹配已开始，可在下方查看进度。")
        return redirect(f"{request.path}?run={run.pk}")
    runs = MatchingRun.objects.select_related("job", "started_by").order_by("-created_at", "-id")[:20]
    current = None
    if request.GET.get("run", "").isdigit():
        current = MatchingRun.objects.filter(pk=request.GET["run"], started_by=request.user).select_related(
            "job").first()
    return render(request, "matching/runs.html", {
        "runs": runs, "current": current, "policy": MatchingPolicy.current(),
        "demand_count": Demand.objects.filter(is_open=True).count(),
        "patent_count": SupplyPatent.objects.matchable().count(),
    })
