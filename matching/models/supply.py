from django.db import models
from django.db.models import Q

from portal.scoping import ScopedQuerySet

from ..choices import HolderType, LegalStatus, OfferType, PatentType


class SupplyPatentQuerySet(ScopedQuerySet):
    """The catalogue is public to everyone signed in; unlisted patents only to their supplier."""

    scope_organisation = "supplier"

    def extra_scope_q(self, user) -> Q:
        return Q(is_listed=True)

    def owned_by(self, user):
        """What ``user`` may edit: its own organisation's patents (everything for the operator)."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.role == "admin":
            return self.all() if user.is_superuser or user.is_staff else self.none()
        if user.role != "supplier":
            return self.none()
        return self.filter(supplier_id=user.organisation_id)

    def matchable(self):
        """Patents the engine offers to demands: listed and not lapsed."""
        return self.filter(is_listed=True).exclude(legal_status=LegalStatus.LAPSED)


class SupplyPatent(models.Model):
    """专利供给 — a patent a university, institute, SOE or enterprise offers for transfer, licence, open
    licence or shares, kept by the supplier organisation (its technology-transfer office)."""

    application_no = models.CharField("申请号", max_length=20, unique=True)
    external_id = models.CharField("供给编号", max_length=40, blank=True, db_index=True)
    patent_type = models.CharField("专利类型", max_length=16, choices=PatentType.choices)
    title = models.CharField("专利名称", max_length=300)
    abstract = models.TextField("摘要", blank=True)
    ipc_main = models.CharField("主分类号", max_length=20, db_index=True)
    ipc_other = models.CharField("其他分类号", max_length=200, blank=True, help_text="多个以分号分隔")
    holder_name = models.CharField("专利权人", max_length=200)
    holder_type = models.CharField("权利人类型", max_length=16, choices=HolderType.choices)
    supplier = models.ForeignKey("portal.Organisation", verbose_name="供给方", on_delete=models.PROTECT,
                                 related_name="supply_patents")
    region = models.ForeignKey("portal.Region", verbose_name="所在地", on_delete=models.PROTECT,
                               related_name="+")
    legal_status = models.CharField("法律状态", max_length=16, choices=LegalStatus.choices)
    offer_type = models.CharField("转化方式", max_length=16, choices=OfferType.choices)
    price = models.DecimalField("价格（元）", max_digits=14, decimal_places=2, null=True, blank=True,
                                help_text="留空表示面议；作价入股填估值")
    payment_terms = models.CharField("支付方式", max_length=200, blank=True)
    open_licence_fee = models.DecimalField("开放许可使用费（元）", max_digits=14, decimal_places=2, null=True,
                                           blank=True, help_text="开放许可须公布的每个被许可人的许可使用费")
    industry_chain = models.CharField("产业链", max_length=50, blank=True, db_index=True)
    ever_licensed = models.BooleanField("曾许可或转让", default=False)
    ever_used = models.BooleanField("已实施", default=False)
    is_dormant = models.BooleanField("沉睡专利", default=False, db_index=True)
    is_listed = models.BooleanField("在供给库中公开", default=True)
    tokens = models.JSONField("分词结果", null=True, blank=True, editable=False)
    tokens_version = models.CharField("分词版本", max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = SupplyPatentQuerySet.as_manager()

    class Meta:
        verbose_name = "专利供给"
        verbose_name_plural = "专利供给"
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["supplier", "is_listed"]), models.Index(fields=["offer_type"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.application_no}）"

    @property
    def ipc_codes(self) -> tuple[str, ...]:
        others = [c.strip() for c in self.ipc_other.split(";") if c.strip()]
        return (self.ipc_main, *others)

    @property
    def filing_year(self) -> int | None:
        digits = self.application_no[:4]
        return int(digits) if len(self.application_no) >= 13 and digits.isdigit() else None

    def price_display(self) -> str:
        return "面议" if self.price is None else f"{self.price:,.0f} 元"
