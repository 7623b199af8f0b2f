from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.scoping import ScopedQuerySet


class SubsidyStatus(models.TextChoices):
    """Who moves an application between these is in ``finance/workflow.py``."""

    SUBMITTED = "submitted", "已提交（待县级核实）"
    COUNTY_VERIFIED = "county_verified", "县级已核实（待市级审批）"
    COUNTY_REJECTED = "county_rejected", "县级核实不通过"
    APPROVED = "approved", "市级已批准（待拨付）"
    CITY_REJECTED = "city_rejected", "市级不予批准"
    PAID = "paid", "已拨付"


#: Applications whose amount counts against the caps (approved, whether paid yet or not).
GRANTED_STATUSES = (SubsidyStatus.APPROVED, SubsidyStatus.PAID)


class SubsidyQuerySet(ScopedQuerySet):
    scope_region = "region"
    scope_organisation = "enterprise"

    def granted(self):
        return self.filter(status__in=GRANTED_STATUSES)


class SubsidyApplication(models.Model):
    """补贴申请 — an enterprise's application for an interest subsidy (贴息) and evaluation, insurance and guarantee
    fee subsidies on one pledge loan for one period: what it paid, the amount the policy gives explained term by
    term (``computation``), the county's verification, the city's approval (the granted amount, held to the caps
    per loan and per enterprise per year under a lock) and the payment."""

    enterprise = models.ForeignKey("portal.Organisation", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    region = models.ForeignKey("portal.Region", verbose_name="所在县（市、区）", on_delete=models.PROTECT,
                               related_name="+")
    loan = models.ForeignKey("finance.Loan", verbose_name="质押贷款", on_delete=models.PROTECT,
                             related_name="subsidies")
    policy = models.ForeignKey("finance.FinancePolicy", verbose_name="适用政策", on_delete=models.PROTECT,
                               related_name="+")
    year = models.PositiveSmallIntegerField("补贴年度")
    period_from = models.DateField("计息起始日", null=True, blank=True)
    period_to = models.DateField("计息截止日", null=True, blank=True)
    interest_paid = models.DecimalField("实际支付利息（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    evaluation_fee = models.DecimalField("评估费（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    insurance_fee = models.DecimalField("保险费（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    guarantee_fee = models.DecimalField("担保费（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    requested_amount = models.DecimalField("测算补贴金额（元）", max_digits=14, decimal_places=2)
    granted_amount = models.DecimalField("核定补贴金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    computation = models.JSONField("测算过程", default=dict)
    eligibility = models.JSONField("资格审查", default=list)
    status = models.CharField("状态", max_length=16, choices=SubsidyStatus.choices, default=SubsidyStatus.SUBMITTED)
    notice_number = models.CharField("通知书编号", max_length=40, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    payment_reference = models.CharField("拨付凭证号", max_length=60, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = SubsidyQuerySet.as_manager()

    class Meta:
        verbose_name = "补贴申请"
        verbose_name_plural = "补贴申请"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "status"], name="subsidy_region_status"),
                   models.Index(fields=["enterprise", "year", "status"], name="subsidy_enterprise_year")]
        constraints = [models.CheckConstraint(condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0),
                                              name="subsidy_granted_not_negative")]

    def __str__(self) -> str:
        return f"{self.loan.contract_no if self.loan_id else ''} {self.year} 年度补贴申请"


class SubsidyTransition(models.Model):
    """补贴申请流转记录 — one status change: who, when, from, to and the comment."""

    application = models.ForeignKey(SubsidyApplication, verbose_name="补贴申请", on_delete=models.CASCADE,
                                    related_name="transitions")
    from_status = models.CharField("原状态", max_length=16, choices=SubsidyStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=SubsidyStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "补贴申请流转记录"
        verbose_name_plural = "补贴申请流转记录"
        ordering = ["application_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class EvidenceKind(models.TextChoices):
    CONTRACT = "contract", "借款合同"
    INTEREST_VOUCHER = "interest_voucher", "付息凭证"
    FEE_INVOICE = "fee_invoice", "评估、保险、担保费发票"
    PLEDGE_CERTIFICATE = "pledge_certificate", "质押登记证明"
    OTHER = "other", "其他"


class EvidenceQuerySet(ScopedQuerySet):
    """Evidence is visible exactly when its application is."""

    scope_region = "application__region"
    scope_organisation = "application__enterprise"


class SubsidyEvidence(models.Model):
    """补贴申请证明材料 — a file the enterprise attached (contract, interest vouchers, fee invoices), checked by
    content like the pool's attachments."""

    application = models.ForeignKey(SubsidyApplication, verbose_name="补贴申请", on_delete=models.CASCADE,
                                    related_name="evidence")
    kind = models.CharField("材料类型", max_length=20, choices=EvidenceKind.choices)
    file = models.FileField("文件", upload_to="finance/evidence/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "补贴证明材料"
        verbose_name_plural = "补贴证明材料"
        ordering = ["application_id", "kind", "id"]

    def __str__(self) -> str:
        return self.original_name
