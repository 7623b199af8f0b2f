"""Matchmaking events (对接活动): list, creation by a bureau, detail with the invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.scoping import get_visible_or_404
from portal.views.mixins import FilteredListView

from ..filters import EventFilter
from ..forms import EventForm
from ..models import MatchmakingEvent
from ..services.events import can_organise, event_create, event_invite_matched, invitation_candidates
from .common import show_service_errors


class EventListView(FilteredListView):
    model = MatchmakingEvent
    filterset_class = EventFilter
    roles = ("enterprise", "supplier", "county", "city", "province", "admin")
    template_name = "matching/event_list.html"

    def base_queryset(self):
        return (super().base_queryset().select_related("organiser", "region")
                .annotate(invited=Count("invitations", distinct=True)).order_by("-held_on", "-id"))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_create": can_organise(self.request.user)[0]}


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    if not can_organise(request.user)[0]:
        raise Http404("页面不存在")
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "对接活动已创建，可邀请该产业链的匹配企业和供给方。")
            return redirect("matching:event-detail", pk=event.pk)
    return render(request, "matching/event_form.html", {"form": form})


@login_required
def event_detail(request, pk):
    event = get_visible_or_404(MatchmakingEvent.objects.select_related("organiser", "region"), request.user, pk=pk)
    organiser = can_organise(request.user)[0] and request.user.region.contains(event.region_id)
    invitations = event.invitations.select_related("organisation__region")
    pending = len(set(invitation_candidates(event)) - {i.organisation_id for i in invitations}) if organiser else 0
    return render(request, "matching/event_detail.html", {"event": event, "invitations": invitations,
                                                          "organiser": organiser, "pending": pending})


@login_required
@require_POST
def event_invite(request, pk):
    event = get_visible_or_404(MatchmakingEvent.objects.select_related("region"), request.user, pk=pk)
    count = event_invite_matched(event=event, actor=request.user)
    messages.success(request, f"已邀请 {count} 家单位。" if count else "没有新的可邀请单位。")
    return redirect("matching:event-detail", pk=pk)
