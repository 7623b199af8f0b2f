from django.db import models
from django.db.models import Q

from portal.scoping import ScopedQuerySet


class FinancePolicy(models.Model):
    """质押融资扶持政策版本 — one version of a region's pledge-financing policy: whitelist rules, the consent text
    and its version, the two-way lookup cap, subsidy shares and caps, the risk-compensation share and overdue days
    (``parameters``, read through ``finance.policy.build_rules``). Shipped as JSON; never edited: a change is a new
    version, and every whitelist, subsidy and claim records the version it applied."""

    code = models.SlugField("政策代码", max_length=40)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    region_code = models.CharField("适用行政区划代码", max_length=6, db_index=True,
                                   help_text="市（州）或省的 6 位行政区划代码")
    parameters = models.JSONField("政策参数", default=dict)
    is_active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "质押融资扶持政策"
        verbose_name_plural = "质押融资扶持政策"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="finance_policy_code_version")]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"

    def rules(self):
        from ..policy import build_rules

        return build_rules(code=self.code, version=self.version, parameters=self.parameters)


class PartnerBankQuerySet(ScopedQuerySet):
    scope_region = "region"
    scope_organisation = "bank"

    def active(self):
        return self.filter(active=True)

    def serving(self, region_code: str):
        """Partner banks of the city or the province that contain the county ``region_code``."""
        return self.active().filter(Q(region_id=region_code[:4] + "00") | Q(region_id=region_code[:2] + "0000"))


class PartnerBank(models.Model):
    """合作银行 — a bank that has agreed with a city (or the province) to take part in pledge financing: it may
    receive whitelists, its loans may be subsidised and it may claim from the risk-compensation fund."""

    region = models.ForeignKey("portal.Region", verbose_name="合作地区", on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"level__in": ["city", "province"]})
    bank = models.ForeignKey("portal.Organisation", verbose_name="银行", on_delete=models.PROTECT,
                             related_name="partnerships", limit_choices_to={"kind": "bank"})
    joined_on = models.DateField("合作起始日期")
    active = models.BooleanField("合作中", default=True)

    objects = PartnerBankQuerySet.as_manager()

    class Meta:
        verbose_name = "合作银行"
        verbose_name_plural = "合作银行"
        ordering = ["region", "bank__name"]
        constraints = [models.UniqueConstraint(fields=["region", "bank"], name="partner_bank_unique")]

    def __str__(self) -> str:
        return f"{self.bank} · {self.region}"
