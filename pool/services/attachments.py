"""Evidence files of an application: upload (checked allow-list, size and content) and removal."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from portal.models import User
from portal.services.audit import audit

from ..filetypes import validate_upload
from ..models import Application, ApplicationRevision, Attachment
from .applications import ensure_editable


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def attachment_upload(*, application: Application, user: User, upload, kind: str) -> Attachment:
    """Store one evidence file under a random name; refused with a Chinese message when it is not allowed."""
    extension = validate_upload(upload)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        ensure_editable(application, user)
        attachment = Attachment(application=application, kind=kind, original_name=(upload.name or "")[-255:],
                                extension=extension, size=upload.size, sha256=_sha256(upload), uploaded_by=user)
        attachment.file.save(upload.name, upload, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)  # nothing half-written: no orphan file without its row
            raise
        audit(actor=user, action="attachment.uploaded", target=application,
              data={"attachment": attachment.pk, "name": attachment.original_name, "size": attachment.size})
    return attachment


def _referenced_by_revision(attachment: Attachment) -> bool:
    for manifest in ApplicationRevision.objects.filter(application_id=attachment.application_id) \
            .values_list("attachments", flat=True):
        if any(item.get("id") == attachment.pk for item in manifest or []):
            return True
    return False


def attachment_remove(*, attachment: Attachment, user: User) -> None:
    """Remove a file from the draft; a file a submitted revision lists is only hidden, so reviewers keep it."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=attachment.application_id)
        ensure_editable(application, user)
        attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
        audit(actor=user, action="attachment.removed", target=application,
              data={"attachment": attachment.pk, "name": attachment.original_name})
        if _referenced_by_revision(attachment):
            attachment.removed_at = timezone.now()
            attachment.save(update_fields=["removed_at"])
            return
        stored = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))
