"""Attachments: allow-list, 20 MB cap, content checked against the extension, scoped download."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pool.models import Attachment
from pool.policy import ATTACHMENT_MAX_BYTES
from pool.services.applications import application_submit
from pool.services.attachments import attachment_remove, attachment_upload
from pool.workflow import TransitionError
from tests.factories import user_with_role
from tests.pool import files
from tests.pool.helpers import enterprise_login, make_application

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("name,content", [
    ("营业执照.pdf", files.PDF), ("证书.PNG", files.PNG), ("照片.jpg", files.JPEG), ("照片.jpeg", files.JPEG),
    ("财务报表.xlsx", files.xlsx()), ("合作协议.docx", files.docx()),
])
def test_allowed_files_are_stored_under_a_random_name(applicant, batch, settings, name, content):
    application = make_application(applicant, batch)
    attachment = attachment_upload(application=application, user=applicant, upload=upload(name, content),
                                   kind="licence")
    assert attachment.original_name == name
    assert name.rsplit(".", 1)[0] not in attachment.file.name
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert attachment.size == len(content)


@pytest.mark.parametrize("name", ["脚本.exe", "网页.html", "压缩包.zip", "无扩展名", "文档.doc"])
def test_other_types_are_refused(applicant, batch, name):
    application = make_application(applicant, batch)
    with pytest.raises(ValidationError, match="不支持该文件类型"):
        attachment_upload(application=application, user=applicant, upload=upload(name, files.PDF), kind="other")
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("name,content", [
    ("伪装.pdf", files.PNG), ("伪装.png", files.PDF), ("伪装.jpg", b"GIF89a" + b"\x00" * 20),
    ("伪装.xlsx", files.docx()), ("伪装.docx", files.xlsx()), ("伪装.docx", files.plain_zip()),
    ("伪装.xlsx", b"PK\x03\x04 not really a zip"),
])
def test_content_must_match_the_extension(applicant, batch, name, content):
    application = make_application(applicant, batch)
    with pytest.raises(ValidationError, match="文件内容与扩展名不符"):
        attachment_upload(application=application, user=applicant, upload=upload(name, content), kind="other")


def _file_of_size(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("大文件.pdf", files.PDF + b"0" * (size - len(files.PDF)))


def test_twenty_megabytes_is_the_cap(applicant, batch):
    application = make_application(applicant, batch)
    at_cap = attachment_upload(application=application, user=applicant, upload=_file_of_size(ATTACHMENT_MAX_BYTES),
                               kind="other")
    assert at_cap.size == 20 * 1024 * 1024
    with pytest.raises(ValidationError, match="不得超过 20 MB"):
        attachment_upload(application=application, user=applicant,
                          upload=_file_of_size(ATTACHMENT_MAX_BYTES + 1), kind="other")


def test_upload_page_reports_the_reason(client, applicant, batch):
    application = make_application(applicant, batch)
    client.force_login(applicant)
    response = client.post(reverse("pool:attachment-upload", args=[application.pk]),
                           {"attachment-kind": "other", "attachment-file": upload("a.pdf", files.PNG)}, follow=True)
    assert "附件未上传：文件内容与扩展名不符" in response.content.decode()


def test_no_upload_after_submission(applicant, batch):
    application = make_application(applicant, batch)
    application_submit(application=application, user=applicant)
    with pytest.raises(TransitionError):
        attachment_upload(application=application, user=applicant, upload=upload("a.pdf", files.PDF), kind="other")


def _stored(applicant, batch) -> Attachment:
    application = make_application(applicant, batch)
    return attachment_upload(application=application, user=applicant, upload=upload("审计报告.pdf", files.PDF),
                             kind="financial")


def test_download_is_an_attachment_with_nosniff(client, applicant, batch):
    attachment = _stored(applicant, batch)
    client.force_login(applicant)
    response = client.get(reverse("pool:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role,region,status", [
    ("county", "420202", 200), ("city", "420200", 200), ("province", "420000", 200),
    ("county", "420203", 404), ("city", "420500", 404), ("enterprise", "420202", 404), ("bank", "420200", 404),
])
def test_download_is_scoped(client, applicant, batch, role, region, status):
    attachment = _stored(applicant, batch)
    application_submit(application=attachment.application, user=applicant)
    client.force_login(user_with_role(role, region))
    assert client.get(reverse("pool:attachment-download", args=[attachment.pk])).status_code == status


def test_media_is_not_under_the_static_root(settings):
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


def test_removing_a_draft_file_deletes_it(applicant, batch, django_capture_on_commit_callbacks):
    attachment = _stored(applicant, batch)
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(attachment=attachment, user=applicant)
    assert not Attachment.objects.exists()
    import os
    assert not os.path.exists(path)


def test_a_submitted_file_is_only_hidden_when_removed_later(applicant, batch, county_user):
    from pool.services.review import application_return

    attachment = _stored(applicant, batch)
    application = attachment.application
    application_submit(application=application, user=applicant)
    application_return(application=application, reviewer=county_user, comment="请补充材料")
    attachment_remove(attachment=attachment, user=applicant)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert attachment.file.storage.exists(attachment.file.name)
    assert application.revisions.get().attachments[0]["id"] == attachment.pk


def test_another_enterprise_cannot_upload(client, applicant, batch):
    application = make_application(applicant, batch)
    client.force_login(enterprise_login())
    response = client.post(reverse("pool:attachment-upload", args=[application.pk]),
                           {"attachment-kind": "other", "attachment-file": upload("a.pdf", files.PDF)})
    assert response.status_code == 404
