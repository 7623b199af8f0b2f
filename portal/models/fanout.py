from django.db import models

from .jobs import Job


class FanoutStatus(models.TextChoices):
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class FanoutRun(models.Model):
    """分片批处理 — one batch job split into chunks that any Celery worker may take. ``handler`` is the dotted
    path of the code that works a chunk and finishes the run (see ``portal.services.fanout``); ``remaining``
    counts chunks not yet done, and the run is finished by whichever chunk brings it to zero."""

    handler = models.CharField("处理程序", max_length=200)
    job = models.ForeignKey(Job, verbose_name="后台任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="fanout_runs")
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=FanoutStatus.choices, default=FanoutStatus.RUNNING)
    chunk_count = models.PositiveIntegerField("分片数", default=0)
    remaining = models.PositiveIntegerField("未完成分片", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    result = models.JSONField("结果", default=dict, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    Status = FanoutStatus

    class Meta:
        verbose_name = "分片批处理"
        verbose_name_plural = "分片批处理"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"分片批处理 {self.pk}"


class FanoutChunk(models.Model):
    """One chunk of a run: the items whose ids lie in ``[lo, hi]``; ``worker`` is the worker that completed it."""

    run = models.ForeignKey(FanoutRun, verbose_name="批处理", on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField("序号")
    lo = models.BigIntegerField("起始编号")
    hi = models.BigIntegerField("结束编号")
    size = models.PositiveIntegerField("条数", default=0)
    status = models.CharField("状态", max_length=10, choices=FanoutStatus.choices, default=FanoutStatus.RUNNING)
    attempts = models.PositiveIntegerField("执行次数", default=0)
    worker = models.CharField("执行节点", max_length=200, blank=True)
    pid = models.PositiveIntegerField("进程号", null=True, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "批处理分片"
        verbose_name_plural = "批处理分片"
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="fanout_chunk_unique_index")]

    def __str__(self) -> str:
        return f"分片 {self.index}"
