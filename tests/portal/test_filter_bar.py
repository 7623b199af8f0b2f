"""A list's filter bar is remembered once rendered; a remembered bar is the bar a fresh rendering would give, for
the person, the values they chose and the choices as they stand now."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from pool.filters import ReviewQueueFilter
from pool.models import Application
from portal import filter_bar
from portal.models import Region
from tests.factories import user_with_role
from tests.pool.helpers import make_batch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_memory():
    filter_bar.forget()
    yield
    filter_bar.forget()


def bar_form(user, data=None):
    request = RequestFactory().get("/pool/review/", data or {})
    request.user = user
    return ReviewQueueFilter(data or None, queryset=Application.objects.none(), request=request).form


def fresh(user, data=None) -> str:
    return render_to_string(filter_bar.FIELDS_TEMPLATE, {"form": bar_form(user, data)})


@pytest.mark.parametrize("data", [None, {"q": "光谷 <b>", "status": "submitted", "ordering": "-score"},
                                  {"min_score": "不是数字", "batch": "999999"}])
def test_a_remembered_bar_is_the_fresh_rendering(shipped, data):
    make_batch(name="甲批次")
    reviewer = user_with_role("county")
    first = filter_bar.filter_fields_html(bar_form(reviewer, data))
    again = filter_bar.filter_fields_html(bar_form(reviewer, data))
    assert first == again == fresh(reviewer, data)
    if data and "q" in data:
        assert 'value="光谷 &lt;b&gt;"' in again and "<b>" not in again
        assert '<option value="submitted" selected>' in again


def test_the_chosen_values_and_new_choices_show_at_once(shipped):
    make_batch(name="甲批次")
    reviewer = user_with_role("county")
    assert "乙批次" not in filter_bar.filter_fields_html(bar_form(reviewer))
    added = make_batch(name="乙批次")
    shown = filter_bar.filter_fields_html(bar_form(reviewer))
    assert "乙批次" in shown and shown == fresh(reviewer)
    chosen = filter_bar.filter_fields_html(bar_form(reviewer, {"batch": str(added.pk)}))
    assert f'<option value="{added.pk}" selected>乙批次</option>' in chosen


def test_one_province_never_meets_the_bar_of_another(shipped):
    Region.objects.get_or_create(code="440000", defaults={"name": "广东省", "level": "province"})
    make_batch(name="湖北批次")
    guangdong = make_batch(name="广东批次")
    guangdong.region_id = "440000"
    guangdong.save(update_fields=["region"])
    hubei_reviewer, guangdong_reviewer = user_with_role("province"), user_with_role("province", region="440000")

    hubei_bar = filter_bar.filter_fields_html(bar_form(hubei_reviewer))
    guangdong_bar = filter_bar.filter_fields_html(bar_form(guangdong_reviewer))
    assert "湖北批次" in hubei_bar and "广东批次" not in hubei_bar
    assert "广东批次" in guangdong_bar and "湖北批次" not in guangdong_bar


def test_a_remembered_bar_runs_the_queries_of_a_fresh_one(shipped):
    make_batch(name="甲批次")
    reviewer = user_with_role("county")
    filter_bar.filter_fields_html(bar_form(reviewer, {"q": "另一栏"}))  # the person's region, read once per person
    with CaptureQueriesContext(connection) as first:
        filter_bar.filter_fields_html(bar_form(reviewer))
    with CaptureQueriesContext(connection) as second:
        filter_bar.filter_fields_html(bar_form(reviewer))
    assert len(first) == len(second) >= 1  # the scoped batch list is read either way, once
    assert not any("COUNT(" in query["sql"].upper() for query in second.captured_queries)


def test_the_memory_keeps_only_the_most_recent_bars(shipped, monkeypatch):
    monkeypatch.setattr(filter_bar, "LIMIT", 2)
    reviewer = user_with_role("county")
    for word in ("一", "二", "三"):
        filter_bar.filter_fields_html(bar_form(reviewer, {"q": word}))
    assert len(filter_bar._rendered) == 2
