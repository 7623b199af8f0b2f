from django.conf import settings
from django.core import checks
from django.db import models
from django.utils import timezone

from ..scoping import ScopedQuerySet


class AuditQuerySet(ScopedQuerySet):
    scope_region = "region"
    scope_organisation = "actor__organisation"


class AuditEntry(models.Model):
    """操作日志 — one line of the audit log: who did what to which object, when, from where.

    Append-only: on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0005), except setting the chain
    fields of a not yet sealed entry and the ``SET NULL`` of a deleted person or region. Tamper-evident: once
    committed, each entry is sealed (``portal.services.audit.seal_pending``) with its place in the chain
    (``seq``) and a SHA-256 over its content and the previous entry's hash; ``manage.py verify_audit_chain``
    walks the chain and names the first broken link."""

    created_at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
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
    seq = models.PositiveBigIntegerField("链序号", null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True, editable=False)
    entry_hash = models.CharField("本条哈希", max_length=64, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"


#: MLPS 2.0 level 3: audit records kept at least six months.
MIN_RETENTION_DAYS = 183


@checks.register(checks.Tags.security)
def audit_retention_check(app_configs=None, **kwargs):
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    if days < MIN_RETENTION_DAYS:
        return [checks.Error(f"AUDIT_RETENTION_DAYS={days}：操作日志至少保留 {MIN_RETENTION_DAYS} 天（六个月）。",
                             id="portal.E010")]
    return []
