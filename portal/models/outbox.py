from django.db import models


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"


class OutboxTask(models.Model):
    """A background task queued in the same transaction as the change that asks for it (transactional outbox):
    the change and its task stand or fall together; the task is handed to the broker after commit, and again
    later (``portal.outbox.drain``) while the broker cannot be reached."""

    task = models.CharField("任务", max_length=200)
    args = models.JSONField("位置参数", default=list, blank=True)
    kwargs = models.JSONField("命名参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField("发送次数", default=0)
    last_error = models.CharField("最近一次失败原因", max_length=200, blank=True)
    created_at = models.DateTimeField("排队时间", auto_now_add=True)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "待发送后台任务"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["status", "created_at"], name="portal_outbox_status_idx")]

    def __str__(self) -> str:
        return f"{self.task}（{self.get_status_display()}）"
