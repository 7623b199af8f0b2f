"""What people see on the pool's pages: the enterprise's home panel, the evaluation, a revision, a batch."""

import pytest
from django.urls import reverse

from pool.loadgen import generate_applications
from pool.services.applications import application_submit
from pool.services.batch_scoring import batch_score
from tests.factories import user_with_role
from tests.pool.helpers import make_application, valid_data

pytestmark = pytest.mark.django_db


def test_home_panel_offers_the_open_batch_then_shows_the_application(client, applicant, batch):
    client.force_login(applicant)
    page = client.get(reverse("home")).content.decode()
    assert f'action="/pool/batches/{batch.pk}/apply/"' in page
    data = valid_data(applicant.organisation)
    data["rnd"]["rnd_expense"] = "100"
    application = make_application(applicant, batch, data=data, verdict="ineligible", score="41.20")
    page = client.get(reverse("home")).content.decode()
    assert f'href="/pool/applications/{application.pk}/edit/"' in page
    assert "预审：" in page and "不符合" in page and "41.20" in page
    assert f'action="/pool/batches/{batch.pk}/apply/"' not in page


def test_evaluation_page_explains_every_criterion(client, applicant, batch, county_user):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    client.force_login(county_user)
    page = client.get(reverse("pool:application-evaluation", args=[application.pk])).content.decode()
    for number in range(1, 11):
        assert f'data-criterion="{number}"' in page
    assert "综合评分构成" in page
    assert "基于第 1 版提交内容" in page


def test_a_drafts_live_precheck_is_shown_to_its_owner_only(client, applicant, batch, county_user):
    """Like the API: a reviewer of the region must not read an unsubmitted draft through its pre-check."""
    application = make_application(applicant, batch)
    url = reverse("pool:application-evaluation", args=[application.pk])
    client.force_login(applicant)
    assert 'data-criterion="1"' in client.get(url).content.decode()
    client.force_login(county_user)
    assert client.get(url).status_code == 404
    detail = client.get(reverse("pool:application-detail", args=[application.pk])).content.decode()
    assert url not in detail


def test_revision_page_shows_the_frozen_facts(client, applicant, batch):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    client.force_login(applicant)
    page = client.get(reverse("pool:revision-detail", args=[application.pk, 1])).content.decode()
    assert "一种智能分拣装置" in page and "智能分拣机" in page
    assert "与第" not in page  # the first revision has nothing to compare with


def test_batch_page_counts_the_city_share_for_a_city(client, batch):
    generate_applications(batch=batch, count=30)
    batch_score(batch=batch)
    client.force_login(user_with_role("province"))
    province_page = client.get(reverse("pool:batch-detail", args=[batch.pk])).content.decode()
    assert "<span>申报总数</span><strong>30</strong>" in province_page
    assert "开始批量评分" in province_page
    client.force_login(user_with_role("county", "420202"))
    county_page = client.get(reverse("pool:batch-detail", args=[batch.pk])).content.decode()
    assert "<span>申报总数</span><strong>30</strong>" not in county_page
    assert "开始批量评分" not in county_page


def test_one_ratio_and_one_verdict_read_the_same_on_every_page():
    from criteria.evaluators.common import pct
    from criteria.results import VERDICT_LABELS
    from pool.models import Verdict
    from pool.templatetags.pool_review import percent

    # 1153/10000 once read 11.53 % in the explanation and 11.54 % (rounded float) in the lists.
    for used, counted in ((1153, 10000), (2, 3), (1, 2), (4999, 10000)):
        assert percent(used / counted) == pct(used, counted) + "%"
    assert dict(Verdict.choices) == VERDICT_LABELS


def test_my_applications_offer_only_the_enterprises_own_filters(client, applicant, batch):
    make_application(applicant, batch)
    client.force_login(applicant)
    page = client.get(reverse("pool:application-list"))
    assert list(page.context["filter"].form.fields) == ["batch", "status"]
    text = page.content.decode()
    assert "---------" not in text and "最低评分" not in text and "行政区划" not in text
