"""A reviewer's judgement beside the machine verdict: warn needs reasons to approve, overrides keep the machine
outcome, a fail blocks approval unless overridden with reasons."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pool.models import ApplicationStatus, CriterionReview, Evaluation
from pool.services.review import application_county_approve, criterion_review_save, criterion_states
from pool.workflow import TransitionError
from portal.models import AuditEntry
from tests.review.helpers import low_rate, no_filing, reviewer, submitted

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def _outcomes(application):
    return {s.number: (s.machine_outcome, s.outcome) for s in criterion_states(application)}


def test_approving_a_warn_without_a_justification_is_refused_naming_the_criterion(batch, county):
    application = submitted(batch, change=no_filing)
    assert _outcomes(application)[4] == ("warn", "warn")
    with pytest.raises(ValidationError) as refused:
        application_county_approve(application=application, reviewer=county)
    errors = refused.value.message_dict
    assert list(errors) == ["criterion_4"]
    assert errors["criterion_4"][0].startswith("第 4 项“")
    assert errors["criterion_4"][0].endswith("”原则上不符合，审核通过须说明理由。")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not CriterionReview.objects.exists()


def test_approving_a_warn_with_its_justification_records_it_beside_the_machine_verdict(batch, county):
    application = submitted(batch, change=no_filing)
    application_county_approve(application=application, reviewer=county,
                               justifications={4: "备案已受理，回执见附件"})
    application.refresh_from_db()
    assert application.status == S.COUNTY_APPROVED
    review = CriterionReview.objects.get(application=application, number=4)
    assert (review.machine_outcome, review.outcome, review.justification) == ("warn", "warn", "备案已受理，回执见附件")
    assert review.reviewer == county and review.revision_number == 1
    assert AuditEntry.objects.filter(action="application.criterion_justified", target_id=str(application.pk)).exists()


def test_a_blank_justification_does_not_count(batch, county):
    application = submitted(batch, change=no_filing)
    with pytest.raises(ValidationError, match="第 4 项"):
        application_county_approve(application=application, reviewer=county, justifications={4: "   "})


def test_a_fail_blocks_approval_even_with_reasons(batch, county):
    application = submitted(batch, change=low_rate)
    assert _outcomes(application)[5] == ("fail", "fail")
    with pytest.raises(ValidationError, match="第 5 项.*不符合，不能审核通过"):
        application_county_approve(application=application, reviewer=county, justifications={5: "我认为符合"})


def test_an_override_changes_the_outcome_in_force_and_keeps_the_machine_outcome(client, batch, county):
    application = submitted(batch, change=low_rate)
    criterion_review_save(application=application, reviewer=county, number=5, outcome="pass",
                          justification="专利实际用于在售产品，企业填报有误，已现场核实")
    assert _outcomes(application)[5] == ("fail", "pass")
    evaluation = Evaluation.objects.get(application=application)
    assert evaluation.results["results"][4]["outcome"] == "fail"  # the machine's record is untouched
    application_county_approve(application=application, reviewer=county)
    application.refresh_from_db()
    assert application.status == S.COUNTY_APPROVED
    client.force_login(county)
    page = client.get(reverse("pool:review-detail", args=[application.pk])).content.decode()
    row = page[page.index('id="criterion-5"'):page.index('id="criterion-6"')]
    assert 'data-machine="fail"' in row and 'data-outcome="pass"' in row
    assert "改判：符合" in row and "已现场核实" in row


def test_a_second_judgement_replaces_the_first_and_keeps_its_time(batch, county):
    application = submitted(batch, change=low_rate)
    first = criterion_review_save(application=application, reviewer=county, number=5, outcome="pass",
                                  justification="已现场核实")
    other = reviewer("county", "420202")
    with CaptureQueriesContext(connection) as queries:
        second = criterion_review_save(application=application, reviewer=other, number=5, outcome="pass",
                                       justification="复核：专利用于在售产品")
    # Written in one statement, no read of the old judgement before it and no savepoint of its own (the one
    # savepoint is the service's transaction inside the test's).
    touching = [q["sql"] for q in queries if "pool_criterionreview" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("INSERT")
    assert sum(q["sql"].startswith("SAVEPOINT") for q in queries) == 1
    stored = CriterionReview.objects.get(application=application, number=5)
    assert second.pk == first.pk == stored.pk
    assert (stored.justification, stored.reviewer_id, stored.created_at) == ("复核：专利用于在售产品", other.pk,
                                                                             first.created_at)
    assert list(AuditEntry.objects.filter(action="application.criterion_overridden").values_list(
        "comment", flat=True).order_by("pk")) == ["已现场核实", "复核：专利用于在售产品"]


def test_an_override_needs_a_justification(batch, county):
    application = submitted(batch, change=low_rate)
    with pytest.raises(ValidationError, match="请填写理由"):
        criterion_review_save(application=application, reviewer=county, number=5, outcome="pass", justification="")


def test_overriding_to_the_machine_outcome_is_refused(batch, county):
    application = submitted(batch)
    with pytest.raises(ValidationError, match="无需改判"):
        criterion_review_save(application=application, reviewer=county, number=1, outcome="pass", justification="x")


def test_an_override_to_fail_blocks_approval(batch, county):
    application = submitted(batch)
    criterion_review_save(application=application, reviewer=county, number=8, outcome="fail",
                          justification="商标未实际使用")
    with pytest.raises(ValidationError, match="第 8 项"):
        application_county_approve(application=application, reviewer=county)


def test_a_judgement_lapses_when_the_machine_outcome_changes(batch, county):
    application = submitted(batch, change=no_filing)
    criterion_review_save(application=application, reviewer=county, number=4, outcome="warn", justification="备案中")
    evaluation = Evaluation.objects.get(application=application)
    results = evaluation.results
    results["results"][3]["outcome"] = "fail"  # a re-scoring under a stricter set
    Evaluation.objects.filter(pk=evaluation.pk).update(results=results)
    state = next(s for s in criterion_states(application) if s.number == 4)
    assert (state.machine_outcome, state.outcome, state.review_counts) == ("fail", "fail", False)


def test_only_the_reviewer_whose_step_it_is_may_override(batch, county):
    application = submitted(batch, change=low_rate)
    with pytest.raises(TransitionError, match="不能对其逐项审核"):
        criterion_review_save(application=application, reviewer=reviewer("city", "420200"), number=5,
                              outcome="pass", justification="x")


def test_the_review_page_asks_for_each_warn_reason_and_keeps_what_was_typed_on_refusal(client, batch, county):
    application = submitted(batch, change=no_filing)
    client.force_login(county)
    page = client.get(reverse("pool:review-detail", args=[application.pk])).content.decode()
    assert 'name="justification_4"' in page
    response = client.post(reverse("pool:review-decide", args=[application.pk]),
                           {"to": "county_approved", "comment": "同意上报", "justification_4": ""})
    assert response.status_code == 400
    refused = response.content.decode()
    assert "原则上不符合，审核通过须说明理由" in refused
    assert "同意上报" in refused
    response = client.post(reverse("pool:review-decide", args=[application.pk]),
                           {"to": "county_approved", "justification_4": "备案回执已核验"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.COUNTY_APPROVED


def test_overriding_from_the_page(client, batch, county):
    application = submitted(batch, change=low_rate)
    client.force_login(county)
    response = client.post(reverse("pool:review-criterion", args=[application.pk, 5]),
                           {"outcome": "pass", "justification": "现场核实均已产业化"})
    assert response.status_code == 302
    assert CriterionReview.objects.get(application=application, number=5).outcome == "pass"


def test_the_enterprise_reads_the_reviewers_judgements_once_the_county_decided(client, batch, county):
    application = submitted(batch, change=no_filing)
    enterprise = application.enterprise.users.first()
    client.force_login(enterprise)
    url = reverse("pool:application-evaluation", args=[application.pk])
    criterion_review_save(application=application, reviewer=county, number=4, outcome="warn",
                          justification="备案已受理，回执见附件")
    assert "备案已受理" not in client.get(url).content.decode()  # not while the county weighs it
    application_county_approve(application=application, reviewer=county)
    page = client.get(url).content.decode()
    section = page[page.index('id="reviewer-judgements"'):]
    assert "审核人员逐项意见" in page and "备案已受理，回执见附件" in section and "原则上不符合" in section
