from django.conf import settings
from django.db import models
from django.utils import timezone

from .applications import ApplicationChildQuerySet


class Outcome(models.TextChoices):
    """A criterion's outcome, as the evaluator states it (``criteria.results``) and as a reviewer may decide it."""

    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    WARN = "warn", "原则上不符合"
    MANUAL = "manual", "需人工判断"


#: What a reviewer may decide when overriding the machine: a human judgement resolves the question.
OVERRIDE_OUTCOMES = (Outcome.PASS, Outcome.FAIL)


class CriterionReview(models.Model):
    """审核逐项意见 — a reviewer's written judgement on one criterion of one submitted revision.

    Either a justification that accepts the machine's ``warn`` / ``manual`` outcome (``outcome`` equals
    ``machine_outcome``) or an override (改判) to ``pass`` / ``fail``. The machine outcome stays recorded beside
    it; a judgement counts only while the machine still says what it said when the reviewer wrote it."""

    application = models.ForeignKey("pool.Application", verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="criterion_reviews")
    revision_number = models.PositiveIntegerField("对应版本号")
    number = models.PositiveSmallIntegerField("标准序号")
    machine_outcome = models.CharField("系统结论", max_length=8, choices=Outcome.choices)
    outcome = models.CharField("审核结论", max_length=8, choices=Outcome.choices)
    justification = models.TextField("理由")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    reviewer_role = models.CharField("审核人角色", max_length=16, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = "审核逐项意见"
        verbose_name_plural = "审核逐项意见"
        ordering = ["application", "revision_number", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "revision_number", "number"],
                                               name="criterion_review_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} 第 {self.number} 项：{self.get_outcome_display()}"

    @property
    def is_override(self) -> bool:
        return self.outcome != self.machine_outcome


class ReviewDigest(models.Model):
    """审核待办日报 — one day's digest of new submissions sent to reviewers; the unique day keeps the daily
    beat task from sending twice."""

    day = models.DateField("日期", unique=True)
    recipients = models.PositiveIntegerField("收件人数", default=0)
    created_at = models.DateTimeField("发送时间", default=timezone.now)

    class Meta:
        verbose_name = "审核待办日报"
        verbose_name_plural = "审核待办日报"
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}"
