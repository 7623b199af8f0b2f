"""Auditing what people read and what they were refused, one INSERT per request at most.

MLPS level 3 wants reads of personal and business data and authorization failures on record, not only changes.
This middleware sets the request's client address (``portal.http.client_ip``, which honours the trusted
proxies) for every audit entry written while serving it, and after the view has answered records:

* a refusal (403, or 404 — what an out-of-scope object answers) to a signed-in person: ``access.denied``;
* a file served (an attachment, a PDF, an export, a template): ``file.downloaded``;
* an application read (its page, review page, evaluation, revision, API detail): ``application.viewed``.
"""

from __future__ import annotations

import logging

from django.http import FileResponse

from .http import client_ip
from .services.audit import audit, current_ip

#: Pages and API endpoints that show one application's facts; the URL's ``pk`` is the application.
APPLICATION_VIEWS = frozenset({
    "pool:application-detail", "pool:application-evaluation", "pool:revision-detail", "pool:review-detail",
    "pool-application-detail", "pool-application-revisions", "pool-review-detail",
})
logger = logging.getLogger(__name__)
FILE_TYPES = ("application/pdf", "application/vnd.openxmlformats", "application/zip", "text/csv",
              "application/octet-stream", "image/")
#: Downloads of these views are recorded with their target.
FILE_TARGETS = {"pool:attachment-download": "pool.attachment", "pool:application-pdf": "pool.application",
                "portal:job-download": "portal.job"}


def _is_file(response) -> bool:
    if isinstance(response, FileResponse):
        return True
    disposition = response.get("Content-Disposition", "")
    content_type = response.get("Content-Type", "")
    return "attachment" in disposition or (disposition.startswith("inline") and content_type.startswith(FILE_TYPES))


def record_access(request, response) -> None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else ""
    pk = str((match.kwargs or {}).get("pk", "")) if match else ""
    where = {"method": request.method, "path": request.path[:300], "view": view}
    status = response.status_code
    if status in (403, 404):
        audit(actor=user, action="access.denied", comment=f"{status} {request.method} {request.path[:300]}",
              data={**where, "status": status})
    elif 200 <= status < 300 and _is_file(response):
        name = response.get("Content-Disposition", "")[:200]
        audit(actor=user, action="file.downloaded", target_type=FILE_TARGETS.get(view, ""),
              target_id=pk if view in FILE_TARGETS else "", comment=name, data=where)
    elif status == 200 and request.method == "GET" and view in APPLICATION_VIEWS and pk:
        audit(actor=user, action="application.viewed", target_type="pool.application", target_id=pk, data=where)


class AccessAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
            try:
                record_access(request, response)
            except Exception:  # the answer stands; a log line says the record is missing (e.g. database down)
                logger.exception("access to %s could not be audited", request.path)
        finally:
            current_ip.reset(token)
        return response
