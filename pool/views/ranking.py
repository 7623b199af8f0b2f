"""The city's and the province's ranked lists: the quota in force and its use, recommend / reject / admit on
selected rows, the recommendation list in Excel and the city's recommendation letter (推荐函) as PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.pdf import pdf_response
from portal.scoping import get_visible_or_404
from portal.views.exports import export_response
from portal.views.mixins import FilteredListView

from ..exports import RecommendationListExporter
from ..filters import ReviewFilter
from ..models import Application, Batch
from ..queues import AWAITING, RANK_RULE, RANKING_ROLES, default_batch, rank_positions, ranked_list
from ..services.review import city_quota
from ..services.review.upper import CITY_PLACES, quota_for
from .review import BATCH_REPORT, batch_actions, params_of


def writes_recommendation_letter(user) -> bool:
    """Only a city writes a recommendation letter (to the province)."""
    return user.role == "city"


class RankingView(FilteredListView):
    """推荐排序 — what reached the user's level, ranked by composite score with the tie rule shown."""

    model = Application
    filterset_class = ReviewFilter
    roles = RANKING_ROLES
    template_name = "pool/review/ranking.html"

    def get(self, request, *args, **kwargs):
        if "batch" not in request.GET:  # open on the latest batch and on the work waiting at this level
            batch = default_batch(request.user)
            if batch is not None:
                return redirect(f"{request.path}?batch={batch.pk}&status={AWAITING[request.user.role]}")
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return ranked_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        batch = form.cleaned_data.get("batch") if form.is_bound and form.is_valid() else None
        role = self.request.user.role
        if batch is not None:
            places = rank_positions(user=self.request.user, batch_id=batch.pk)
            context["object_list"] = rows = list(context["object_list"])
            for application in rows:
                application.rank = places.get(application.pk)
        context.update(
            batch=batch, quota=quota_for(self.request.user, batch) if batch else None, rank_rule=RANK_RULE,
            report=self.request.session.pop(BATCH_REPORT, None), **batch_actions(role),
            can_write_letter=writes_recommendation_letter(self.request.user),
        )
        return context


@login_required
@require_GET
def ranking_export(request):
    if request.user.role not in RANKING_ROLES:
        raise Http404("页面不存在")
    return export_response(RecommendationListExporter(user=request.user, params=params_of(request)))


@login_required
@require_GET
def recommendation_letter(request):
    """推荐函 — the city's letter to the province listing the enterprises it recommends, in ranking order."""
    if not writes_recommendation_letter(request.user):
        raise Http404("页面不存在")
    batch_id = request.GET.get("batch") or getattr(default_batch(request.user), "pk", None)
    if not str(batch_id or "").isdigit():
        raise Http404("未找到该批次")
    batch = get_visible_or_404(Batch.objects.select_related("region"), request.user, pk=batch_id)
    rows = list(ranked_list(user=request.user).filter(batch=batch, status__in=CITY_PLACES))
    organisation = request.user.organisation
    return pdf_response("pool/pdf/recommendation_letter.html", {
        "batch": batch, "rows": rows, "organisation": organisation, "city": request.user.region,
        "addressee": f"{batch.region.name}知识产权局", "today": timezone.localdate(),
        "quota": city_quota(batch, request.user.region.code), "rank_rule": RANK_RULE,
    }, filename=f"推荐函-{request.user.region.name}-{batch.name}.pdf", request=request)
