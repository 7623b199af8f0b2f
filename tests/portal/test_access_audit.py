"""Reads and refusals are audited (one entry per request): applications viewed, files downloaded (attachments,
PDFs, exports), authorization refusals (404 out of scope, 403); every entry carries the client's address as the
trusted-proxy helper gives it. The admin changes no workflow field."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pool.services.applications import application_submit
from pool.services.attachments import attachment_upload
from portal.admin_site import workflow_fields
from portal.models import AuditEntry
from tests.factories import user_with_role
from tests.pool import files
from tests.pool.helpers import enterprise_login, make_application, make_batch

pytestmark = pytest.mark.django_db
PROXY = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}


@pytest.fixture
def submitted(shipped, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    applicant = enterprise_login()
    application = make_application(applicant, make_batch())
    attachment = attachment_upload(application=application, user=applicant,
                                   upload=SimpleUploadedFile("审计报告.pdf", files.PDF), kind="financial")
    application_submit(application=application, user=applicant)
    return application, attachment


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


def _last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-id").first()


def test_an_attachment_download_is_audited_with_the_client_address(client, submitted, behind_proxy, county):
    _, attachment = submitted
    client.force_login(county)
    assert client.get(reverse("pool:attachment-download", args=[attachment.pk]), **PROXY).status_code == 200
    entry = _last("file.downloaded")
    assert (entry.actor, entry.target_type, entry.target_id) == (county, "pool.attachment", str(attachment.pk))
    assert entry.ip_address == "203.0.113.9"


def test_viewing_an_application_is_audited(client, submitted, county):
    application, _ = submitted
    client.force_login(county)
    assert client.get(reverse("pool:review-detail", args=[application.pk])).status_code == 200
    assert client.get(f"/api/pool/applications/{application.pk}/").status_code == 200
    viewed = AuditEntry.objects.filter(action="application.viewed", actor=county)
    assert list(viewed.values_list("target_type", "target_id")) == [("pool.application", str(application.pk))] * 2


def test_the_application_pdf_is_audited(client, submitted, county):
    application, _ = submitted
    client.force_login(county)
    response = client.get(reverse("pool:application-pdf", args=[application.pk]))
    assert response.status_code == 200
    entry = _last("file.downloaded")
    assert (entry.actor, entry.target_type, entry.target_id) == (county, "pool.application", str(application.pk))


def test_an_out_of_scope_object_is_a_recorded_refusal(client, submitted, behind_proxy, other_county):
    application, attachment = submitted
    client.force_login(other_county)
    assert client.get(reverse("pool:attachment-download", args=[attachment.pk]), **PROXY).status_code == 404
    assert client.get(f"/api/pool/applications/{application.pk}/", **PROXY).status_code == 404
    refusals = AuditEntry.objects.filter(action="access.denied", actor=other_county).order_by("id")
    assert [e.data["status"] for e in refusals] == [404, 404]
    assert {e.ip_address for e in refusals} == {"203.0.113.9"}
    assert not AuditEntry.objects.filter(action="file.downloaded", actor=other_county).exists()


def test_a_forbidden_action_is_a_recorded_refusal(client, behind_proxy):
    superuser = user_with_role("admin")
    client.force_login(superuser)
    assert client.get("/admin/portal/auditentry/add/", **PROXY).status_code == 403
    entry = _last("access.denied")
    assert (entry.actor, entry.data["status"], entry.ip_address) == (superuser, 403, "203.0.113.9")


def test_services_auditing_inside_a_request_record_the_client_address(client, shipped, behind_proxy, settings,
                                                                      tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    applicant = enterprise_login()
    application = make_application(applicant, make_batch())
    client.force_login(applicant)
    client.post(reverse("pool:attachment-upload", args=[application.pk]),
                {"attachment-kind": "other", "attachment-file": SimpleUploadedFile("a.pdf", files.PDF)}, **PROXY)
    entry = AuditEntry.objects.exclude(action__in=["file.downloaded", "application.viewed"]).order_by("-id").first()
    assert entry.action.startswith("attachment") and entry.ip_address == "203.0.113.9"


def test_every_admin_shows_workflow_fields_read_only(rf):
    superuser = user_with_role("admin")
    request = rf.get("/admin/")
    request.user = superuser
    checked = 0
    for model, model_admin in admin.site._registry.items():
        locked = workflow_fields(model)
        if not locked:
            continue
        readonly = set(model_admin.get_readonly_fields(request, None))
        assert set(locked) <= readonly, (model._meta.label, set(locked) - readonly)
        checked += 1
    assert checked >= 8  # applications, monitoring reports, matches, runs, needs, whitelists, loans, claims …


def test_an_application_cannot_be_admitted_in_the_admin(client, submitted):
    application, _ = submitted
    client.force_login(user_with_role("admin"))
    url = f"/admin/pool/application/{application.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="status"' not in page
    before = AuditEntry.objects.exclude(action__in=["application.viewed", "access.denied", "file.downloaded"]).count()
    client.post(url, {"status": "admitted", "enterprise_name": application.enterprise_name})
    application.refresh_from_db()
    assert application.status == "submitted"
    assert AuditEntry.objects.exclude(action__in=["application.viewed", "access.denied", "file.downloaded"]).count() \
        == before
