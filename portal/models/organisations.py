from django.db import models

from ..scoping import ScopedQuerySet


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    COUNTY = "county", "县（区）市场监管局"
    CITY = "city", "市级主管部门"
    PROVINCE = "province", "省知识产权局"
    BANK = "bank", "银行"
    SUPPLIER = "supplier", "高校/院所/国企技术转移机构"


# The government level each bureau kind sits at; a bureau's region must be of that level.
BUREAU_LEVELS = {
    OrganisationKind.COUNTY: "county",
    OrganisationKind.CITY: "city",
    OrganisationKind.PROVINCE: "province",
}


class OrganisationQuerySet(ScopedQuerySet):
    scope_region = "region"
    scope_organisation = "pk"


class Organisation(models.Model):
    """An organisation that uses the portal: an enterprise (企业), a bureau, a bank or a supplier."""

    kind = models.CharField("类型", max_length=16, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField("名称", max_length=200)
    region = models.ForeignKey("portal.Region", verbose_name="所在行政区划", on_delete=models.PROTECT,
                               related_name="organisations")
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["region_id", "name"]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self) -> str:
        return self.name
