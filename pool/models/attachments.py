import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.scoping import BUREAU_ROLES

from .applications import ApplicationChildQuerySet


class AttachmentKind(models.TextChoices):
    LICENCE = "licence", "营业执照"
    QUALIFICATION = "qualification", "资质证书"
    PATENT = "patent", "专利证书/许可合同"
    PRODUCT_FILING = "product_filing", "专利产品备案材料"
    FINANCIAL = "financial", "财务报表/研发费用专项审计"
    STAFF = "staff", "研发人员/社保证明"
    COOPERATION = "cooperation", "产学研合作协议"
    TRADEMARK = "trademark", "商标注册证"
    IP_MANAGEMENT = "ip_management", "知识产权管理体系材料"
    INTEGRITY = "integrity", "诚信承诺书"
    OTHER = "other", "其他"


def attachment_path(instance, filename: str) -> str:
    # A random name: the enterprise's file name never reaches the file system, so it cannot traverse or collide.
    extension = instance.extension or "bin"
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class AttachmentQuerySet(ApplicationChildQuerySet):
    """A draft that was never submitted is the enterprise's business: a bureau sees the files of an application
    only once a submitted revision exists (DESIGN §4.3), the enterprise always."""

    def scope_q(self, user) -> Q:
        q = super().scope_q(user)
        if user.role not in BUREAU_ROLES:
            return q
        own = Q(application__enterprise=user.organisation_id) if user.organisation_id else Q(pk__in=[])
        return (q & Q(application__current_revision__isnull=False)) | own


class Attachment(models.Model):
    """申报附件 — an evidence file uploaded with an application, stored under MEDIA_ROOT with a random name and
    served only through a view that checks scope. Once a submitted revision lists it, it is only hidden
    (``removed_at``), never deleted, so what reviewers saw stays available."""

    application = models.ForeignKey("pool.Application", verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="attachments")
    kind = models.CharField("材料类别", max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    extension = models.CharField("类型", max_length=8)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "申报附件"
        verbose_name_plural = "申报附件"
        ordering = ["application", "kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def manifest(self) -> dict:
        """What a revision records about the file."""
        return {"id": self.pk, "kind": self.kind, "name": self.original_name, "size": self.size,
                "sha256": self.sha256}
