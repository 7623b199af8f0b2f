from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.scoping import ScopedQuerySet


class FundQuerySet(ScopedQuerySet):
    scope_region = "region"

    def extra_scope_q(self, user) -> Q:
        # A partner bank may see the balance of the funds it can claim from.
        if user.role == "bank" and user.organisation_id:
            from .policy import PartnerBank

            regions = PartnerBank.objects.active().filter(bank_id=user.organisation_id).values("region_id")
            return Q(region_id__in=regions)
        return Q(pk__in=[])


class RiskFund(models.Model):
    """风险补偿资金池 — a city's (or the province's) risk-compensation fund: its balance, which a database
    constraint and the locked approval keep from ever going negative."""

    region = models.OneToOneField("portal.Region", verbose_name="所属地区", on_delete=models.PROTECT,
                                  related_name="+")
    name = models.CharField("名称", max_length=100)
    balance = models.DecimalField("余额（元）", max_digits=16, decimal_places=2, default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = "风险补偿资金池"
        verbose_name_plural = "风险补偿资金池"
        ordering = ["region"]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="risk_fund_balance_not_negative")]

    def __str__(self) -> str:
        return self.name


class MovementKind(models.TextChoices):
    DEPOSIT = "deposit", "注入资金"
    PAYOUT = "payout", "风险补偿支出"


class FundMovement(models.Model):
    """资金池收支记录 — one deposit or payout with the balance after it."""

    fund = models.ForeignKey(RiskFund, verbose_name="资金池", on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField("类型", max_length=10, choices=MovementKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2)
    balance_after = models.DecimalField("变动后余额（元）", max_digits=16, decimal_places=2)
    claim = models.ForeignKey("finance.RiskClaim", verbose_name="补偿申请", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金池收支记录"
        verbose_name_plural = "资金池收支记录"
        ordering = ["fund_id", "-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_movement_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交（待市级决定）"
    APPROVED = "approved", "已批准并拨付"
    REJECTED = "rejected", "不予补偿"


class RiskClaimQuerySet(ScopedQuerySet):
    scope_region = "region"
    scope_organisation = "bank"


class RiskClaim(models.Model):
    """风险补偿申请 — a partner bank's claim on the fund for a whitelist loan overdue past the policy's days: the
    loss it reports (未偿本息), the policy's share of it, and the city's decision."""

    bank = models.ForeignKey("portal.Organisation", verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    loan = models.ForeignKey("finance.Loan", verbose_name="质押贷款", on_delete=models.PROTECT, related_name="claims")
    fund = models.ForeignKey(RiskFund, verbose_name="资金池", on_delete=models.PROTECT, related_name="claims")
    region = models.ForeignKey("portal.Region", verbose_name="企业所在县（市、区）", on_delete=models.PROTECT,
                               related_name="+")
    policy = models.ForeignKey("finance.FinancePolicy", verbose_name="适用政策", on_delete=models.PROTECT,
                               related_name="+")
    loss_amount = models.DecimalField("损失金额（未偿本息，元）", max_digits=14, decimal_places=2)
    share = models.DecimalField("补偿比例", max_digits=5, decimal_places=4)
    amount = models.DecimalField("申请补偿金额（元）", max_digits=14, decimal_places=2)
    overdue_days = models.PositiveIntegerField("申请时逾期天数")
    explanation = models.JSONField("测算说明", default=list)
    status = models.CharField("状态", max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_comment = models.TextField("决定意见", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    objects = RiskClaimQuerySet.as_manager()

    class Meta:
        verbose_name = "风险补偿申请"
        verbose_name_plural = "风险补偿申请"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["loan"], condition=~Q(status="rejected"),
                                               name="risk_claim_one_per_loan")]

    def __str__(self) -> str:
        return f"{self.bank} · {self.loan.contract_no if self.loan_id else ''}"
