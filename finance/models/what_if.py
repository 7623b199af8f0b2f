from django.db import models

from pool.models.what_if import CriteriaDraftQuerySet, DraftBase, SimulationBase


class FinanceDraft(DraftBase):
    """质押融资政策修订草案 — the province's draft of a new version of a financing policy's whitelist rules
    (membership statuses admitted, lists checked, pledgeable asset kinds, the minimum number of assets)."""

    base = models.ForeignKey("finance.FinancePolicy", verbose_name="所依据的政策版本", on_delete=models.PROTECT,
                             related_name="drafts")
    parameters = models.JSONField("政策参数", default=dict)
    published_as = models.ForeignKey("finance.FinancePolicy", verbose_name="发布为", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    simulation_seen = models.ForeignKey("finance.FinanceSimulation", verbose_name="发布前查看的模拟", null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")

    objects = CriteriaDraftQuerySet.as_manager()

    class Meta:
        verbose_name = "质押融资政策修订草案"
        verbose_name_plural = "质押融资政策修订草案"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name


class FinanceSimulationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(draft__in=FinanceDraft.objects.visible_to(user))


class FinanceSimulation(SimulationBase):
    """模拟测算（白名单） — the members of the policy's region evaluated under the whitelist rules in force and
    the draft's: who would enter or leave the whitelist. No whitelist is generated."""

    draft = models.ForeignKey(FinanceDraft, verbose_name="草案", on_delete=models.CASCADE, related_name="simulations")
    base = models.ForeignKey("finance.FinancePolicy", verbose_name="对照的现行政策", on_delete=models.PROTECT,
                             related_name="+")
    parameters = models.JSONField("模拟时的参数")
    member_count = models.PositiveIntegerField("参与模拟的企业", default=0)
    changed_count = models.PositiveIntegerField("进出白名单的企业", default=0)
    changes = models.JSONField("进出白名单的企业", default=list)

    objects = FinanceSimulationQuerySet.as_manager()

    class Meta:
        verbose_name = "白名单规则模拟测算"
        verbose_name_plural = "白名单规则模拟测算"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.draft} · {self.started_at:%Y-%m-%d %H:%M}"
