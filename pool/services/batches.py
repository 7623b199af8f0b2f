"""Batches: the province opens and edits its calls; scoring of a whole batch is queued here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.models import Job, User
from portal.models.jobs import JobStatus
from portal.outbox import enqueue
from portal.services.audit import audit
from portal.services.jobs import job_create

from ..models import Batch, BatchCityQuota
from .review.upper import city_quota, province_quota

SCORE_JOB_KIND = "pool.score_batch"
BATCH_FIELDS = ("name", "year", "criteria_set", "opens_on", "closes_on", "province_quota", "replenishment",
                "description")
#: Who may start the re-scoring of a whole batch (the bureaus that rank its applications).
#: Scoring a batch re-scores every application of the province: only the province (and the operator) start it.
SCORING_ROLES = ("province", "admin")
SCORING_REFUSED = "批量评分覆盖全省的申报，只能由省级主管部门发起；如需重新评分，请联系省级主管部门。"


def can_manage_batches(user: User) -> tuple[bool, str]:
    if user.role == "admin":
        return True, ""
    if user.role != "province":
        return False, "只有省级管理员可以设置申报批次。"
    return True, ""


def _ensure_manager(user: User) -> None:
    allowed, reason = can_manage_batches(user)
    if not allowed:
        raise ValidationError(reason)


def batch_create(*, user: User, region=None, **fields) -> Batch:
    """A province opens a call: its window, the criteria set in force and the province quota."""
    _ensure_manager(user)
    region = region or user.region
    with transaction.atomic():
        batch = Batch(region=region, created_by=user, **{k: v for k, v in fields.items() if k in BATCH_FIELDS})
        batch.full_clean()
        batch.save()
        audit(actor=user, action="batch.created", target=batch,
              data={"criteria_set": batch.criteria_set_id, "opens_on": str(batch.opens_on),
                    "closes_on": str(batch.closes_on), "province_quota": batch.province_quota})
    return batch


def batch_update(*, batch: Batch, user: User, **fields) -> Batch:
    """Change a batch; choosing another criteria set re-scores its submitted applications in Celery."""
    _ensure_manager(user)
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        before = {name: getattr(batch, name) for name in BATCH_FIELDS}
        for name, value in fields.items():
            if name in BATCH_FIELDS:
                setattr(batch, name, value)
        used = province_quota(batch).used
        if batch.province_quota is not None and batch.province_quota < used:
            raise ValidationError({"province_quota": f"全省已推荐 {used} 家，推荐名额不能少于已推荐数。"})
        batch.full_clean()
        batch.save()
        changed = {n: str(getattr(batch, n)) for n in BATCH_FIELDS if getattr(batch, n) != before[n]}
        audit(actor=user, action="batch.updated", target=batch, data=changed)
        if "criteria_set" in changed:
            batch_score_queue(batch=batch, user=user, reason="批次更换了入库标准")
    return batch


def batch_adopt_criteria_version(*, batch: Batch, criteria_set) -> bool:
    """An open batch follows a newly published version of its own criteria set (a published set is never
    edited, so a correction arrives as a new version); its applications are then re-scored."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("criteria_set").get(pk=batch.pk)
        current = batch.criteria_set
        if current.code != criteria_set.code or current.version >= criteria_set.version:
            return False
        batch.criteria_set = criteria_set
        batch.save(update_fields=["criteria_set", "updated_at"])
        audit(actor=None, actor_name="system", action="batch.criteria_set_adopted", target=batch,
              data={"from": f"{current.code} v{current.version}", "to": f"{criteria_set.code} v{criteria_set.version}"})
        batch_score_queue(batch=batch, reason=f"入库标准发布新版本：{criteria_set}")
    return True


def batch_city_quota_set(*, batch: Batch, user: User, city, quota: int | None) -> BatchCityQuota | None:
    """Reserve part of the province quota for one city (``quota=None`` removes the reservation)."""
    _ensure_manager(user)
    with transaction.atomic():
        Batch.objects.select_for_update().get(pk=batch.pk)
        if quota is None:
            BatchCityQuota.objects.filter(batch=batch, city=city).delete()
            audit(actor=user, action="batch.city_quota_removed", target=batch, data={"city": city.code})
            return None
        row = BatchCityQuota.objects.filter(batch=batch, city=city).first() or BatchCityQuota(batch=batch, city=city)
        row.quota = quota
        used = city_quota(batch, city.code).used
        if quota < used:
            raise ValidationError({"quota": f"{city.name}已推荐 {used} 家，名额不能少于已推荐数。"})
        row.full_clean()
        row.save()
        audit(actor=user, action="batch.city_quota_set", target=batch, data={"city": city.code, "quota": quota})
    return row


def batch_score_queue(*, batch: Batch, user: User | None = None, reason: str = "") -> Job:
    """Queue re-scoring of ``batch`` after the current transaction commits. A job still waiting for the same
    batch and the same requester is reused, so a burst of list imports queues one run, not one per import."""
    from ..tasks import score_batch

    waiting = Job.objects.filter(kind=SCORE_JOB_KIND, params__batch_id=batch.pk, status=JobStatus.PENDING,
                                 created_by=user).first()
    if waiting is not None:
        return waiting
    job = job_create(kind=SCORE_JOB_KIND, title=f"批量评分：{batch.name}", created_by=user,
                     params={"batch_id": batch.pk, "reason": reason})
    if user is not None:
        audit(actor=user, action="batch.scoring_queued", target=batch, data={"job": job.pk, "reason": reason})
    enqueue(score_batch, job.pk, batch.pk)
    return job


def latest_score_job(batch: Batch) -> Job | None:
    return Job.objects.filter(kind=SCORE_JOB_KIND, params__batch_id=batch.pk).order_by("-created_at", "-id").first()
