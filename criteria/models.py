from django.db import models


class CriteriaSet(models.Model):
    """入库标准版本 — one versioned set of the 10 admission standards: its thresholds (``parameters``) and the
    weights of the composite score (``weights``). A batch chooses the set in force; every stored evaluation
    records which set and version produced it. A published set is never edited: a change is a new version."""

    code = models.SlugField("标准代码", max_length=40)  # e.g. national-2024, huangshi-2024
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    parameters = models.JSONField("阈值参数", default=dict)
    weights = models.JSONField("综合评分权重", default=dict)
    is_active = models.BooleanField("可选用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "入库标准版本"
        verbose_name_plural = "入库标准版本"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="criteria_set_code_version")]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"
