from django.conf import settings
from django.db import models

from portal.scoping import ScopedQuerySet


class LookupQuerySet(ScopedQuerySet):
    scope_region = "bank__region"
    scope_organisation = "bank"


class Lookup(models.Model):
    """名单核验 — a bank's two-way lookup: it sent the 统一社会信用代码 of its own applicants and was told, for each,
    only whether the enterprise is on a whitelist published to it (with consent in force). ``results`` keeps the
    answer row by row: ``[{"row", "code", "listed", "answer"}, …]``; every lookup is audited and counts against
    the bank's daily cap."""

    bank = models.ForeignKey("portal.Organisation", verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="查询人", null=True, on_delete=models.SET_NULL,
                             related_name="+")
    file_name = models.CharField("文件名", max_length=255)
    day = models.DateField("查询日期")
    code_count = models.PositiveIntegerField("查询代码数")
    listed_count = models.PositiveIntegerField("在白名单中")
    results = models.JSONField("核验结果", default=list)
    created_at = models.DateTimeField("查询时间", auto_now_add=True)

    objects = LookupQuerySet.as_manager()

    class Meta:
        verbose_name = "名单核验"
        verbose_name_plural = "名单核验"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bank", "day"], name="lookup_bank_day")]

    def __str__(self) -> str:
        return f"{self.bank} {self.day:%Y-%m-%d} 核验 {self.code_count} 个"
