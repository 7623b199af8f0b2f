"""Import of the patent list from the Excel template: all rows or none.

``patent_rows_merged`` is the import itself, for any form that holds a patent list (``data["patents"]`` in the
shape of ``pool.schema.PATENTS``): the application here, the yearly monitoring report in
``pool.services.lifecycle.monitoring``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.models import User
from portal.services.audit import audit
from portal.validators import normalise_patent_no

from ..models import Application
from ..patent_excel import read_patent_rows
from .applications import ensure_editable

REPLACE, APPEND = "replace", "append"


def patent_rows_merged(current: list, content: bytes, mode: str = REPLACE) -> tuple[list[dict], int]:
    """The patent list after importing the workbook ``content`` into ``current`` (replacing it, or appended to
    it with duplicates of its numbers refused), and how many rows were imported. Any bad row raises
    ``PatentImportError`` listing every bad row."""
    current = [row for row in current or [] if isinstance(row, dict)]
    existing = [normalise_patent_no(str(r.get("application_no") or "")) for r in current] if mode == APPEND else []
    rows = read_patent_rows(content, existing=[n for n in existing if n])
    return (current + rows) if mode == APPEND else rows, len(rows)


def patent_list_import(*, application: Application, user: User, content: bytes, mode: str = REPLACE) -> int:
    """Replace (or extend) the draft's patent list with the workbook's rows; returns how many were imported.
    Any bad row raises ``PatentImportError`` listing every bad row, and the draft is left exactly as it was."""
    ensure_editable(application, user)
    # Parsed before the row lock is taken, so a slow file never holds the draft (or its autosave) waiting.
    snapshot = Application.objects.filter(pk=application.pk).values_list("data", flat=True).first() or {}
    parsed = patent_rows_merged(snapshot.get("patents"), content, mode)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        ensure_editable(application, user)
        current = application.data.get("patents")
        patents, count = parsed if current == snapshot.get("patents") else patent_rows_merged(current, content, mode)
        application.data = {**application.data, "patents": patents}
        application.autosaved_at = timezone.now()
        application.save(update_fields=["data", "autosaved_at", "updated_at"])
        audit(actor=user, action="application.patents_imported", target=application,
              data={"rows": count, "mode": mode})
    return count
