"""City and province: recommend within the quota (refused with a clear message beyond it), reject with a reason,
admit; the ranked list with its tie rule and the quota in force."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pool.models import Application, ApplicationStatus, BatchCityQuota
from pool.queues import ranked_list
from pool.services.review import (
    application_admit,
    application_city_reject,
    application_province_recommend,
    application_province_reject,
    application_recommend,
)
from pool.workflow import TransitionError
from portal.models import Notification
from tests.review.helpers import advanced, reviewer

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_city_recommends_and_the_province_admits(batch, city, province, django_capture_on_commit_callbacks):
    application = advanced(batch, S.COUNTY_APPROVED)
    application_recommend(application=application, reviewer=city, comment="排名第一")
    application_province_recommend(application=application, reviewer=province)
    with django_capture_on_commit_callbacks(execute=True):
        application_admit(application=application, reviewer=province, comment="同意入库")
    application.refresh_from_db()
    assert application.status == S.ADMITTED
    assert list(application.transitions.values_list("to_status", flat=True)) == [
        "submitted", "county_approved", "recommended", "province_recommended", "admitted"]
    note = Notification.objects.get(verb="application.admitted")
    assert note.recipient.organisation_id == application.enterprise_id and "同意入库" in note.body


def test_a_city_decides_only_on_its_own_counties(batch):
    application = advanced(batch, S.COUNTY_APPROVED)
    with pytest.raises(TransitionError, match="不在您的辖区内"):
        application_recommend(application=application, reviewer=reviewer("city", "420500"))


def test_city_and_province_rejections_need_reasons(batch, city, province):
    application = advanced(batch, S.COUNTY_APPROVED)
    with pytest.raises(ValidationError, match="不予推荐须填写理由"):
        application_city_reject(application=application, reviewer=city, reason=" ")
    application_city_reject(application=application, reviewer=city, reason="综合评分靠后")
    other = advanced(batch, S.RECOMMENDED)
    with pytest.raises(ValidationError, match="省级不予推荐须填写理由"):
        application_province_reject(application=other, reviewer=province, reason="")
    application_province_reject(application=other, reviewer=province, reason="名额有限")
    assert {a.status for a in Application.objects.all()} == {S.CITY_REJECTED, S.PROVINCE_REJECTED}


def test_the_province_quota_is_never_exceeded(batch, province):
    batch.province_quota = 2
    batch.save()
    first, second, third = (advanced(batch, S.RECOMMENDED) for _ in range(3))
    application_province_recommend(application=first, reviewer=province)
    application_province_recommend(application=second, reviewer=province)
    with pytest.raises(ValidationError, match=r"全省推荐名额已满（共 2 家，已推荐 2 家），不能继续推荐。"):
        application_province_recommend(application=third, reviewer=province)
    third.refresh_from_db()
    assert third.status == S.RECOMMENDED


def test_admitted_enterprises_keep_their_place(batch, province):
    batch.province_quota = 1
    batch.save()
    first, second = advanced(batch, S.RECOMMENDED), advanced(batch, S.RECOMMENDED)
    application_province_recommend(application=first, reviewer=province)
    application_admit(application=first, reviewer=province)
    with pytest.raises(ValidationError, match="名额已满"):
        application_province_recommend(application=second, reviewer=province)


def test_a_city_quota_limits_the_city_and_a_province_rejection_frees_a_place(batch, city, province):
    BatchCityQuota.objects.create(batch=batch, city_id="420200", quota=1)
    first, second = advanced(batch, S.COUNTY_APPROVED), advanced(batch, S.COUNTY_APPROVED)
    application_recommend(application=first, reviewer=city)
    with pytest.raises(ValidationError, match="黄石市推荐名额已满（共 1 家，已推荐 1 家）"):
        application_recommend(application=second, reviewer=city)
    application_province_reject(application=first, reviewer=province, reason="不符合")
    application_recommend(application=second, reviewer=city)


def test_another_citys_recommendations_do_not_use_this_citys_quota(batch, city):
    BatchCityQuota.objects.create(batch=batch, city_id="420200", quota=1)
    elsewhere = advanced(batch, S.COUNTY_APPROVED, region="420502")
    application_recommend(application=elsewhere, reviewer=reviewer("city", "420500"))
    application_recommend(application=advanced(batch, S.COUNTY_APPROVED), reviewer=city)


def _ranked(user, batch):
    return list(ranked_list(user=user).filter(batch=batch).values_list("enterprise_name", flat=True))


def test_ranking_is_by_score_then_industrialisation_rate_then_rnd_intensity_then_submission(batch, city):
    def rate(used):
        def change(data):
            data["patents"][1]["used_in_product"] = used
        return change

    def expense(amount):
        def change(data):
            data["rnd"]["rnd_expense"] = amount
        return change

    names = {}
    for key, change in [("half_rate", rate(False)), ("full_rate", rate(True)), ("lower_rnd", expense("9000000")),
                        ("higher_rnd", expense("9500000"))]:
        names[key] = advanced(batch, S.COUNTY_APPROVED, change=change, name=f"企业{key}")
    Application.objects.update(score=80)  # the same composite score everywhere: the tie rule decides
    early, late = timezone.now() - timezone.timedelta(hours=2), timezone.now()
    Application.objects.filter(pk=names["lower_rnd"].pk).update(submitted_at=late)
    Application.objects.filter(pk=names["full_rate"].pk).update(submitted_at=early)
    order = _ranked(city, batch)
    # full_rate / lower_rnd / higher_rnd all use 2 of 2 patents; half_rate 1 of 2 comes last
    assert order[-1] == "企业half_rate"
    assert order[:3] == ["企业higher_rnd", "企业full_rate", "企业lower_rnd"]
    Application.objects.filter(pk=names["half_rate"].pk).update(score=81)
    assert _ranked(city, batch)[0] == "企业half_rate"


def test_the_ranking_page_shows_the_rule_and_the_quota(client, batch, city):
    BatchCityQuota.objects.create(batch=batch, city_id="420200", quota=5)
    application = advanced(batch, S.COUNTY_APPROVED)
    application_recommend(application=application, reviewer=city)
    advanced(batch, S.COUNTY_APPROVED)
    client.force_login(city)
    response = client.get(reverse("pool:ranking"))
    assert response.status_code == 302 and f"batch={batch.pk}" in response["Location"]
    page = client.get(reverse("pool:ranking"), {"batch": batch.pk}).content.decode()
    assert "评分相同时，依次比较专利产业化率、研发投入占营业收入比例" in page
    assert 'data-limit="5" data-used="1"' in page
    assert "名额 <strong>5</strong> 家，已推荐 <strong>1</strong> 家，剩余 <strong>4</strong> 家" in page
    assert page.count("data-application=") == 2


def test_the_province_ranking_holds_what_the_cities_recommended(client, batch, province):
    advanced(batch, S.COUNTY_APPROVED)
    recommended = advanced(batch, S.RECOMMENDED)
    client.force_login(province)
    page = client.get(reverse("pool:ranking"), {"batch": batch.pk}).content.decode()
    assert page.count("data-application=") == 1 and f'data-application="{recommended.pk}"' in page
    assert "全省推荐名额" in page and 'data-limit="300"' in page


def test_admitting_before_the_province_recommended_is_a_wrong_state_not_a_concurrent_change(batch, province):
    application = advanced(batch, S.RECOMMENDED)
    with pytest.raises(TransitionError) as refused:
        application_admit(application=application, reviewer=province)
    assert "已被其他审核人员处理" not in str(refused.value)
    assert str(refused.value) == "该申报尚未到达此环节：当前状态为“市级已推荐”，状态为“省级已推荐”时才能确认入库。"


def test_a_city_quota_cannot_go_below_what_the_city_already_recommended(batch, city):
    from pool.services.batches import batch_city_quota_set
    from portal.models import Region

    for _ in range(2):
        application_recommend(application=advanced(batch, S.COUNTY_APPROVED), reviewer=city)
    province = reviewer("province", "420000")
    huangshi = Region.objects.get(code="420200")
    with pytest.raises(ValidationError, match="黄石市已推荐 2 家，名额不能少于已推荐数"):
        batch_city_quota_set(batch=batch, user=province, city=huangshi, quota=1)
    assert batch_city_quota_set(batch=batch, user=province, city=huangshi, quota=2).quota == 2


def test_the_province_quota_cannot_go_below_what_was_already_recommended(batch, province):
    from pool.services.batches import batch_update

    for _ in range(2):
        application_province_recommend(application=advanced(batch, S.RECOMMENDED), reviewer=province)
    with pytest.raises(ValidationError, match="全省已推荐 2 家，推荐名额不能少于已推荐数"):
        batch_update(batch=batch, user=province, province_quota=1)
    assert batch_update(batch=batch, user=province, province_quota=2).province_quota == 2
