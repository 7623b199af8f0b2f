"""Batch pages across regions: a city sees no province-wide job totals and may not start province-wide
rescoring (a Chinese 403, page and API); the province may."""

import pytest
from django.urls import reverse

from pool.services.batches import SCORE_JOB_KIND
from portal.models import Job
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(batch):
    province = user_with_role("province", "420000")
    job = Job.objects.create(kind=SCORE_JOB_KIND, title=f"批量评分：{batch.name}", created_by=province,
                             params={"batch_id": batch.pk}, status="done", total=4321, done=4321,
                             message="共评分 4321 件")
    return province, job


def test_a_city_sees_no_province_wide_job_total(client, batch, scored):
    client.force_login(user_with_role("city", "420200"))
    response = client.get(reverse("pool:batch-detail", args=[batch.pk]))
    assert response.status_code == 200
    assert response.context["job"] is None and "4321" not in response.content.decode()


def test_the_province_sees_the_job(client, batch, scored):
    province, job = scored
    client.force_login(province)
    response = client.get(reverse("pool:batch-detail", args=[batch.pk]))
    assert response.context["job"] == job and 'id="start-scoring"' in response.content.decode()


def test_a_city_may_not_start_province_wide_rescoring(client, batch):
    client.force_login(user_with_role("city", "420200"))
    assert 'id="start-scoring"' not in client.get(reverse("pool:batch-detail", args=[batch.pk])).content.decode()
    response = client.post(reverse("pool:batch-score", args=[batch.pk]))
    assert response.status_code == 403 and "只能由省级主管部门发起" in response.content.decode()
    api = client.post(f"/api/pool/batches/{batch.pk}/score/")
    assert api.status_code == 403 and "只能由省级主管部门发起" in api.json()["detail"]
    assert not Job.objects.filter(kind=SCORE_JOB_KIND).exists()


def test_the_province_may(client, batch, django_capture_on_commit_callbacks):
    client.force_login(user_with_role("province", "420000"))
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(reverse("pool:batch-score", args=[batch.pk])).status_code == 302
        assert client.post(f"/api/pool/batches/{batch.pk}/score/").status_code == 202
    assert Job.objects.filter(kind=SCORE_JOB_KIND).count() == 1  # the waiting job is reused
