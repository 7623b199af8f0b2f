"""Batch pages: the list every role sees, the province's create/edit, the batch page with scoring progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal.models import Job
from portal.scoping import get_visible_or_404
from portal.views.mixins import FilteredListView

from .. import selectors
from ..filters import BatchFilter
from ..forms import BatchForm, CityQuotaForm
from ..models import Application, Batch
from ..services.batches import (
    BATCH_FIELDS,
    SCORE_JOB_KIND,
    SCORING_REFUSED,
    SCORING_ROLES,
    batch_city_quota_set,
    batch_create,
    batch_score_queue,
    batch_update,
    can_manage_batches,
    latest_score_job,
)


class BatchListView(FilteredListView):
    model = Batch
    filterset_class = BatchFilter
    roles = ("enterprise", "county", "city", "province", "admin")
    template_name = "pool/batch_list.html"

    def base_queryset(self):
        return selectors.batch_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_manage"] = can_manage_batches(user)[0]
        if user.role == "enterprise":
            batches = list(context["object_list"])
            mine = {a.batch_id: a for a in Application.objects.visible_to(user).filter(
                batch__in=[b.pk for b in batches])}
            for batch in batches:
                batch.my_application = mine.get(batch.pk)
            context["object_list"] = batches
        return context


def _ensure_manager(request) -> None:
    if not can_manage_batches(request.user)[0]:
        raise Http404("页面不存在")


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def batch_create_view(request):
    _ensure_manager(request)
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batch_create(user=request.user, **{k: form.cleaned_data[k] for k in BATCH_FIELDS})
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"已创建申报批次“{batch.name}”。")
            return redirect("pool:batch-detail", pk=batch.pk)
    return render(request, "pool/batch_form.html", {"form": form})


@login_required
def batch_edit_view(request, pk):
    _ensure_manager(request)
    batch = get_visible_or_404(Batch.objects, request.user, pk=pk)
    form = BatchForm(request.POST or None, instance=Batch.objects.get(pk=batch.pk))
    if request.method == "POST" and form.is_valid():
        try:
            batch_update(batch=batch, user=request.user, **{k: form.cleaned_data[k] for k in BATCH_FIELDS})
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "批次已更新。")
            return redirect("pool:batch-detail", pk=batch.pk)
    return render(request, "pool/batch_form.html", {"form": form, "batch": batch})


@login_required
def batch_detail(request, pk):
    batch = get_visible_or_404(selectors.batch_list(user=request.user), request.user, pk=pk)
    watchable = (Job.objects.visible_to(request.user).filter(kind=SCORE_JOB_KIND, params__batch_id=batch.pk)
                 .order_by("-created_at", "-id").first())
    # A scoring job counts the whole province's applications: only those who may start one see its totals.
    job = watchable or (latest_score_job(batch) if request.user.role in SCORING_ROLES else None)
    can_manage = can_manage_batches(request.user)[0]
    quota_form = CityQuotaForm(request.POST or None, batch=batch) if can_manage else None
    if request.method == "POST" and quota_form is not None and quota_form.is_valid():
        try:
            batch_city_quota_set(batch=batch, user=request.user, city=quota_form.cleaned_data["city"],
                                 quota=quota_form.cleaned_data["quota"])
        except ValidationError as error:
            _apply_errors(quota_form, error)
        else:
            messages.success(request, "市级名额已更新。")
            return redirect("pool:batch-detail", pk=batch.pk)
    return render(request, "pool/batch_detail.html", {
        "batch": batch, "stats": selectors.batch_statistics(batch, request.user),
        "city_quotas": batch.city_quotas.select_related("city"), "quota_form": quota_form,
        "can_manage": can_manage, "can_score": request.user.role in SCORING_ROLES,
        "job": job, "job_watchable": watchable is not None,
    })


@login_required
@require_POST
def batch_score_view(request, pk):
    if request.user.role not in SCORING_ROLES:
        if request.user.role == "city":
            raise PermissionDenied(SCORING_REFUSED)
        raise Http404("页面不存在")
    batch = get_visible_or_404(Batch.objects.select_related("criteria_set"), request.user, pk=pk)
    job = batch_score_queue(batch=batch, user=request.user, reason="手动发起")
    messages.success(request, "已开始批量评分，进度见下方。")
    return redirect(f"{reverse('pool:batch-detail', args=[batch.pk])}?job={job.pk}")
