"""The city's (or the province's) whitelist drafts: start a generation (Celery job with progress), exclude an
enterprise with a reason or take the exclusion back. Publishing is in ``publications``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.models import User
from portal.outbox import enqueue
from portal.services import audit
from portal.services.jobs import job_create

from ..models import Candidate, Whitelist, WhitelistStatus
from ..models.whitelists import PUBLISHED_IMMUTABLE, ImmutableError
from .policies import policy_for

PUBLISH_ROLES = frozenset({"city", "province"})


def can_manage_whitelists(user) -> tuple[bool, str]:
    if user is None or not user.is_authenticated or user.role not in PUBLISH_ROLES:
        return False, "只有市级、省级主管部门可以生成和发布白名单。"
    return True, ""


def ensure_publisher(user, whitelist: Whitelist | None = None) -> None:
    allowed, reason = can_manage_whitelists(user)
    if not allowed:
        raise PermissionDenied(reason)
    if whitelist is not None and user.region.code != whitelist.region_id:
        raise PermissionDenied("只能处理本单位生成的白名单。")


def whitelist_generate_start(*, user: User) -> Whitelist:
    """Open a new draft for the user's region and queue its generation; an older unpublished draft of the
    region is discarded (it would go stale)."""
    from ..tasks import generate_whitelist

    ensure_publisher(user)
    region = user.region
    policy = policy_for(region.code)
    with transaction.atomic():
        stale = Whitelist.objects.select_for_update().filter(
            region=region, status__in=[WhitelistStatus.DRAFT, WhitelistStatus.GENERATING, WhitelistStatus.FAILED])
        if any(w.status == WhitelistStatus.GENERATING for w in stale):
            raise ValidationError("本地区已有白名单正在生成，请等待其完成。")
        stale.update(status=WhitelistStatus.DISCARDED)
        job = job_create(kind="finance.whitelist", title=f"生成授信企业白名单：{region.name}", created_by=user)
        whitelist = Whitelist.objects.create(region=region, policy=policy, evaluated_on=timezone.localdate(),
                                             job=job, created_by=user)
        job.params = {"whitelist": whitelist.pk}
        job.save(update_fields=["params"])
        audit(actor=user, action="whitelist.generation_started", target=whitelist,
              data={"policy": policy.code, "policy_version": policy.version, "job": job.pk})
        enqueue(generate_whitelist, job.pk, whitelist.pk)
    return whitelist


def _locked_draft(candidate: Candidate, user: User) -> tuple[Whitelist, Candidate]:
    whitelist = Whitelist.objects.select_for_update().get(pk=candidate.whitelist_id)
    ensure_publisher(user, whitelist)
    if whitelist.status == WhitelistStatus.PUBLISHED:
        raise ImmutableError(PUBLISHED_IMMUTABLE)
    if whitelist.status != WhitelistStatus.DRAFT:
        raise ValidationError(f"白名单当前为“{whitelist.get_status_display()}”，不能修改。")
    return whitelist, Candidate.objects.select_for_update().get(pk=candidate.pk)


def _recount(whitelist: Whitelist) -> None:
    whitelist.excluded_count = whitelist.candidates.filter(excluded=True).count()
    whitelist.save(update_fields=["excluded_count"])


def candidate_exclude(*, candidate: Candidate, user: User, reason: str) -> Candidate:
    """Leave an eligible enterprise out of this draft, with the reason (kept and shown)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写排除理由。"})
    with transaction.atomic():
        whitelist, candidate = _locked_draft(candidate, user)
        if not candidate.eligible:
            raise ValidationError("该企业本不符合白名单条件，无需排除。")
        candidate.excluded, candidate.exclusion_reason = True, reason[:300]
        candidate.excluded_by, candidate.excluded_at = user, timezone.now()
        candidate.save(update_fields=["excluded", "exclusion_reason", "excluded_by", "excluded_at"])
        _recount(whitelist)
        audit(actor=user, action="whitelist.candidate_excluded", target=whitelist, comment=reason,
              data={"candidate": candidate.pk, "enterprise": candidate.enterprise_id})
    return candidate


def candidate_include(*, candidate: Candidate, user: User) -> Candidate:
    """Take an exclusion back."""
    with transaction.atomic():
        whitelist, candidate = _locked_draft(candidate, user)
        candidate.excluded, candidate.exclusion_reason, candidate.excluded_by, candidate.excluded_at = \
            False, "", None, None
        candidate.save(update_fields=["excluded", "exclusion_reason", "excluded_by", "excluded_at"])
        _recount(whitelist)
        audit(actor=user, action="whitelist.candidate_included", target=whitelist,
              data={"candidate": candidate.pk, "enterprise": candidate.enterprise_id})
    return candidate


def whitelist_discard(*, whitelist: Whitelist, user: User) -> Whitelist:
    with transaction.atomic():
        whitelist = Whitelist.objects.select_for_update().get(pk=whitelist.pk)
        ensure_publisher(user, whitelist)
        if whitelist.status == WhitelistStatus.PUBLISHED:
            raise ImmutableError(PUBLISHED_IMMUTABLE)
        whitelist.status = WhitelistStatus.DISCARDED
        whitelist.save(update_fields=["status"])
        audit(actor=user, action="whitelist.discarded", target=whitelist)
    return whitelist

