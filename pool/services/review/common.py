"""What every reviewer's transition shares: lock the row, check who may act, apply, log, tell the enterprise.

Each service locks the application (``select_for_update``) before looking at its status, so of two reviewers
acting at once the second waits for the first to commit, then finds the status moved on and is told so in
Chinese (``AlreadyHandled``) instead of overwriting the first decision.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.models import User

from ...models import Application, ApplicationStatus, ApplicationTransition
from ...notifications import tell_enterprise
from ...workflow import Transition, TransitionError, actor_refusal, transition_for
from ..transitions import record_transition

S = ApplicationStatus


class AlreadyHandled(TransitionError):
    """The application left the status the reviewer acted on (someone else decided first)."""


class NotYetReached(TransitionError):
    """The application has not reached the step yet (an earlier level still has to act): a wrong state, not a
    concurrent change."""


#: The main line of the workflow in order; a status earlier on it than a step's source has not reached the step.
MAIN_LINE = (S.DRAFT, S.SUBMITTED, S.COUNTY_APPROVED, S.RECOMMENDED, S.PROVINCE_RECOMMENDED, S.ADMITTED)


def lock(application: Application | int) -> Application:
    pk = application if isinstance(application, int) else application.pk
    return locking_queryset().get(pk=pk)


def locking_queryset():
    """The applications read to be changed: locked, with the batch, criteria set and region they are judged by."""
    # ``of=("self",)``: lock the application row only, not the batch or region joined in for reading.
    return Application.objects.select_for_update(of=("self",)).select_related("batch__criteria_set", "region")


def step(source: str, target: str) -> Transition:
    rule = transition_for(source, target)
    if rule is None:  # a programming error: the services name only steps of the table
        raise LookupError(f"no transition {source} → {target} in pool.workflow.TRANSITIONS")
    return rule


def guard(application: Application, rule: Transition, user: User) -> None:
    """Refuse unless ``user`` owns ``rule`` (role and region, as ``workflow.check_transition`` says) and the
    application still waits for it. The role is checked before the status, so a person who may never take this
    step is told so rather than that someone else was quicker."""
    reason = actor_refusal(rule, user, application)
    if reason:
        raise TransitionError(reason)
    if application.status != rule.source:
        if application.status == S.DRAFT:
            raise TransitionError("该申报尚未提交，不能审核。")
        if application.status in MAIN_LINE and rule.source in MAIN_LINE and (
                MAIN_LINE.index(application.status) < MAIN_LINE.index(rule.source)):
            raise NotYetReached(f"该申报尚未到达此环节：当前状态为“{application.get_status_display()}”，"
                                f"状态为“{S(rule.source).label}”时才能{rule.label}。")
        raise AlreadyHandled(f"该申报已被其他审核人员处理，当前状态：{application.get_status_display()}。")


def required_text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def apply(application: Application, rule: Transition, user: User, *, comment: str = "",
          section_comments: dict | None = None) -> ApplicationTransition:
    """Move the locked ``application`` along ``rule``; log who, when, from, to and why; tell the enterprise
    after commit."""
    application.status = rule.target
    application.updated_at = timezone.now()
    application.save(update_fields=["status", "updated_at"])
    entry = record_transition(application=application, from_status=rule.source, user=user, comment=comment,
                              section_comments=section_comments)
    tell_enterprise(application, entry)  # queued for after commit
    return entry


def decide(application: Application, *, source: str, target: str, user: User, comment: str = "",
           section_comments: dict | None = None, check=None, then=None) -> Application:
    """One transition in one transaction: lock, guard, optional extra ``check(locked)``, apply, then optional
    ``then(locked)`` (what the new status brings with it, e.g. the pool member of an admission)."""
    rule = step(source, target)
    with transaction.atomic():
        locked = lock(application)
        guard(locked, rule, user)
        if check is not None:
            check(locked)
        apply(locked, rule, user, comment=comment, section_comments=section_comments)
        if then is not None:
            then(locked)
    return locked
