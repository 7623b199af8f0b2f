"""The transitions table, batch quotas and the province's batch pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pool.models import ApplicationStatus, Batch, BatchCityQuota
from pool.policy import PROVINCE_QUOTA_MAX
from pool.services.batches import batch_city_quota_set, batch_create
from pool.workflow import TRANSITIONS, TransitionError, available_actions, ensure_transition
from portal.models import Region
from tests.factories import user_with_role
from tests.pool.helpers import make_application

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_the_table_covers_every_status_of_the_review_chain():
    sources = {t.source for t in TRANSITIONS}
    targets = {t.target for t in TRANSITIONS}
    assert set(S.values) == sources | targets
    assert all(t.label for t in TRANSITIONS)


@pytest.mark.parametrize("status,role,region,target,allowed", [
    (S.SUBMITTED, "county", "420202", S.COUNTY_APPROVED, True),
    (S.SUBMITTED, "county", "420203", S.COUNTY_APPROVED, False),
    (S.SUBMITTED, "city", "420200", S.COUNTY_APPROVED, False),
    (S.COUNTY_APPROVED, "city", "420200", S.RECOMMENDED, True),
    (S.COUNTY_APPROVED, "city", "420500", S.RECOMMENDED, False),
    (S.RECOMMENDED, "province", "420000", S.PROVINCE_RECOMMENDED, True),
    (S.PROVINCE_RECOMMENDED, "province", "420000", S.ADMITTED, True),
    (S.DRAFT, "county", "420202", S.COUNTY_APPROVED, False),
])
def test_ensure_transition_checks_state_role_and_region(applicant, batch, status, role, region, target, allowed):
    application = make_application(applicant, batch, status=status)
    user = user_with_role(role, region)
    if allowed:
        assert ensure_transition(application, to=target, user=user).target == target
    else:
        with pytest.raises(TransitionError):
            ensure_transition(application, to=target, user=user)


def test_refusals_explain_themselves_in_chinese(applicant, batch):
    application = make_application(applicant, batch, status=S.SUBMITTED)
    with pytest.raises(TransitionError, match="申报当前状态为“已提交（待县级审核）”，不能变更为“已入库”"):
        ensure_transition(application, to=S.ADMITTED, user=user_with_role("province"))
    with pytest.raises(TransitionError, match="只能由县级审核员操作"):
        ensure_transition(application, to=S.COUNTY_APPROVED, user=user_with_role("city"))
    with pytest.raises(TransitionError, match="不在您的辖区内"):
        ensure_transition(application, to=S.COUNTY_APPROVED, user=user_with_role("county", "420203"))


def test_available_actions_are_the_buttons_of_the_owner_of_the_step(applicant, batch):
    application = make_application(applicant, batch, status=S.SUBMITTED)
    county = user_with_role("county", "420202")
    assert [a.label for a in available_actions(county, application)] == ["退回修改", "不予通过", "审核通过"]
    assert [a.label for a in available_actions(applicant, application)] == ["撤回申报"]  # until the county acts
    application.status = S.RETURNED
    assert [a.label for a in available_actions(applicant, application)] == ["重新提交"]


def _fields(batch, **changes):
    today = timezone.localdate()
    return {"name": "2027 年度", "year": 2027, "criteria_set": batch.criteria_set, "opens_on": today,
            "closes_on": today + timedelta(days=30), "province_quota": 300, "description": ""} | changes


def test_quota_defaults_to_300_and_may_not_exceed_500(batch):
    province = user_with_role("province")
    assert Batch(criteria_set=batch.criteria_set).province_quota == 300
    assert batch_create(user=province, **_fields(batch, province_quota=PROVINCE_QUOTA_MAX)).province_quota == 500
    with pytest.raises(ValidationError) as refused:
        batch_create(user=province, **_fields(batch, province_quota=PROVINCE_QUOTA_MAX + 1))
    assert refused.value.message_dict["province_quota"] == ["全省推荐名额不得超过 500 家。"]


def test_a_window_must_not_end_before_it_starts(batch):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="截止日期不能早于开始日期"):
        batch_create(user=user_with_role("province"), **_fields(batch, closes_on=today - timedelta(days=1)))


def test_only_the_province_opens_batches(batch):
    with pytest.raises(ValidationError, match="只有省级管理员"):
        batch_create(user=user_with_role("city"), **_fields(batch))


def test_city_quotas_stay_within_the_province_quota(batch):
    province = user_with_role("province")
    batch.province_quota = 100
    batch.save()
    huangshi, yichang = Region.objects.get(code="420200"), Region.objects.get(code="420500")
    batch_city_quota_set(batch=batch, user=province, city=huangshi, quota=60)
    with pytest.raises(ValidationError, match="各市名额合计不得超过全省推荐名额（100 家）"):
        batch_city_quota_set(batch=batch, user=province, city=yichang, quota=41)
    batch_city_quota_set(batch=batch, user=province, city=yichang, quota=40)
    batch_city_quota_set(batch=batch, user=province, city=huangshi, quota=None)
    assert list(BatchCityQuota.objects.values_list("city_id", "quota")) == [("420500", 40)]


def test_a_city_outside_the_province_gets_no_quota(batch):
    with pytest.raises(ValidationError, match="不在本批次组织省份内"):
        batch_city_quota_set(batch=batch, user=user_with_role("province"), city=Region.objects.get(code="430100"),
                             quota=5)


def test_province_opens_a_batch_from_the_page(client, batch):
    client.force_login(user_with_role("province"))
    today = timezone.localdate()
    response = client.post(reverse("pool:batch-create"), {
        "name": "2027 年度申报", "year": 2027, "criteria_set": batch.criteria_set_id,
        "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=45)).isoformat(),
        "province_quota": 320, "description": "第二批"})
    created = Batch.objects.get(name="2027 年度申报")
    assert response.url == reverse("pool:batch-detail", args=[created.pk])
    assert (created.region_id, created.province_quota) == ("420000", 320)


def test_batch_pages_are_for_their_roles(client, batch, applicant):
    client.force_login(applicant)
    page = client.get(reverse("pool:batch-list")).content.decode()
    assert "开始申报" in page
    assert client.get(reverse("pool:batch-create")).status_code == 404
    client.force_login(user_with_role("bank"))
    assert client.get(reverse("pool:batch-list")).status_code == 404
