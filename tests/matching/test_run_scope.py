"""The matching batch page across regions: a city sees its own region's open demands and its region's runs;
only the province starts a (province-wide) full run — a city is refused with a Chinese 403."""

import pytest
from django.core.exceptions import PermissionDenied

from matching.models import MatchingRun
from matching.services import runs
from tests.factories import user_with_role
from tests.matching.factories import DemandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cities(db):
    huangshi, wuhan = user_with_role("city", "420200"), user_with_role("city", "420100")
    for _ in range(2):
        DemandFactory(enterprise=user_with_role("enterprise", "420202").organisation)
    for _ in range(5):
        DemandFactory(enterprise=user_with_role("enterprise", "420102").organisation)
    return huangshi, wuhan


def test_a_city_sees_its_region_s_demand_count(client, two_cities):
    huangshi, wuhan = two_cities
    client.force_login(huangshi)
    assert client.get("/matching/runs/").context["demand_count"] == 2
    client.force_login(wuhan)
    assert client.get("/matching/runs/").context["demand_count"] == 5
    client.force_login(user_with_role("province", "420000"))
    assert client.get("/matching/runs/").context["demand_count"] == 7


def test_a_city_sees_only_its_region_s_runs(client, two_cities):
    huangshi, wuhan = two_cities
    province = user_with_role("province", "420000")
    own = MatchingRun.objects.create(kind="full", started_by=huangshi)
    MatchingRun.objects.create(kind="full", started_by=wuhan)
    MatchingRun.objects.create(kind="full", started_by=province)
    MatchingRun.objects.create(kind="full")  # the nightly run
    client.force_login(huangshi)
    page = client.get("/matching/runs/")
    assert [r.pk for r in page.context["runs"]] == [own.pk]
    assert wuhan.username not in page.content.decode() and province.username not in page.content.decode()
    client.force_login(province)
    assert len(client.get("/matching/runs/").context["runs"]) == 4


def test_a_city_may_not_start_a_province_wide_run(client, two_cities):
    huangshi, _ = two_cities
    client.force_login(huangshi)
    page = client.get("/matching/runs/").content.decode()
    assert 'id="start-run"' not in page and "只能由省级主管部门发起" in page
    response = client.post("/matching/runs/")
    assert response.status_code == 403 and "只能由省级主管部门发起" in response.content.decode()
    with pytest.raises(PermissionDenied):
        runs.matching_run_request(actor=huangshi)
    assert not MatchingRun.objects.exists()


def test_the_province_starts_a_run(client, two_cities, django_capture_on_commit_callbacks):
    client.force_login(user_with_role("province", "420000"))
    assert 'id="start-run"' in client.get("/matching/runs/").content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post("/matching/runs/").status_code == 302
    assert MatchingRun.objects.filter(kind="full").count() == 1


def test_a_second_full_run_is_refused_while_one_is_under_way(client, two_cities, django_capture_on_commit_callbacks):
    """Chunks of two full runs would interleave their lists: the second request is told why, nothing is created."""
    client.force_login(user_with_role("province", "420000"))
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post("/matching/runs/").status_code == 302
        page = client.post("/matching/runs/", follow=True).content.decode()
    assert "已有一次全量匹配正在进行" in page
    assert MatchingRun.objects.filter(kind="full").count() == 1


def test_a_run_left_running_for_half_a_day_blocks_no_new_one(client, two_cities, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    dead = MatchingRun.objects.create(kind="full")
    MatchingRun.objects.filter(pk=dead.pk).update(created_at=timezone.now() - timedelta(hours=12, minutes=1))
    client.force_login(user_with_role("province", "420000"))
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/matching/runs/")
    assert MatchingRun.objects.filter(kind="full").count() == 2


def test_the_nightly_run_is_skipped_while_a_full_run_is_under_way(two_cities):
    MatchingRun.objects.create(kind="full", started_by=user_with_role("province", "420000"))
    assert runs.match_all_fanout() is None
    assert MatchingRun.objects.filter(kind="full").count() == 1
