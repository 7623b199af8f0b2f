"""Home pages say what waits: a county how many applications and since when, a city what awaits ranking and its
quota, an enterprise where its application stands and what to do next — not a grid repeating the menu."""

import pytest
from django.urls import reverse

from pool.models import ApplicationStatus, BatchCityQuota
from tests.review.helpers import advanced, reviewer

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_the_county_sees_how_many_wait_and_since_when(client, batch):
    advanced(batch, S.SUBMITTED)
    advanced(batch, S.SUBMITTED)
    client.force_login(reviewer("county", "420202"))
    page = client.get(reverse("home"))
    todos = page.context["todos"]
    assert [(t.label, t.count) for t in todos] == [("待县级审核的申报", 2)]
    assert todos[0].since is not None and "最早一件提交于" in page.content.decode()
    assert "常用功能" not in page.content.decode()


def test_the_city_sees_what_awaits_ranking_and_its_quota(client, batch):
    advanced(batch, S.COUNTY_APPROVED)
    BatchCityQuota.objects.create(batch=batch, city_id="420200", quota=5)
    client.force_login(reviewer("city", "420200"))
    todo = client.get(reverse("home")).context["todos"][0]
    assert (todo.label, todo.count) == ("待市级推荐的申报（县级已通过）", 1)
    assert todo.note == "黄石市推荐名额：已用 0 / 5，剩余 5"


def test_nothing_waiting_says_so(client, db):
    client.force_login(reviewer("province", "420000"))
    assert "目前没有等待您处理的事项" in client.get(reverse("home")).content.decode()


def test_the_enterprise_sees_its_next_step(client, batch):
    application = advanced(batch, S.SUBMITTED)
    user = application.enterprise.users.first()
    client.force_login(user)
    assert "下一步：" in client.get(reverse("home")).content.decode()
    assert "等待县级审核" in client.get(reverse("home")).content.decode()
