"""Submit validates completely and freezes a revision; a resubmission after return is revision 2 with a diff."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pool.diff import revision_diff
from pool.models import ApplicationRevision, ApplicationStatus, ApplicationTransition, Evaluation
from pool.models.applications import ImmutableError
from pool.services.applications import SubmissionInvalid, application_autosave, application_submit
from pool.services.review import application_return
from pool.workflow import TransitionError
from portal.models import AuditEntry, Notification
from tests.factories import user_with_role
from tests.pool.helpers import form_post, make_application, make_batch, valid_data

pytestmark = pytest.mark.django_db


def test_submit_freezes_revision_one(applicant, batch):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    application.refresh_from_db()
    revision = application.current_revision
    assert application.status == ApplicationStatus.SUBMITTED
    assert (application.revision_number, revision.number) == (1, 1)
    assert revision.data == application.data
    assert revision.submitted_by == applicant
    assert AuditEntry.objects.filter(action="application.submitted", target_id=str(application.pk)).exists()
    assert ApplicationTransition.objects.get(application=application).to_status == "submitted"


def test_submit_stores_the_evaluation_with_its_criteria_set_version(applicant, batch):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    evaluation = Evaluation.objects.get(application=application)
    application.refresh_from_db()
    assert evaluation.criteria_set == batch.criteria_set
    assert evaluation.criteria_set_version == batch.criteria_set.version
    assert evaluation.revision.number == 1
    assert (application.verdict, application.score) == (evaluation.verdict, evaluation.score)
    assert evaluation.verdict == "eligible"
    assert len(evaluation.results["results"]) == 10


def test_submit_tells_the_county_reviewers(applicant, batch, django_capture_on_commit_callbacks):
    reviewer = user_with_role("county", "420202")
    elsewhere = user_with_role("county", "420203")
    application = make_application(applicant, batch)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, user=applicant)
    assert Notification.objects.filter(recipient=reviewer, verb="application.submitted").count() == 1
    assert not Notification.objects.filter(recipient=elsewhere).exists()


def test_a_revision_cannot_be_changed_or_deleted(applicant, batch):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    revision = ApplicationRevision.objects.get(application=application)
    revision.data = {}
    with pytest.raises(ImmutableError):
        revision.save()
    with pytest.raises(ImmutableError):
        revision.delete()


def test_invalid_draft_is_refused_with_every_problem_and_kept(applicant, batch):
    data = valid_data(applicant.organisation)
    data["identity"]["registration_date"] = ""
    data["patents"][0]["application_no"] = "202010123456.0"
    data["integrity"]["declared"] = None
    application = make_application(applicant, batch, data=data)
    with pytest.raises(SubmissionInvalid) as refused:
        application_submit(application=application, user=applicant)
    assert refused.value.field_errors == {
        "identity.registration_date": "此项为必填项。",
        "patents.0.application_no": "专利申请号校验位不正确，请核对。",
        "integrity.declared": "提交前须作出诚信承诺（选择“是”）。",
        "products.0.core_patents": f"{data['products'][0]['core_patents'][0]} 不在专利清单中。",
    }
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.data == data
    assert not ApplicationRevision.objects.exists()


def test_submit_needs_a_patent_and_a_product(applicant, batch):
    data = valid_data(applicant.organisation)
    data["patents"], data["products"] = [], []
    application = make_application(applicant, batch, data=data)
    with pytest.raises(SubmissionInvalid) as refused:
        application_submit(application=application, user=applicant)
    assert refused.value.field_errors["patents"] == "请至少填写 1 项专利。"
    assert refused.value.field_errors["products"] == "请至少填写 1 项产品。"


def test_a_licensed_in_patent_needs_its_licence(applicant, batch):
    data = valid_data(applicant.organisation)
    data["patents"][1].update(ownership="licensed_in", licence_kind="", licence_from="")
    application = make_application(applicant, batch, data=data)
    with pytest.raises(SubmissionInvalid) as refused:
        application_submit(application=application, user=applicant)
    assert set(refused.value.field_errors) == {"patents.1.licence_kind", "patents.1.licence_from"}


def test_submit_page_shows_errors_at_the_fields(client, applicant, batch):
    data = valid_data(applicant.organisation)
    data["rnd"]["leader_name"] = ""
    application = make_application(applicant, batch, data=data)
    client.force_login(applicant)
    response = client.post(reverse("pool:application-submit", args=[application.pk]))
    page = response.content.decode()
    assert response.status_code == 400
    assert "申报内容有 1 处需要修改" in page
    assert 'data-active-tab="rnd"' in page
    assert "此项为必填项。" in page


def test_the_refusal_summary_names_every_place(client, applicant, batch):
    data = valid_data(applicant.organisation)
    data["rnd"]["leader_name"] = ""
    data["patents"][0]["title"] = ""
    application = make_application(applicant, batch, data=data)
    client.force_login(applicant)
    response = client.post(reverse("pool:application-submit", args=[application.pk]))
    summary = response.content.decode().split('id="submit-errors"')[1].split("</div>")[0]
    assert "以下 2 处需要修改后才能提交" in summary
    assert '<a href="?tab=patents#f-patents-0-title" data-tab-link="patents">专利清单 · 第 1 行 · 专利名称</a>：此项为必填项。' in summary
    assert '<a href="?tab=rnd#f-rnd-leader_name" data-tab-link="rnd">研发投入与团队 · 科研带头人</a>：此项为必填项。' in summary
    assert summary.index("专利清单") < summary.index("研发投入与团队")  # in form order


def test_no_first_submission_after_the_window(applicant, shipped):
    closed = make_batch(opens_in=-30, closes_in=-1)
    application = make_application(applicant, closed)
    with pytest.raises(ValidationError, match="当前不能提交"):
        application_submit(application=application, user=applicant)


def test_only_the_enterprise_itself_submits(applicant, batch):
    application = make_application(applicant, batch)
    with pytest.raises(TransitionError, match="只能由申报企业操作"):
        application_submit(application=application, user=user_with_role("county"))
    with pytest.raises(TransitionError, match="只能操作本企业的申报"):
        application_submit(application=application, user=user_with_role("enterprise"))


def test_submitting_twice_is_refused(applicant, batch):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    with pytest.raises(TransitionError, match="已提交"):
        application_submit(application=application, user=applicant)
    assert ApplicationRevision.objects.filter(application=application).count() == 1


def _submit_return_edit_resubmit(applicant, batch, reviewer):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    application_return(application=application, reviewer=reviewer, comment="研发投入请补充专项审计报告",
                       section_comments={"rnd": "请核实研发费用"})
    post = form_post(application.data, ["rnd"])
    post["rnd.rnd_expense"] = "9500000"
    application_autosave(application=application, user=applicant, post=post)
    application_submit(application=application, user=applicant)
    application.refresh_from_db()
    return application


def test_resubmission_after_return_is_revision_two(applicant, batch):
    reviewer = user_with_role("county", "420202")
    application = _submit_return_edit_resubmit(applicant, batch, reviewer)
    revisions = list(application.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].data["rnd"]["rnd_expense"] == "9000000"
    assert revisions[1].data["rnd"]["rnd_expense"] == "9500000"
    assert application.current_revision == revisions[1]
    statuses = list(application.transitions.values_list("to_status", flat=True))
    assert statuses == ["submitted", "returned", "submitted"]


def test_the_diff_shows_what_changed_between_revisions(client, applicant, batch):
    reviewer = user_with_role("county", "420202")
    application = _submit_return_edit_resubmit(applicant, batch, reviewer)
    first, second = application.revisions.order_by("number")
    sections = {s.key: s for s in revision_diff(first.data, second.data)}
    changes = sections["rnd"].changes
    assert [(c.kind, c.label, c.old, c.new) for c in changes] == [
        ("changed", "上年度研发投入（元）", "9000000", "9500000")]
    assert all(not s.changes for key, s in sections.items() if key != "rnd")
    client.force_login(reviewer)
    page = client.get(reverse("pool:revision-detail", args=[application.pk, 2])).content.decode()
    assert "与第 1 版相比的修改" in page and "9500000" in page


def test_an_unchanged_resubmission_says_nothing_changed(client, applicant, batch):
    reviewer = user_with_role("county", "420202")
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    application_return(application=application, reviewer=reviewer, comment="请核实")
    application_submit(application=application, user=applicant)
    for user, url in ((applicant, reverse("pool:revision-detail", args=[application.pk, 2])),
                      (reviewer, reverse("pool:review-detail", args=[application.pk]))):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "与第 1 版相比的修改" in page and "无修改" in page
    client.force_login(applicant)
    changed = _submit_return_edit_resubmit(applicant, make_batch(name="另一批次"), reviewer)
    assert "无修改" not in client.get(reverse("pool:revision-detail", args=[changed.pk, 2])).content.decode()


def test_diff_matches_patent_rows_by_number_and_names_added_and_removed_rows():
    first = {"patents": [{"application_no": "A", "title": "旧", "valid": True},
                         {"application_no": "B", "title": "删掉的"}]}
    second = {"patents": [{"application_no": "C", "title": "新增的"},
                          {"application_no": "A", "title": "旧", "valid": False}]}
    changes = {(c.kind, c.label) for c in revision_diff(first, second)[2].changes}
    assert changes == {("added", "专利 C"), ("removed", "专利 B"), ("changed", "专利 A · 有效")}


def test_reviewer_return_needs_a_comment(applicant, batch):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    with pytest.raises(ValidationError, match="须填写意见"):
        application_return(application=application, reviewer=user_with_role("county", "420202"), comment=" ")


def test_the_enterprise_withdraws_before_the_county_acts_and_submits_again(client, applicant, batch, county_user,
                                                                          django_capture_on_commit_callbacks):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    client.force_login(applicant)
    page = client.get(reverse("pool:application-detail", args=[application.pk])).content.decode()
    assert 'id="withdraw"' in page and "撤回申报" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pool:application-withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.is_editable
    assert Notification.objects.filter(verb="application.withdrawn", recipient=county_user).exists()
    application_submit(application=application, user=applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.revision_number == 2


def test_no_withdrawal_once_the_county_acted_or_by_anyone_else(applicant, batch, county_user):
    from pool.services.applications import application_withdraw
    from pool.services.review import application_county_approve

    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    with pytest.raises(TransitionError, match="申报企业"):
        application_withdraw(application=application, user=county_user)
    application_county_approve(application=application, reviewer=county_user)
    with pytest.raises(TransitionError, match="不能变更为"):
        application_withdraw(application=application, user=applicant)


def test_the_person_confirms_only_a_submission_that_will_go_through(client, applicant, batch):
    application = make_application(applicant, batch)
    client.force_login(applicant)
    url = reverse("pool:application-submit", args=[application.pk])
    page = client.post(url)
    assert page.status_code == 200 and 'id="confirm-submit"' in page.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT  # nothing submitted before the confirmation
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.revision_number == 1
