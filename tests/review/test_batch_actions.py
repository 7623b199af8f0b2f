"""Batch actions check every selected row on its own and report, row by row, what happened."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from pool.models import Application, ApplicationStatus
from pool.services.review import application_return, review_batch
from portal.models import AuditEntry
from tests.review.helpers import advanced, no_filing, submitted

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def rows(batch, county):
    good = submitted(batch, name="甲企业")
    warned = submitted(batch, change=no_filing, name="乙企业")
    handled = submitted(batch, name="丙企业")
    application_return(application=handled, reviewer=county, comment="请补充")
    elsewhere = submitted(batch, region="420203", name="丁企业")
    return good, warned, handled, elsewhere


def test_each_row_is_reported_with_what_happened(batch, county, rows):
    good, warned, handled, elsewhere = rows
    outcomes = review_batch(reviewer=county, application_ids=[good.pk, warned.pk, handled.pk, elsewhere.pk],
                            to=S.COUNTY_APPROVED)
    report = {o.pk: (o.ok, o.message) for o in outcomes}
    assert report[good.pk] == (True, "已办理：审核通过")
    assert report[warned.pk][0] is False and "第 4 项" in report[warned.pk][1] and "须说明理由" in report[warned.pk][1]
    assert report[handled.pk] == (False, "该申报已被其他审核人员处理，当前状态：退回修改。")
    assert report[elsewhere.pk] == (False, "未找到该申报，或不在您的辖区内。")
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {good.pk: S.COUNTY_APPROVED, warned.pk: S.SUBMITTED, handled.pk: S.RETURNED,
                        elsewhere.pk: S.SUBMITTED}
    audit = AuditEntry.objects.get(action="application.batch_review")
    assert audit.data["done"] == [good.pk]


def test_a_batch_rejection_needs_the_common_reason_before_any_row_is_touched(batch, county, rows):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="该操作须填写意见"):
        review_batch(reviewer=county, application_ids=[rows[0].pk], to=S.REJECTED, comment="")
    assert Application.objects.get(pk=rows[0].pk).status == S.SUBMITTED


def test_the_queue_page_shows_the_per_row_report(client, batch, county, rows):
    good, warned, *_ = rows
    client.force_login(county)
    back = reverse("pool:review-queue") + "?status=submitted"
    response = client.post(reverse("pool:review-batch"), {"ids": [good.pk, warned.pk], "to": "county_approved",
                                                          "next": back})
    assert response.status_code == 302 and response["Location"] == back
    page = client.get(back).content.decode()
    report = page[page.index('id="batch-report"'):page.index("</section>", page.index('id="batch-report"'))]
    assert "批量审核通过：成功 1 件，未办理 1 件" in report
    assert f'data-row="{good.pk}" class="row-ok"' in report
    assert f'data-row="{warned.pk}" class="row-refused"' in report and "须说明理由" in report


def test_the_city_recommends_in_batch_from_the_ranking(client, batch, city):
    first, second = advanced(batch, S.COUNTY_APPROVED), advanced(batch, S.COUNTY_APPROVED)
    client.force_login(city)
    client.post(reverse("pool:review-batch"), {"ids": [first.pk, second.pk], "to": "recommended",
                                               "next": reverse("pool:ranking")})
    assert set(Application.objects.values_list("status", flat=True)) == {S.RECOMMENDED}


def test_the_api_reports_per_row(batch, county, rows):
    good, warned, *_ = rows
    api = APIClient()
    api.force_authenticate(county)
    response = api.post("/api/pool/review/batch/", {"ids": [good.pk, warned.pk], "to": "county_approved"},
                        format="json")
    assert response.status_code == 200
    assert [(r["id"], r["ok"]) for r in response.json()] == [(good.pk, True), (warned.pk, False)]
