from django.db import models
from django.db.models import Count, Q

from portal.scoping import ScopedQuerySet

from ..choices import CooperationMode


class DemandQuerySet(ScopedQuerySet):
    """An enterprise sees its own demands, a bureau those of its region; a supplier sees the demands matched
    to its patents (and nothing else)."""

    scope_region = "region"
    scope_organisation = "enterprise"

    def extra_scope_q(self, user) -> Q:
        if user.role != "supplier":
            return Q(pk__in=[])
        from .matches import Match

        matched = Match.objects.filter(patent__supplier_id=user.organisation_id).values("demand_id")
        return Q(pk__in=matched)

    def with_match_count(self, user):
        """``match_count``: the patents suggested for each demand, or for a supplier only its own patents (how
        many other suppliers' patents were suggested is not its business)."""
        matched = Q(matches__rank__isnull=False)
        if user.role == "supplier":
            matched = Q(matches__patent__supplier_id=user.organisation_id)
        return self.annotate(match_count=Count("matches", filter=matched, distinct=True))


class Demand(models.Model):
    """技术需求 — an enterprise's technology need, posted by its staff or by county staff on its behalf."""

    enterprise = models.ForeignKey("portal.Organisation", verbose_name="需求企业", on_delete=models.PROTECT,
                                   related_name="demands")
    region = models.ForeignKey("portal.Region", verbose_name="所在地", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField("需求编号", max_length=40, blank=True, db_index=True)
    title = models.CharField("需求名称", max_length=200)
    description = models.TextField("需求描述")
    industry_field = models.CharField("所属领域", max_length=50, blank=True)
    ipc_hint = models.CharField("IPC 分类提示", max_length=50, blank=True)
    industry_chain = models.CharField("产业链", max_length=50, blank=True, db_index=True)
    budget = models.DecimalField("预算（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    cooperation_mode = models.CharField("合作方式", max_length=20, choices=CooperationMode.choices,
                                        default=CooperationMode.ANY)
    is_open = models.BooleanField("征集中", default=True)
    entered_by = models.ForeignKey("portal.User", verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def entered_on_behalf(self) -> bool:
        return self.entered_by_id is not None and self.entered_by.organisation_id != self.enterprise_id
