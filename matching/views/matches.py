"""Matches and their follow-up; deals and the conversion list (专利转化清单)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from portal.scoping import get_visible_or_404
from portal.views.exports import export_response
from portal.views.mixins import FilteredListView

from ..choices import DEAL_MODE_FOR_OFFER, MatchStatus
from ..exports import ConversionListExporter
from ..filters import DealFilter, MatchFilter
from ..forms import DealForm, ReceivedForm
from ..models import Deal, Match
from ..services.follow_up import (
    available_transitions,
    can_transition,
    deal_record,
    deal_update_received,
    match_transition,
    may_record_deals,
)
from ..services.introductions import (
    counterpart_contact,
    introduction_accept,
    introduction_actions,
    introduction_broker,
    introduction_request,
)
from .common import form_data, show_service_errors

MATCH_ROLES = ("enterprise", "supplier", "county", "city", "province", "admin")


class MatchListView(FilteredListView):
    """对接跟进: the matches a person works on; a supplier sees the demands matched to its patents."""

    model = Match
    filterset_class = MatchFilter
    roles = MATCH_ROLES
    template_name = "matching/match_list.html"
    paginate_by = 30

    def base_queryset(self):
        return Match.objects.followed_by(self.request.user).select_related("demand__enterprise", "demand__region", "patent__supplier").order_by("-score", "pk")


def _match_for(user, pk):
    return get_visible_or_404(
        Match.objects.select_related("demand__enterprise", "demand__region", "patent__supplier", "deal"),
        user, pk=pk)


@login_required
def match_detail(request, pk):
    match = _match_for(request.user, pk)
    return render(request, "matching/match_detail.html", {
        "match": match, "buttons": available_transitions(request.user, match),
        "introduction_actions": introduction_actions(request.user, match),
        "counterpart": counterpart_contact(request.user, match),
        "can_edit_deal": hasattr(match, "deal") and may_record_deals(request.user),
    })


@login_required
@require_POST
def match_introduction(request, pk, action):
    match = _match_for(request.user, pk)
    service = {"request": introduction_request, "accept": introduction_accept, "broker": introduction_broker}.get(action)
    if service is None:
        raise Http404("页面不存在")
    try:
        service(match=match, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, {"request": "已申请对接，等待对方同意。", "accept": "已同意对接，双方可见联系方式。",
                                   "broker": "已促成双方对接。"}[action])
    return redirect("matching:match-detail", pk=pk)


@login_required
@require_POST
def match_move(request, pk, to):
    match = _match_for(request.user, pk)
    try:
        match_transition(match=match, actor=request.user, to=to, comment=request.POST.get("comment", ""))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"已更新为“{MatchStatus(to).label}”。")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("matching:match-detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def deal_create(request, pk):
    match = _match_for(request.user, pk)
    allowed, reason = can_transition(request.user, match, MatchStatus.DEAL)
    if not allowed:
        messages.error(request, reason)
        return redirect("matching:match-detail", pk=pk)
    form = DealForm(request.POST or None, default_mode=DEAL_MODE_FOR_OFFER[match.patent.offer_type])
    if request.method == "POST" and form.is_valid():
        try:
            deal_record(match=match, actor=request.user, **form_data(form))
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "成交已登记，已计入专利转化清单。")
            return redirect("matching:match-detail", pk=pk)
    return render(request, "matching/deal_form.html", {"form": form, "match": match})


@login_required
@require_http_methods(["GET", "POST"])
def deal_received(request, pk):
    deal = get_visible_or_404(Deal.objects.with_parties(), request.user, pk=pk)
    form = ReceivedForm(request.POST or None, initial={"amount_received": deal.amount_received, "note": deal.note})
    if request.method == "POST" and form.is_valid():
        try:
            deal_update_received(deal=deal, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        except PermissionDenied as error:
            raise Http404("未找到该对象") from error
        else:
            messages.success(request, "到账金额已更新。")
            return redirect("matching:match-detail", pk=deal.match_id)
    return render(request, "matching/deal_received.html", {"form": form, "deal": deal})


class DealListView(FilteredListView):
    """专利转化清单: the deals of the person's scope."""

    model = Deal
    filterset_class = DealFilter
    roles = MATCH_ROLES
    template_name = "matching/deal_list.html"

    def base_queryset(self):
        return super().base_queryset().with_parties()


@login_required
def deal_export(request):
    params = {k: v for k, v in request.GET.items() if k != "page"}
    return export_response(ConversionListExporter(user=request.user, params=params))
