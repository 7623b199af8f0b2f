"""A county reviewer sees exactly its county: another county's application, attachment, export and API object
answer 404 (never 403), and its rows never reach the county's lists or files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from pool.models import ApplicationStatus
from pool.services.applications import application_submit
from pool.services.attachments import attachment_upload
from portal import exports as portal_exports
from tests.pool import files
from tests.pool.helpers import enterprise_login, make_application
from tests.review.helpers import reviewer, submitted

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def foreign(batch):
    """An application of 西塞山区 (420203) with an attachment; the ``county`` fixture reviews 黄石港区."""
    user = enterprise_login("420203", name="西塞山外区企业")
    application = make_application(user, batch)
    attachment = attachment_upload(application=application, user=user, kind="financial",
                                   upload=SimpleUploadedFile("审计报告.pdf", files.PDF, "application/pdf"))
    application_submit(application=application, user=user)
    application.refresh_from_db()
    return application, attachment


@pytest.mark.parametrize("name,method", [
    ("pool:review-detail", "get"), ("pool:review-decide", "post"), ("pool:application-pdf", "get"),
])
def test_another_countys_application_pages_answer_404(client, county, foreign, name, method):
    application, _ = foreign
    client.force_login(county)
    response = getattr(client, method)(reverse(name, args=[application.pk]), {"to": "county_approved"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_another_countys_criterion_override_answers_404(client, county, foreign):
    client.force_login(county)
    response = client.post(reverse("pool:review-criterion", args=[foreign[0].pk, 5]),
                           {"outcome": "pass", "justification": "x"})
    assert response.status_code == 404


def test_another_countys_attachment_answers_404(client, county, foreign):
    _, attachment = foreign
    client.force_login(county)
    assert client.get(reverse("pool:attachment-download", args=[attachment.pk])).status_code == 404
    client.force_login(reviewer("county", "420203"))
    assert client.get(reverse("pool:attachment-download", args=[attachment.pk])).status_code == 200


def test_another_countys_rows_never_reach_the_export(client, batch, county, foreign):
    own = submitted(batch, name="本区企业")
    client.force_login(county)
    response = client.get(reverse("pool:review-export"), {"status": "submitted"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [own.enterprise_name]
    asked = client.get(reverse("pool:review-export"), {"region": "420203"})
    sheet = load_workbook(io.BytesIO(b"".join(asked.streaming_content))).active
    assert sheet.max_row == 1  # the header only


def test_another_reviewers_export_job_answers_404(client, batch, county, foreign, monkeypatch):
    monkeypatch.setattr(portal_exports, "ASYNC_THRESHOLD", 0)
    other = reviewer("county", "420203")
    client.force_login(other)
    response = client.get(reverse("pool:review-export"))
    job_url = response["Location"]
    assert client.get(job_url).status_code == 200
    client.force_login(county)
    assert client.get(job_url).status_code == 404
    assert client.get(job_url.rstrip("/") + "/download/").status_code == 404


@pytest.mark.parametrize("path,method", [("", "get"), ("transitions/", "get"), ("decide/", "post"),
                                         ("criteria/", "post")])
def test_another_countys_api_object_answers_404(county, foreign, path, method):
    api = APIClient()
    api.force_authenticate(county)
    response = getattr(api, method)(f"/api/pool/review/{foreign[0].pk}/{path}",
                                    {"to": "county_approved", "number": 5, "outcome": "pass", "justification": "x"},
                                    format="json")
    assert response.status_code == 404


def test_the_queue_and_its_api_list_hold_only_the_countys_applications(client, batch, county, foreign):
    own = submitted(batch)
    client.force_login(county)
    page = client.get(reverse("pool:review-queue"), {"status": ""}).content.decode()
    assert f'data-application="{own.pk}"' in page and f'data-application="{foreign[0].pk}"' not in page
    api = APIClient()
    api.force_authenticate(county)
    assert [r["id"] for r in api.get("/api/pool/review/").json()["results"]] == [own.pk]


def test_the_review_pages_are_for_bureaus_only(client, batch, applicant):
    application = submitted(batch, user=applicant)
    client.force_login(applicant)
    assert client.get(reverse("pool:review-queue")).status_code == 404
    assert client.get(reverse("pool:review-detail", args=[application.pk])).status_code == 404
    assert client.get(reverse("pool:ranking")).status_code == 404
    assert client.get(reverse("pool:application-pdf", args=[application.pk])).status_code == 200  # its own form
