from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from ..scoping import ScopedQuerySet


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业用户"
    COUNTY = "county", "县级审核员"
    CITY = "city", "市级管理员"
    PROVINCE = "province", "省级管理员"
    BANK = "bank", "银行信贷员"
    SUPPLIER = "supplier", "技术供给方"
    ADMIN = "admin", "系统管理员"


class UserQuerySet(ScopedQuerySet):
    scope_region = "organisation__region"
    scope_organisation = "organisation"


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. Belongs to one organisation; the organisation's kind is the person's role."""

    organisation = models.ForeignKey("portal.Organisation", verbose_name="所属机构", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="users")
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role(self) -> str:
        if self.organisation_id is None:
            return Role.ADMIN
        return self.own_organisation().kind

    def own_organisation(self):
        """The person's organisation, read with its region in one query the first time (every page asks for the
        role, and scoping for the region)."""
        if self.organisation_id is None:
            return None
        descriptor = type(self).organisation
        if not descriptor.is_cached(self):
            from .organisations import Organisation

            descriptor.field.set_cached_value(
                self, Organisation.objects.select_related("region").get(pk=self.organisation_id))
        return self.organisation

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def region(self):
        return self.own_organisation().region if self.organisation_id else None
