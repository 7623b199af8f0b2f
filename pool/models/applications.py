from django.conf import settings
from django.db import models
from django.utils import timezone

from criteria.results import VERDICT_LABELS
from portal.scoping import ScopedQuerySet

from .fields import JSONField


class ApplicationStatus(models.TextChoices):
    """Every state of DESIGN §4.3; who may move an application between them is in ``pool/workflow.py``."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交（待县级审核）"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "县级不予通过"
    COUNTY_APPROVED = "county_approved", "县级审核通过"
    CITY_REJECTED = "city_rejected", "市级不予推荐"
    RECOMMENDED = "recommended", "市级已推荐"
    PROVINCE_REJECTED = "province_rejected", "省级不予推荐"
    PROVINCE_RECOMMENDED = "province_recommended", "省级已推荐"
    ADMITTED = "admitted", "已入库"


#: The enterprise may edit its facts and attachments only in these states.
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.RETURNED})


class Verdict(models.TextChoices):
    """The overall verdict, labelled as the evaluation states it (``criteria.results.VERDICT_LABELS``)."""

    ELIGIBLE = "eligible", VERDICT_LABELS["eligible"]
    CONDITIONAL = "conditional", VERDICT_LABELS["conditional"]
    INELIGIBLE = "ineligible", VERDICT_LABELS["ineligible"]


class ApplicationQuerySet(ScopedQuerySet):
    scope_region = "region"
    scope_organisation = "enterprise"


class Application(models.Model):
    """申报 — one enterprise's application to one batch: the draft facts it edits (``data``, in the shape of
    ``criteria.facts.ApplicationFacts``), its status, and denormalised columns the queues filter and sort on."""

    batch = models.ForeignKey("pool.Batch", verbose_name="申报批次", on_delete=models.PROTECT,
                              related_name="applications")
    enterprise = models.ForeignKey("portal.Organisation", verbose_name="申报企业", on_delete=models.PROTECT,
                                   related_name="applications")
    region = models.ForeignKey("portal.Region", verbose_name="所在县（区）", on_delete=models.PROTECT,
                               related_name="+")
    status = models.CharField("状态", max_length=24, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    data = JSONField("申报内容", default=dict, blank=True)
    enterprise_name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    industry_code = models.CharField("主营行业代码", max_length=10, blank=True)
    verdict = models.CharField("预审结论", max_length=12, choices=Verdict.choices, blank=True)
    score = models.DecimalField("综合评分", max_digits=5, decimal_places=2, null=True, blank=True)
    # The ranking's tie-breakers, copied from the evaluation with the score so rankings and exports sort on
    # plain columns instead of reading every stored evaluation.
    rank_rate = models.FloatField("专利产业化率", null=True, blank=True)
    rank_intensity = models.FloatField("研发投入占营业收入比例", null=True, blank=True)
    criteria_set = models.ForeignKey("criteria.CriteriaSet", verbose_name="评分所用标准", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    criteria_set_version = models.PositiveIntegerField("标准版本", null=True, blank=True)
    evaluated_at = models.DateTimeField("评分时间", null=True, blank=True)
    revision_number = models.PositiveIntegerField("当前版本号", default=0)
    current_revision = models.ForeignKey("pool.ApplicationRevision", verbose_name="当前提交版本", null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    autosaved_at = models.DateTimeField("最近保存", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    Status = ApplicationStatus
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "申报"
        verbose_name_plural = "申报"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "batch"], name="application_one_per_batch")]
        indexes = [
            models.Index(fields=["region", "status"], name="application_region_status"),
            models.Index(fields=["batch", "status"], name="application_batch_status"),
            models.Index(fields=["batch", "-score"], name="application_batch_score"),
            # On PostgreSQL also ``application_rank_order`` (migration 0005), in ranking order with NULLS LAST,
            # which SQLite cannot index.
            # The review queue: count and page a batch's submitted applications in submission order without
            # reading the table (region and enterprise ride along for the scope filter).
            models.Index(fields=["batch", "status", "submitted_at", "id"], include=["region", "enterprise"],
                         condition=models.Q(current_revision__isnull=False), name="application_review_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_name} · {self.batch_id}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def draft_visible_to(self, user) -> bool:
        """Whether ``user`` may read the working draft (its data and live pre-check): only the enterprise, and only
        while it is editable. Reviewers of the region read submitted revisions, never an unsubmitted draft."""
        return self.is_editable and user.organisation_id == self.enterprise_id


class ApplicationChildQuerySet(ScopedQuerySet):
    """What hangs off an application is visible exactly when its application is."""

    scope_region = "application__region"
    scope_organisation = "application__enterprise"


class ImmutableError(Exception):
    pass


class ApplicationRevision(models.Model):
    """申报版本 — the frozen copy of an application's facts and attachment list at one submission (1, 2, …).
    Reviewers always read a revision, never the live draft; a row is never changed once written."""

    application = models.ForeignKey(Application, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="revisions")
    number = models.PositiveIntegerField("版本号")
    data = JSONField("申报内容")
    attachments = JSONField("附件清单", default=list)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = "申报版本"
        verbose_name_plural = "申报版本"
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.application} 第 {self.number} 版"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("已提交的申报版本不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("已提交的申报版本不可删除。")


class ApplicationTransition(models.Model):
    """申报流转记录 — one status change: who, when, from, to, the comment and any per-section comments."""

    application = models.ForeignKey(Application, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="transitions")
    from_status = models.CharField("原状态", max_length=24, choices=ApplicationStatus.choices)
    to_status = models.CharField("新状态", max_length=24, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_role = models.CharField("操作人角色", max_length=16, blank=True)
    comment = models.TextField("意见", blank=True)
    section_comments = JSONField("分项意见", default=dict, blank=True)
    revision_number = models.PositiveIntegerField("对应版本号", default=0)
    created_at = models.DateTimeField("时间", default=timezone.now)

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = "申报流转记录"
        verbose_name_plural = "申报流转记录"
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Evaluation(models.Model):
    """评分结果 — the stored result of scoring one application under one criteria-set version: the verdict,
    the composite score and every criterion's outcome with its evidence (``results``). Batch scoring upserts
    on (application, criteria set) and skips rows whose ``input_hash`` is unchanged, so re-running is a no-op."""

    application = models.ForeignKey(Application, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="evaluations")
    revision = models.ForeignKey(ApplicationRevision, verbose_name="评分所用版本", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    criteria_set = models.ForeignKey("criteria.CriteriaSet", verbose_name="入库标准", on_delete=models.PROTECT,
                                     related_name="+")
    criteria_set_version = models.PositiveIntegerField("标准版本")
    verdict = models.CharField("结论", max_length=12, choices=Verdict.choices)
    score = models.DecimalField("综合评分", max_digits=5, decimal_places=2)
    rank_rate = models.FloatField("专利产业化率", null=True, blank=True)
    rank_intensity = models.FloatField("研发投入占营业收入比例", null=True, blank=True)
    results = JSONField("逐项结果")
    input_hash = models.CharField("输入摘要", max_length=64)
    evaluated_on = models.DateField("评价基准日")
    evaluated_at = models.DateTimeField("评分时间", default=timezone.now)

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = "评分结果"
        verbose_name_plural = "评分结果"
        ordering = ["-evaluated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["application", "criteria_set"],
                                               name="evaluation_application_set")]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_verdict_display()} {self.score}"
