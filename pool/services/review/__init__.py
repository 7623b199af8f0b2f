"""The review workflow of DESIGN §4.3: one service per reviewer's transition, plus the dispatcher the pages and
the API call with the target status of a button, and batch actions that report row by row.

``county`` — approve / return / reject; ``upper`` — city recommend / reject, province recommend / reject / admit
(quotas under a lock on the batch row); ``criteria`` — overrides and justifications beside the machine verdict;
``digest`` — the reviewers' daily digest of new submissions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from portal.models import User
from portal.services.audit import audit

from ...models import Application, ApplicationStatus
from ...workflow import TRANSITIONS, TransitionError
from .common import AlreadyHandled, locking_queryset
from .county import application_county_approve, application_county_reject, application_return
from .criteria import approval_problems, criterion_review_save, criterion_states, locked_criterion_review_save
from .upper import (
    QuotaStatus,
    application_admit,
    application_city_reject,
    application_province_recommend,
    application_province_reject,
    application_recommend,
    city_code,
    city_quota,
    province_quota,
)

S = ApplicationStatus

__all__ = [
    "ACTION_LABELS", "AlreadyHandled", "QuotaStatus", "RowOutcome", "SERVICES", "application_admit", "application_city_reject",
    "application_county_approve", "application_county_reject", "application_province_recommend",
    "application_province_reject", "application_recommend", "application_return", "approval_problems",
    "city_code", "city_quota", "criterion_review_save", "criterion_states", "error_text",
    "locked_criterion_review_save", "locking_queryset", "province_quota", "review_batch", "review_transition",
]


def _with_reason(service: Callable) -> Callable:
    return lambda *, application, reviewer, comment="", **_: service(application=application, reviewer=reviewer,
                                                                       reason=comment)


def _with_comment(service: Callable) -> Callable:
    return lambda *, application, reviewer, comment="", **_: service(application=application, reviewer=reviewer,
                                                                       comment=comment)


#: The reviewer's service for each target status (each target has exactly one source in the table).
SERVICES: dict[str, Callable] = {
    S.COUNTY_APPROVED: lambda *, application, reviewer, comment="", justifications=None, **_:
        application_county_approve(application=application, reviewer=reviewer, comment=comment,
                                   justifications=justifications),
    S.RETURNED: lambda *, application, reviewer, comment="", section_comments=None, **_:
        application_return(application=application, reviewer=reviewer, comment=comment,
                           section_comments=section_comments),
    S.REJECTED: _with_reason(application_county_reject),
    S.RECOMMENDED: _with_comment(application_recommend),
    S.CITY_REJECTED: _with_reason(application_city_reject),
    S.PROVINCE_RECOMMENDED: _with_comment(application_province_recommend),
    S.PROVINCE_REJECTED: _with_reason(application_province_reject),
    S.ADMITTED: _with_comment(application_admit),
}
#: The button label of each reviewer's step, by target status (what a person reads in reports and messages).
ACTION_LABELS: dict[str, str] = {t.target: t.label for t in TRANSITIONS if t.target in SERVICES}
#: Decisions that need a written reason (the same on every row of a batch action).
REASON_REQUIRED = frozenset(t.target for t in TRANSITIONS if t.target in SERVICES and t.comment_required)


def review_transition(*, application: Application, reviewer: User, to: str, comment: str = "",
                      section_comments: dict | None = None, justifications: dict | None = None) -> Application:
    """Take the reviewer's step that leads to status ``to`` (what a button or an API call names)."""
    service = SERVICES.get(to)
    if service is None:
        raise TransitionError("不支持的审核操作。")
    return service(application=application, reviewer=reviewer, comment=comment,
                   section_comments=section_comments, justifications=justifications)


def error_text(error: Exception) -> str:
    """One Chinese sentence for a refused decision (every message of a ValidationError, joined)."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


@dataclass(frozen=True)
class RowOutcome:
    pk: int
    name: str
    ok: bool
    message: str


def _unique(ids: Iterable) -> list[int]:
    out = []
    for raw in ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            continue
        if value not in out:
            out.append(value)
    return out


def review_batch(*, reviewer: User, application_ids: Iterable, to: str, comment: str = "") -> list[RowOutcome]:
    """Take the same step on each selected application, each in its own transaction; every row is checked on
    its own and reported (done, or why not), so one refused row never holds back the others."""
    if to not in SERVICES:
        raise ValidationError({"to": "请选择审核操作。"})
    if to in REASON_REQUIRED and not (comment or "").strip():
        raise ValidationError({"comment": "该操作须填写意见，将用于所选的每一件申报。"})
    ids = _unique(application_ids)
    if not ids:
        raise ValidationError({"ids": "请至少选择一件申报。"})
    found = {a.pk: a for a in Application.objects.visible_to(reviewer).filter(pk__in=ids)
             .only("pk", "enterprise_name", "status", "region", "batch")}
    label = ACTION_LABELS[to]
    outcomes = []
    for pk in ids:
        application = found.get(pk)
        if application is None:
            outcomes.append(RowOutcome(pk, "", False, "未找到该申报，或不在您的辖区内。"))
            continue
        try:
            review_transition(application=application, reviewer=reviewer, to=to, comment=comment)
        except (TransitionError, ValidationError) as error:
            outcomes.append(RowOutcome(pk, application.enterprise_name, False, error_text(error)))
        else:
            outcomes.append(RowOutcome(pk, application.enterprise_name, True, f"已办理：{label}"))
    audit(actor=reviewer, action="application.batch_review", comment=comment,
          data={"to": to, "ids": ids, "done": [o.pk for o in outcomes if o.ok]})
    return outcomes
