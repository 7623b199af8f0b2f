"""The county's decisions: approve, return with comments per section, reject with a reason; who may take them."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from pool.models import ApplicationStatus, ApplicationTransition
from pool.services.applications import application_autosave, application_submit
from pool.services.review import (
    AlreadyHandled,
    application_county_approve,
    application_county_reject,
    application_return,
)
from pool.workflow import TransitionError
from portal.models import AuditEntry, Notification
from tests.pool.helpers import form_post
from tests.review.helpers import reviewer, submitted

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_approval_moves_to_county_approved_and_logs_who_when_from_to(batch, county):
    application = submitted(batch)
    application_county_approve(application=application, reviewer=county, comment="材料齐全")
    application.refresh_from_db()
    assert application.status == S.COUNTY_APPROVED
    entry = application.transitions.get(to_status=S.COUNTY_APPROVED)
    assert (entry.from_status, entry.actor, entry.actor_role, entry.comment) == (S.SUBMITTED, county, "county",
                                                                                 "材料齐全")
    audit = AuditEntry.objects.get(action="application.county_approved", target_id=str(application.pk))
    assert audit.actor == county and audit.data["from"] == "submitted" and audit.comment == "材料齐全"


def test_the_enterprise_is_told_of_the_return_in_app_and_by_mail_with_every_comment(
        batch, applicant, county, django_capture_on_commit_callbacks):
    application = submitted(batch, user=applicant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_return(application=application, reviewer=county, comment="请补充材料",
                           section_comments={"rnd": "研发费用请附专项审计报告", "patents": "第 2 件专利请核实权属"})
    note = Notification.objects.get(recipient=applicant, verb="application.returned")
    assert "请补充材料" in note.body and "【研发投入与团队】研发费用请附专项审计报告" in note.body
    assert note.url == reverse("pool:application-edit", args=[application.pk])
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert "第 2 件专利请核实权属" in mail.outbox[0].body


def test_no_notice_leaves_before_the_decision_commits(batch, applicant, county, django_capture_on_commit_callbacks):
    application = submitted(batch, user=applicant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_county_reject(application=application, reviewer=county, reason="不属于专利密集型产业")
    assert not Notification.objects.filter(recipient=applicant, verb="application.rejected").exists()
    for callback in callbacks:
        callback()
    assert "不属于专利密集型产业" in Notification.objects.get(recipient=applicant,
                                                              verb="application.rejected").body


def test_return_needs_an_overall_or_a_section_comment(batch, county):
    application = submitted(batch)
    with pytest.raises(ValidationError, match="至少填写一项"):
        application_return(application=application, reviewer=county, comment=" ", section_comments={"rnd": " "})
    application_return(application=application, reviewer=county, section_comments={"rnd": "请核实"})
    application.refresh_from_db()
    assert application.status == S.RETURNED


def test_return_refuses_an_unknown_section(batch, county):
    with pytest.raises(ValidationError, match="未知的申报书栏目"):
        application_return(application=submitted(batch), reviewer=county, section_comments={"finance": "x"})


def test_rejection_needs_a_reason(batch, county):
    application = submitted(batch)
    with pytest.raises(ValidationError, match="不予通过须填写理由"):
        application_county_reject(application=application, reviewer=county, reason="")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.parametrize("role,region,message", [
    ("county", "420203", "不在您的辖区内"),
    ("city", "420200", "只能由县级审核员操作"),
    ("enterprise", "420202", "只能由县级审核员操作"),
])
def test_only_the_county_that_owns_the_step_decides(batch, role, region, message):
    application = submitted(batch)
    with pytest.raises(TransitionError, match=message):
        application_county_approve(application=application, reviewer=reviewer(role, region))
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_the_second_reviewer_is_told_the_application_was_handled(batch, county):
    application = submitted(batch)
    colleague = reviewer("county", "420202")
    application_return(application=application, reviewer=county, comment="请补充")
    with pytest.raises(AlreadyHandled, match="该申报已被其他审核人员处理，当前状态：退回修改"):
        application_county_approve(application=application, reviewer=colleague)
    assert ApplicationTransition.objects.filter(application=application).count() == 2  # submitted, returned


def test_a_draft_is_not_reviewable(batch, county, applicant):
    from tests.pool.helpers import make_application

    draft = make_application(applicant, batch)
    with pytest.raises(TransitionError, match="尚未提交"):
        application_county_approve(application=draft, reviewer=county)


def test_returned_comments_sit_next_to_the_fields_and_the_resubmission_is_revision_two(client, batch, applicant,
                                                                                      county):
    application = submitted(batch, user=applicant)
    application_return(application=application, reviewer=county, comment="请按意见修改",
                       section_comments={"rnd": "研发投入与审计报告不一致"})
    client.force_login(applicant)
    form = client.get(reverse("pool:application-edit", args=[application.pk])).content.decode()
    rnd = form[form.index('id="sec-rnd"'):form.index('id="sec-ip_management"')]
    assert "研发投入与审计报告不一致" in rnd
    assert "请按意见修改" in form[:form.index('id="sec-identity"')]
    identity = form[form.index('id="sec-identity"'):form.index('id="sec-qualifications"')]
    assert "审核意见" not in identity

    post = form_post(application.data, ["rnd"])
    post["rnd.rnd_expense"] = "9600000"
    application_autosave(application=application, user=applicant, post=post)
    application_submit(application=application, user=applicant)
    application.refresh_from_db()
    assert (application.status, application.revision_number) == (S.SUBMITTED, 2)

    client.force_login(county)
    page = client.get(reverse("pool:review-detail", args=[application.pk])).content.decode()
    assert "与第 1 版相比的修改" in page
    assert "9000000" in page and "9600000" in page


def test_the_return_comments_are_gone_from_the_form_once_resubmitted_and_returned_again_anew(
        client, batch, applicant, county):
    application = submitted(batch, user=applicant)
    application_return(application=application, reviewer=county, section_comments={"rnd": "第一次意见"})
    application_submit(application=application, user=applicant)
    application_return(application=application, reviewer=county, section_comments={"patents": "第二次意见"})
    client.force_login(applicant)
    form = client.get(reverse("pool:application-edit", args=[application.pk])).content.decode()
    assert "第二次意见" in form and "第一次意见" not in form


def test_the_history_shows_every_transition_with_its_comments(client, batch, applicant, county):
    application = submitted(batch, user=applicant)
    application_return(application=application, reviewer=county, comment="总体意见",
                       section_comments={"patents": "专利意见"})
    application_submit(application=application, user=applicant)
    application_county_approve(application=application, reviewer=county, comment="同意")
    client.force_login(county)
    page = client.get(reverse("pool:review-detail", args=[application.pk])).content.decode()
    history = page[page.index('id="history"'):]
    assert [s for s in ("已提交（待县级审核）", "退回修改", "县级审核通过") if s in history] == [
        "已提交（待县级审核）", "退回修改", "县级审核通过"]
    assert "总体意见" in history and "【专利清单】专利意见" in history and "同意" in history
    client.force_login(applicant)
    own = client.get(reverse("pool:application-detail", args=[application.pk])).content.decode()
    assert "【专利清单】专利意见" in own
