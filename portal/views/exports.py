"""The one way a page hands out an export: stream a small file now, queue a large one in Celery."""

from django.http import FileResponse
from django.shortcuts import redirect

from ..exports import Exporter, export_now, needs_background
from ..services.export_runs import export_start


def export_response(exporter: Exporter):
    if needs_background(exporter):
        job = export_start(exporter)
        return redirect("portal:job-status", pk=job.pk)
    path, _rows = export_now(exporter)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
