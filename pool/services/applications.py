"""The enterprise's own side of an application: open the draft, autosave it, submit (and resubmit) it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from criteria.evaluation import EvaluationResult
from portal.models import Organisation, User
from portal.services.audit import audit
from portal.services.notifications import notify, notify_on_commit
from portal.validators import normalise_patent_no, normalise_uscc

from ..formdata import merge_posted
from ..models import Application, ApplicationRevision, ApplicationStatus, Batch
from ..schema import empty_data
from ..validation import field_errors, refused_numbers
from ..workflow import TransitionError, ensure_transition
from . import scoring
from .transitions import record_transition


class SubmissionInvalid(ValidationError):
    """Submit refused because of field errors; ``field_errors`` maps each path to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        self.field_errors = errors
        super().__init__(f"申报内容有 {len(errors)} 处需要修改，请按提示修改后再提交。")


@dataclass
class AutosaveResult:
    application: Application
    errors: dict[str, str]
    precheck: EvaluationResult
    sections: list[str]


def initial_data(enterprise: Organisation) -> dict:
    """A new draft knows what registration already told us about the enterprise."""
    data = with_registered_identity(empty_data(), enterprise)
    data["identity"]["region_code"] = enterprise.region_id
    return data


def with_registered_identity(data: dict, enterprise: Organisation) -> dict:
    """``data`` with the enterprise's name and 统一社会信用代码 from its registration, whatever was posted: identity
    (and with it the list check of criterion 10) is never typed."""
    identity = dict(data.get("identity") or {}) if isinstance(data.get("identity"), dict) else {}
    identity["name"] = enterprise.name
    if enterprise.uscc:
        identity["uscc"] = enterprise.uscc
    return {**data, "identity": identity}


def _ensure_enterprise(user: User) -> Organisation:
    if user.role != "enterprise":
        raise TransitionError("只有企业用户可以填写申报。")
    return user.organisation


def application_open_draft(*, batch: Batch, user: User) -> tuple[Application, bool]:
    """The enterprise's application to ``batch``, created as a draft the first time; refreshing the page or
    clicking twice returns the same one (the unique constraint decides a race)."""
    enterprise = _ensure_enterprise(user)
    existing = Application.objects.filter(enterprise=enterprise, batch=batch).first()
    if existing is not None:
        return existing, False
    if not batch.is_open():
        raise ValidationError(f"“{batch.name}”不在申报期内（{batch.opens_on} 至 {batch.closes_on}）。")
    try:
        with transaction.atomic():
            application = Application.objects.create(
                batch=batch, enterprise=enterprise, region_id=enterprise.region_id, data=initial_data(enterprise),
                enterprise_name=enterprise.name, uscc=enterprise.uscc or "", created_by=user,
            )
            audit(actor=user, action="application.created", target=application, data={"batch": batch.pk})
    except IntegrityError:
        return Application.objects.get(enterprise=enterprise, batch=batch), False
    return application, True


def ensure_editable(application: Application, user: User) -> None:
    if user.organisation_id != application.enterprise_id:
        raise TransitionError("只能修改本企业的申报。")
    if not application.is_editable:
        raise TransitionError(f"申报当前状态为“{application.get_status_display()}”，不能修改。")


def _denormalise(application: Application) -> list[str]:
    identity = application.data.get("identity") if isinstance(application.data.get("identity"), dict) else {}
    application.enterprise_name = application.enterprise.name[:200]
    application.uscc = normalise_uscc(application.enterprise.uscc or str(identity.get("uscc") or ""))[:18]
    application.industry_code = str(identity.get("industry_code") or "").strip().upper()[:10]
    return ["enterprise_name", "uscc", "industry_code"]


def application_autosave(*, application: Application, user: User, post) -> AutosaveResult:
    """Merge the posted sections into the draft exactly as typed, never refusing for invalid values (they are
    returned as field errors), and return the fresh pre-check."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("batch__criteria_set",
                                                                              "enterprise").get(pk=application.pk)
        ensure_editable(application, user)
        merged, sections = merge_posted(application.data, post)
        application.data = with_registered_identity(merged, application.enterprise)
        fields = _denormalise(application)
        result = scoring.precheck(application)
        fields += scoring.apply_result(application, result, application.batch.criteria_set)
        application.autosaved_at = timezone.now()
        application.save(update_fields=[*fields, "data", "autosaved_at", "updated_at"])
    errors = {**field_errors(application.data), **refused_numbers(post)}
    return AutosaveResult(application, errors, result, sections)


def normalised(data: dict) -> dict:
    """The submitted form of valid data: patent numbers and the USCC in their canonical spelling."""
    data = dict(data)
    identity = dict(data.get("identity") or {})
    identity["uscc"] = normalise_uscc(str(identity.get("uscc") or ""))
    data["identity"] = identity
    data["patents"] = [{**row, "application_no": normalise_patent_no(str(row.get("application_no") or ""))}
                       for row in data.get("patents") or []]
    data["products"] = [{**row, "core_patents": [normalise_patent_no(c) for c in row.get("core_patents") or []]}
                        for row in data.get("products") or []]
    return data


def _check_window(application: Application) -> None:
    # A resubmission answers a reviewer's return, which may come after the call closed; a first submission may not.
    if application.status == ApplicationStatus.DRAFT and not application.batch.is_open():
        batch = application.batch
        raise ValidationError(f"“{batch.name}”的申报期为 {batch.opens_on} 至 {batch.closes_on}，当前不能提交。")


def _ensure_submittable(application: Application, user: User) -> None:
    """Refuse (TransitionError, ValidationError, SubmissionInvalid with every field) unless ``user`` may submit the
    draft as it stands; ``application.data`` gets the registered identity."""
    ensure_transition(application, to=ApplicationStatus.SUBMITTED, user=user)
    _check_window(application)
    application.data = with_registered_identity(application.data, application.enterprise)
    errors = field_errors(application.data, complete=True)
    if errors:
        raise SubmissionInvalid(errors)


def application_submit_check(*, application: Application, user: User) -> None:
    """What submitting would refuse, checked before the person is asked to confirm (nothing is changed)."""
    application = Application.objects.select_related("batch__criteria_set", "enterprise").get(pk=application.pk)
    _ensure_submittable(application, user)


def application_submit(*, application: Application, user: User) -> Application:
    """Validate the draft completely, freeze it as the next revision, score it and send it to the county."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("batch__criteria_set",
                                                                              "enterprise").get(pk=application.pk)
        _ensure_submittable(application, user)
        application.data = normalised(application.data)
        number = application.revision_number + 1
        attachments = [a.manifest() for a in application.attachments.filter(removed_at__isnull=True)]
        revision = ApplicationRevision.objects.create(application=application, number=number,
                                                      data=application.data, attachments=attachments,
                                                      submitted_by=user)
        from_status = application.status
        application.status = ApplicationStatus.SUBMITTED
        application.revision_number, application.current_revision = number, revision
        application.submitted_at = revision.submitted_at
        fields = _denormalise(application)
        application.save(update_fields=[*fields, "data", "status", "revision_number", "current_revision",
                                        "submitted_at", "updated_at"])
        scoring.evaluation_store(application=application, revision=revision)
        record_transition(application=application, from_status=from_status, user=user)
        transaction.on_commit(lambda: _tell_county(application, number))
    return application


def application_withdraw(*, application: Application, user: User, reason: str = "") -> Application:
    """The enterprise takes back a submission the county has not acted on yet (撤回): it is a draft again, its
    submitted revisions stay, and a later submission is the next revision. The county is told."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("batch").get(pk=application.pk)
        ensure_transition(application, to=ApplicationStatus.DRAFT, user=user)
        application.status = ApplicationStatus.DRAFT
        application.save(update_fields=["status", "updated_at"])
        record_transition(application=application, from_status=ApplicationStatus.SUBMITTED, user=user,
                          comment=(reason or "").strip()[:500])
        reviewers = User.objects.filter(organisation__kind="county", organisation__region_id=application.region_id,
                                        is_active=True)
        notify_on_commit(recipients=list(reviewers), verb="application.withdrawn",
                         title=f"{application.enterprise_name}撤回了申报",
                         body=f"{application.batch.name}：{application.enterprise_name} 已撤回申报，无需审核。",
                         url=f"/pool/applications/{application.pk}/")
    return application


def _tell_county(application: Application, number: int) -> None:
    reviewers = User.objects.filter(organisation__kind="county", organisation__region_id=application.region_id,
                                    is_active=True)
    verb = "首次提交" if number == 1 else f"第 {number} 次提交"
    notify(recipients=reviewers, verb="application.submitted", title=f"{application.enterprise_name}{verb}申报",
           body=f"{application.batch.name}：{application.enterprise_name} 已{verb}申报，请审核。",
           url=reverse("pool:application-detail", args=[application.pk]))
