"""The city's (or province's) whitelist pages: the drafts and publications, starting a generation with its
progress bar, reviewing a draft (every enterprise with its rule-by-rule result, exclusion with a reason) and
publishing it to chosen banks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal.scoping import get_visible_or_404
from portal.views.mixins import FilteredListView

from .. import selectors
from ..filters import CandidateFilter, WhitelistFilter
from ..forms import ExcludeForm, PublishForm
from ..models import Candidate, Whitelist, WhitelistStatus
from ..services.publications import partner_banks_of, whitelist_publish
from ..services.whitelists import (
    can_manage_whitelists,
    candidate_exclude,
    candidate_include,
    whitelist_discard,
    whitelist_generate_start,
)
from .common import BUREAUS, PUBLISHERS, REFUSALS, back, message_of, require_role, show_errors


class WhitelistListView(FilteredListView):
    """白名单 — the region's drafts, each with its publication if it has one."""

    model = Whitelist
    filterset_class = WhitelistFilter
    roles = PUBLISHERS
    template_name = "finance/whitelist_list.html"

    def base_queryset(self):
        return selectors.whitelist_list(user=self.request.user).exclude(status=WhitelistStatus.DISCARDED)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_generate"] = can_manage_whitelists(self.request.user)[0]
        return context


@login_required
@require_POST
def whitelist_generate_view(request):
    require_role(request, PUBLISHERS)
    try:
        whitelist = whitelist_generate_start(user=request.user)
    except REFUSALS as error:
        messages.error(request, message_of(error))
        return redirect("finance:whitelist-list")
    return redirect("finance:whitelist-detail", pk=whitelist.pk)


@login_required
def whitelist_detail(request, pk):
    require_role(request, BUREAUS)
    whitelist = get_visible_or_404(Whitelist.objects.select_related("region", "policy", "job", "created_by"),
                                   request.user, pk=pk)
    filterset = CandidateFilter(request.GET or None, request=request,
                                queryset=selectors.candidate_list(user=request.user, whitelist=whitelist))
    candidates = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    is_publisher = can_manage_whitelists(request.user)[0] and request.user.region.code == whitelist.region_id
    return render(request, "finance/whitelist_detail.html", {
        "whitelist": whitelist, "filter": filterset, "page_obj": page, "candidates": page.object_list,
        "is_paginated": page.has_other_pages(), "querystring": query.urlencode(),
        "publication": getattr(whitelist, "publication", None) if whitelist.status == WhitelistStatus.PUBLISHED
        else None,
        "can_edit": is_publisher and whitelist.is_draft,
        "publish_form": PublishForm(banks=partner_banks_of(whitelist.region_id)) if is_publisher else None,
        "exclude_form": ExcludeForm(),
    })


def _draft_candidate(request, pk) -> Candidate:
    require_role(request, PUBLISHERS)
    return get_visible_or_404(Candidate.objects.select_related("whitelist"), request.user, pk=pk)


@login_required
@require_POST
def candidate_exclude_view(request, pk):
    candidate = _draft_candidate(request, pk)
    form = ExcludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写排除理由。")
    else:
        try:
            candidate_exclude(candidate=candidate, user=request.user, reason=form.cleaned_data["reason"])
        except REFUSALS as error:
            messages.error(request, message_of(error))
        else:
            messages.success(request, f"已将“{candidate.enterprise_name}”排除出本次白名单。")
    return redirect(back(request, reverse("finance:whitelist-detail", args=[candidate.whitelist_id])))


@login_required
@require_POST
def candidate_include_view(request, pk):
    candidate = _draft_candidate(request, pk)
    try:
        candidate_include(candidate=candidate, user=request.user)
    except REFUSALS as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, f"已恢复“{candidate.enterprise_name}”。")
    return redirect(back(request, reverse("finance:whitelist-detail", args=[candidate.whitelist_id])))


@login_required
@require_POST
def whitelist_publish_view(request, pk):
    require_role(request, PUBLISHERS)
    whitelist = get_visible_or_404(Whitelist.objects.select_related("region"), request.user, pk=pk)
    form = PublishForm(request.POST, banks=partner_banks_of(whitelist.region_id))
    if form.is_valid():
        try:
            publication = whitelist_publish(whitelist=whitelist, user=request.user, banks=list(form.cleaned_data["banks"]),
                                            change_note=form.cleaned_data["change_note"])
        except REFUSALS as error:
            show_errors(form, error)
        else:
            messages.success(request, f"已发布{publication.title}，共 {publication.entry_count} 家企业，已通知所选银行。")
            return redirect("finance:publication-detail", pk=publication.pk)
    messages.error(request, "未发布：" + "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("finance:whitelist-detail", pk=whitelist.pk)


@login_required
@require_POST
def whitelist_discard_view(request, pk):
    require_role(request, PUBLISHERS)
    whitelist = get_visible_or_404(Whitelist.objects, request.user, pk=pk)
    try:
        whitelist_discard(whitelist=whitelist, user=request.user)
    except REFUSALS as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, "草稿已作废。")
    return redirect("finance:whitelist-list")
