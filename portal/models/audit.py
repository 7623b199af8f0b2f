from django.conf import settings
from django.db import models

from ..scoping import ScopedQuerySet


class AuditQuerySet(ScopedQuerySet):
    scope_region = "region"
    scope_organisation = "actor__organisation"


class AuditEntry(models.Model):
    """操作日志 — one line of the audit log: who did what to which object, when, from where."""

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    target_type = models.CharField("对象类型", max_length=64, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=255, blank=True)
    region = models.ForeignKey("portal.Region", verbose_name="所属区划", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField("说明", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"
