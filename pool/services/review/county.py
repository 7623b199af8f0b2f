"""The county reviewer's three decisions on a submitted application: approve, return for revision, reject."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from portal.models import User

from ...models import Application, ApplicationStatus
from ...schema import ATTACHMENTS_TAB, SECTION_BY_KEY
from .common import decide, required_text
from .criteria import approval_problems, justify_unresolved

S = ApplicationStatus
RETURN_SECTIONS = (*SECTION_BY_KEY, ATTACHMENTS_TAB[0])


def application_county_approve(*, application: Application, reviewer: User, comment: str = "",
                               justifications: dict | None = None) -> Application:
    """The county approves; every ``warn`` / ``manual`` criterion needs a written reason and no criterion may
    stand at ``fail`` (the reviewer overrides it first, with reasons, if the machine is wrong)."""

    def check(locked: Application) -> None:
        states = justify_unresolved(locked, reviewer=reviewer, justifications=justifications or {})
        problems = approval_problems(states)
        if problems:
            raise ValidationError(problems)

    return decide(application, source=S.SUBMITTED, target=S.COUNTY_APPROVED, user=reviewer,
                  comment=(comment or "").strip(), check=check)


def clean_section_comments(section_comments: dict | None) -> dict[str, str]:
    """The non-blank comments on known sections of the form, in the form's order."""
    given = {k: str(v).strip() for k, v in (section_comments or {}).items() if str(v or "").strip()}
    unknown = set(given) - set(RETURN_SECTIONS)
    if unknown:
        raise ValidationError({"section_comments": f"未知的申报书栏目：{'、'.join(sorted(unknown))}。"})
    return {key: given[key] for key in RETURN_SECTIONS if key in given}


def application_return(*, application: Application, reviewer: User, comment: str = "",
                       section_comments: dict | None = None) -> Application:
    """Send the application back to the enterprise for revision, with an overall comment and/or comments per
    section of the form (shown to the enterprise next to those fields); it comes back as a new revision."""
    sections = clean_section_comments(section_comments)
    comment = (comment or "").strip()
    if not comment and not sections:
        raise ValidationError({"comment": "退回修改须填写意见（总体意见或分栏目意见至少填写一项）。"})
    return decide(application, source=S.SUBMITTED, target=S.RETURNED, user=reviewer, comment=comment,
                  section_comments=sections)


def application_county_reject(*, application: Application, reviewer: User, reason: str) -> Application:
    """The county rejects the application; the reason is required and sent to the enterprise."""
    reason = required_text(reason, "comment", "不予通过须填写理由。")
    return decide(application, source=S.SUBMITTED, target=S.REJECTED, user=reviewer, comment=reason)
