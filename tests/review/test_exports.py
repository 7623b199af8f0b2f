"""The recommendation list in Excel: summary + one sheet per county, Chinese headers, frozen header, widths and
number formats, exactly the rows of the filter in ranking order, formulas neutralised, audited, large ones in
Celery with a progress page and a download link."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pool.models import Application, ApplicationStatus
from pool.services.review import application_recommend
from portal import exports as portal_exports
from portal.models import AuditEntry, Job
from portal.models.jobs import JobStatus
from tests.review.helpers import advanced, reviewer

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def _workbook(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


@pytest.fixture
def approved(batch, city):
    """Four county-approved applications in two counties of 黄石, two of them recommended."""
    rows = [advanced(batch, S.COUNTY_APPROVED, region=code, name=name) for code, name in [
        ("420202", "港区甲企业"), ("420202", "=HYPERLINK(\"http://x\",\"港区乙\")"), ("420203", "西塞山丙企业"),
        ("420203", "西塞山丁企业")]]
    for application in rows[:2]:
        application_recommend(application=application, reviewer=city)
    Application.objects.filter(pk=rows[0].pk).update(score=90)
    Application.objects.filter(pk=rows[1].pk).update(score=85)
    return rows


def test_recommendation_list_has_a_summary_and_a_sheet_per_county(client, batch, city, approved):
    client.force_login(city)
    response = client.get(reverse("pool:ranking-export"), {"batch": batch.pk, "status": ""})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = _workbook(response)
    assert workbook.sheetnames == ["汇总", "黄石港区", "西塞山区"]
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[0] == ("县（市、区）", "企业数", "其中已推荐", "平均综合评分")
    assert summary[1][:3] == ("黄石港区", 2, 2) and summary[2][:3] == ("西塞山区", 2, 0)
    assert summary[-1][:3] == ("合计", 4, 2)
    sheet = workbook["黄石港区"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["排名", "企业名称", "统一社会信用代码", "所在县（市、区）", "主营行业代码", "综合评分",
                          "专利产业化率", "研发投入占营业收入比例"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 36
    first = sheet[2]
    assert (first[0].value, first[1].value, first[5].value) == (1, "港区甲企业", 90)
    assert first[5].number_format == "0.00" and first[6].number_format == "0.00%"
    assert first[6].value == 1.0 and first[10].number_format == "yyyy-mm-dd"
    assert sheet[3][1].value == "'=HYPERLINK(\"http://x\",\"港区乙\")"  # shown as text, never run


def test_the_file_holds_exactly_the_rows_of_the_filter(client, batch, city, approved):
    client.force_login(city)
    workbook = _workbook(client.get(reverse("pool:ranking-export"), {"batch": batch.pk, "status": "recommended"}))
    names = [r[1] for name in workbook.sheetnames[1:] for r in workbook[name].iter_rows(min_row=2, values_only=True)]
    assert names == ["港区甲企业", "'=HYPERLINK(\"http://x\",\"港区乙\")"]
    workbook = _workbook(client.get(reverse("pool:ranking-export"), {"batch": batch.pk, "q": "丁企业"}))
    assert [r[1] for r in workbook["西塞山区"].iter_rows(min_row=2, values_only=True)] == ["西塞山丁企业"]
    assert workbook.sheetnames == ["汇总", "西塞山区"]


def test_every_export_is_audited_with_who_which_filter_and_rows(client, batch, city, approved):
    client.force_login(city)
    client.get(reverse("pool:ranking-export"), {"batch": batch.pk, "status": "recommended"})
    entry = AuditEntry.objects.get(action="export.created")
    assert entry.actor == city and entry.comment == "推荐名单"
    assert entry.data["filter"] == {"batch": str(batch.pk), "status": "recommended"} and entry.data["rows"] == 2
    assert entry.created_at is not None


def test_a_large_export_runs_in_celery_with_progress_and_a_download(client, batch, city, approved, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    monkeypatch.setattr(portal_exports, "ASYNC_THRESHOLD", 3)
    client.force_login(city)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("pool:ranking-export"), {"batch": batch.pk, "status": ""})
    job = Job.objects.get(kind="export")
    assert response.status_code == 302 and response["Location"] == reverse("portal:job-status", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.total == 4 and job.result == {"rows": 4}
    page = client.get(response["Location"]).content.decode()
    assert "progressbar" in page and reverse("portal:job-download", args=[job.pk]) in page
    workbook = _workbook(client.get(reverse("portal:job-download", args=[job.pk])))
    assert workbook.sheetnames == ["汇总", "黄石港区", "西塞山区"]
    assert AuditEntry.objects.get(action="export.created").data["job"] == job.pk


def test_the_queue_export_shows_the_same_tie_breakers_as_the_ranking(client, batch, county):
    from pool.queues import ranked_list
    from tests.review.helpers import submitted

    def half_used(data):
        data["patents"][1]["used_in_product"] = False

    application = submitted(batch, change=half_used, name="港区戊企业")
    client.force_login(county)
    sheet = _workbook(client.get(reverse("pool:review-export"), {"status": "submitted"})).active
    row = next(sheet.iter_rows(min_row=2, values_only=True))
    assert row[1] == "港区戊企业" and (row[6], row[7]) == (0.5, 0.1125)
    Application.objects.filter(pk=application.pk).update(status=S.COUNTY_APPROVED)
    ranked = ranked_list(user=reviewer("city", "420200")).get(pk=application.pk)
    assert (ranked.rank_rate, ranked.rank_intensity) == (row[6], row[7])


def test_the_pages_recommendation_list_link_exports_what_was_recommended(client, batch, city, approved):
    client.force_login(city)
    page = client.get(reverse("pool:ranking"), {"batch": batch.pk, "status": S.COUNTY_APPROVED})
    link = f'{reverse("pool:ranking-export")}?batch={batch.pk}&amp;recommended=1'
    assert link in page.content.decode()
    workbook = _workbook(client.get(reverse("pool:ranking-export"), {"batch": batch.pk, "recommended": "1"}))
    names = [r[1] for name in workbook.sheetnames[1:] for r in workbook[name].iter_rows(min_row=2, values_only=True)]
    assert names == ["港区甲企业", "'=HYPERLINK(\"http://x\",\"港区乙\")"]  # not the two still waiting


def test_rank_numbers_are_places_in_the_whole_list_whatever_the_filter(client, batch, city, approved):
    client.force_login(city)
    page = client.get(reverse("pool:ranking"), {"batch": batch.pk, "region": "420203"})
    ranks = {a.enterprise_name: a.rank for a in page.context["object_list"]}
    assert ranks == {"西塞山丙企业": 3, "西塞山丁企业": 4}
    workbook = _workbook(client.get(reverse("pool:ranking-export"), {"batch": batch.pk, "region": "420203"}))
    assert [r[0] for r in workbook["西塞山区"].iter_rows(min_row=2, values_only=True)] == [3, 4]


def test_the_list_written_in_chunks_is_the_list_written_at_once(client, batch, city, approved, monkeypatch, settings,
                                                                 tmp_path, django_capture_on_commit_callbacks):
    """One row per chunk: ranks, sheets per county and the summary's counts and averages come out the same."""
    monkeypatch.setattr(portal_exports, "ASYNC_THRESHOLD", 3)
    settings.EXPORT_CHUNK_ROWS = 1
    client.force_login(city)
    params = {"batch": batch.pk, "status": ""}
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("pool:ranking-export"), params)
    job = Job.objects.get(kind="export")
    assert job.result == {"rows": 4} and job.fanout_runs.get().chunk_count == 4
    chunked = _workbook(client.get(reverse("portal:job-download", args=[job.pk])))
    monkeypatch.setattr(portal_exports, "ASYNC_THRESHOLD", 100)
    at_once = _workbook(client.get(reverse("pool:ranking-export"), params))
    assert chunked.sheetnames == at_once.sheetnames == ["汇总", "黄石港区", "西塞山区"]
    for name in at_once.sheetnames:
        cells = [[(c.value, c.number_format) for c in row] for row in at_once[name].iter_rows()]
        assert [[(c.value, c.number_format) for c in row] for row in chunked[name].iter_rows()] == cells
    assert [r[0] for r in chunked["西塞山区"].iter_rows(min_row=2, values_only=True)] == [3, 4]
