"""A draft never submitted is the enterprise's business: reviewers get 404 for its files (page and API) until
the first submission; the enterprise always reads its own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pool.services.applications import application_submit
from pool.services.attachments import attachment_upload
from tests.factories import user_with_role
from tests.pool import files
from tests.pool.helpers import make_application

pytestmark = pytest.mark.django_db
REVIEWERS = [("county", "420202"), ("city", "420200"), ("province", "420000")]


def _draft_with_file(applicant, batch):
    application = make_application(applicant, batch)
    attachment = attachment_upload(application=application, user=applicant,
                                   upload=SimpleUploadedFile("审计报告.pdf", files.PDF), kind="financial")
    return application, attachment


@pytest.mark.parametrize("role,region", REVIEWERS)
def test_reviewers_cannot_download_a_never_submitted_draft_s_file(client, applicant, batch, role, region):
    _, attachment = _draft_with_file(applicant, batch)
    client.force_login(user_with_role(role, region))
    assert client.get(reverse("pool:attachment-download", args=[attachment.pk])).status_code == 404


@pytest.mark.parametrize("role,region", REVIEWERS)
def test_after_submission_reviewers_may(client, applicant, batch, role, region):
    application, attachment = _draft_with_file(applicant, batch)
    application_submit(application=application, user=applicant)
    client.force_login(user_with_role(role, region))
    response = client.get(reverse("pool:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF


def test_the_enterprise_always_reads_its_own_draft_files(client, applicant, batch):
    _, attachment = _draft_with_file(applicant, batch)
    client.force_login(applicant)
    assert client.get(reverse("pool:attachment-download", args=[attachment.pk])).status_code == 200


@pytest.mark.parametrize("role,region", REVIEWERS)
def test_the_api_tells_reviewers_nothing_of_a_draft_s_files(client, applicant, batch, role, region):
    application, attachment = _draft_with_file(applicant, batch)
    client.force_login(user_with_role(role, region))
    for url in (f"/api/pool/applications/{application.pk}/", f"/api/pool/applications/{application.pk}/revisions/"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert attachment.original_name not in response.content.decode(), url
    assert client.get(reverse("pool:attachment-download", args=[attachment.pk]),
                      HTTP_ACCEPT="application/json").status_code == 404
