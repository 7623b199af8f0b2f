from django.db import models
from django.db.models import Q

from portal.scoping import ScopedQuerySet


class EventQuerySet(ScopedQuerySet):
    """Bureaus see the events of their region; an enterprise or supplier sees the events it is invited to."""

    scope_region = "region"
    scope_organisation = "organiser"

    def extra_scope_q(self, user) -> Q:
        if user.organisation_id is None:
            return Q(pk__in=[])
        invited = EventInvitation.objects.filter(organisation_id=user.organisation_id).values("event_id")
        return Q(pk__in=invited)


class MatchmakingEvent(models.Model):
    """对接活动 — a matchmaking event of one industry chain, organised by a bureau, to which the enterprises
    and suppliers with matches in that chain are invited."""

    title = models.CharField("活动名称", max_length=200)
    industry_chain = models.CharField("产业链", max_length=50)
    held_on = models.DateField("活动日期")
    place = models.CharField("地点", max_length=200)
    description = models.TextField("活动说明", blank=True)
    organiser = models.ForeignKey("portal.Organisation", verbose_name="主办单位", on_delete=models.PROTECT,
                                  related_name="matchmaking_events")
    region = models.ForeignKey("portal.Region", verbose_name="主办地区", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("portal.User", verbose_name="创建人", null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "对接活动"
        verbose_name_plural = "对接活动"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class EventInvitation(models.Model):
    """活动邀请 — one invited enterprise or supplier, and why it was invited."""

    event = models.ForeignKey(MatchmakingEvent, verbose_name="活动", on_delete=models.CASCADE,
                              related_name="invitations")
    organisation = models.ForeignKey("portal.Organisation", verbose_name="受邀单位", on_delete=models.CASCADE,
                                     related_name="event_invitations")
    reason = models.CharField("邀请理由", max_length=300, blank=True)
    invited_at = models.DateTimeField("邀请时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动邀请"
        verbose_name_plural = "活动邀请"
        ordering = ["organisation__kind", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["event", "organisation"], name="invitation_event_org")]

    def __str__(self) -> str:
        return f"{self.event} · {self.organisation}"
