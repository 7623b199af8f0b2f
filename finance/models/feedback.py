from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.scoping import ScopedQuerySet


class BankOwnedQuerySet(ScopedQuerySet):
    """A bank's feedback: the bank sees its own, the enterprise its own status, bureaus every bank's of their
    region."""

    scope_region = "region"
    scope_organisation = "bank"

    def extra_scope_q(self, user) -> Q:
        if user.role == "enterprise" and user.organisation_id:
            return Q(enterprise_id=user.organisation_id)
        return Q(pk__in=[])


class BankCase(models.Model):
    """银企对接记录 — a bank's work with one enterprise from its whitelist: when it made contact and the credit line
    (授信) it granted. Loans and pledge registrations hang off it."""

    bank = models.ForeignKey("portal.Organisation", verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("portal.Organisation", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    region = models.ForeignKey("portal.Region", verbose_name="企业所在县（市、区）", on_delete=models.PROTECT,
                               related_name="+")
    entry = models.ForeignKey("finance.PublicationEntry", verbose_name="来源白名单", on_delete=models.PROTECT,
                              related_name="cases")
    enterprise_name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18)
    contacted_on = models.DateField("对接日期", null=True, blank=True)
    credit_amount = models.DecimalField("授信金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    credit_granted_on = models.DateField("授信日期", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = BankOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "银企对接记录"
        verbose_name_plural = "银企对接记录"
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["bank", "enterprise"], name="bank_case_unique")]
        indexes = [models.Index(fields=["region", "updated_at"], name="bank_case_region")]

    def __str__(self) -> str:
        return f"{self.bank} · {self.enterprise_name}"

    @property
    def stage_label(self) -> str:
        if self.credit_amount is not None:
            return "已授信"
        if self.contacted_on is not None:
            return "已对接"
        return "待对接"


class LoanStatus(models.TextChoices):
    OUTSTANDING = "outstanding", "正常还款中"
    REPAID = "repaid", "已结清"
    OVERDUE = "overdue", "逾期"


class Loan(models.Model):
    """质押贷款 — a loan a bank issued to a whitelist enterprise: contract, amount, annual rate, term, start and end,
    and how repayment goes (normal, repaid, overdue since a day)."""

    case = models.ForeignKey(BankCase, verbose_name="对接记录", on_delete=models.PROTECT, related_name="loans")
    bank = models.ForeignKey("portal.Organisation", verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("portal.Organisation", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    region = models.ForeignKey("portal.Region", verbose_name="企业所在县（市、区）", on_delete=models.PROTECT,
                               related_name="+")
    contract_no = models.CharField("贷款合同编号", max_length=60)
    amount = models.DecimalField("放款金额（元）", max_digits=14, decimal_places=2)
    annual_rate = models.DecimalField("年利率（%）", max_digits=6, decimal_places=4)
    term_months = models.PositiveSmallIntegerField("期限（月）")
    start_on = models.DateField("起始日")
    end_on = models.DateField("到期日")
    status = models.CharField("还款状态", max_length=12, choices=LoanStatus.choices, default=LoanStatus.OUTSTANDING)
    repaid_on = models.DateField("结清日期", null=True, blank=True)
    overdue_since = models.DateField("逾期起始日", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = BankOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "质押贷款"
        verbose_name_plural = "质押贷款"
        ordering = ["-start_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["bank", "contract_no"], name="loan_contract_unique"),
                       models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive")]
        indexes = [models.Index(fields=["region", "start_on"], name="loan_region_start"),
                   models.Index(fields=["enterprise", "start_on"], name="loan_enterprise_start")]

    def __str__(self) -> str:
        return f"{self.enterprise.name if self.enterprise_id else ''} · {self.contract_no}"


class PledgeRegistration(models.Model):
    """质押登记 — the registration of the pledge behind a loan: its number and day, the patents and trademarks
    pledged and their appraised value. The loan amount is copied so the pledge figures (质押融资金额、项目数 per
    region and period) are one indexed aggregate."""

    loan = models.OneToOneField(Loan, verbose_name="贷款", on_delete=models.PROTECT, related_name="pledge")
    bank = models.ForeignKey("portal.Organisation", verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("portal.Organisation", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    region = models.ForeignKey("portal.Region", verbose_name="企业所在县（市、区）", on_delete=models.PROTECT,
                               related_name="+")
    registration_no = models.CharField("质押登记编号", max_length=60, unique=True)
    registered_on = models.DateField("登记日期")
    pledged_assets = models.JSONField("质押物（专利号/商标注册号）", default=list)
    pledged_value = models.DecimalField("质押物评估价值（元）", max_digits=14, decimal_places=2)
    loan_amount = models.DecimalField("质押融资金额（元）", max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = BankOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "质押登记"
        verbose_name_plural = "质押登记"
        ordering = ["-registered_on", "-id"]
        indexes = [models.Index(fields=["region", "registered_on"], include=["loan_amount"],
                                name="pledge_region_day"),
                   models.Index(fields=["registered_on"], include=["region", "loan_amount"], name="pledge_day")]

    def __str__(self) -> str:
        return self.registration_no
