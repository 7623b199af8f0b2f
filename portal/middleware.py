"""Request guards: odd input is cleaned or refused before any view sees it; a database outage is a Chinese 503."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

DATABASE_DOWN = "系统暂时无法连接数据库，请稍后再试。已保存的内容不受影响。"
TOO_LONG = "提交的内容过长：单项文字不能超过 {limit} 个字符。"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def database_unavailable(request) -> HttpResponse:
    """The 503 answer while the database cannot be reached: rendered without the database (no session, no menu,
    no user), JSON for the API."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        return JsonResponse({"status": "error", "detail": DATABASE_DOWN}, status=503,
                            json_dumps_params={"ensure_ascii": False}, headers={"Retry-After": "30"})
    page = render_to_string("plain_error.html", {"message": DATABASE_DOWN})
    return HttpResponse(page, status=503, headers={"Retry-After": "30"})


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers the 503 page (``handler500`` does the same for failures
    outside views, e.g. saving the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            logger.error("database unavailable: %s", exception)
            return database_unavailable(request)
        return None


def _clean(querydict, limit: int):
    """The parameters without NUL characters (no database column takes them), or the name of a value that is
    longer than ``limit``."""
    cleaned = querydict.copy()
    for key, values in querydict.lists():
        stripped = [value.replace("\x00", "") for value in values]
        if any(len(value) > limit for value in stripped):
            return None, key
        cleaned.setlist(key, stripped)
    cleaned._mutable = False
    return cleaned, None


class RequestTextMiddleware:
    """Every query parameter and form value: NUL characters dropped, beyond ``TEXT_MAX_CHARS`` refused (400 with
    a Chinese message) — one rule for every page, filter and API form post."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.TEXT_MAX_CHARS
        request.GET, too_long = _clean(request.GET, limit)
        if too_long is None and request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST, too_long = _clean(request.POST, limit)
        if too_long is not None:
            message = TOO_LONG.format(limit=limit)
            if request.path.startswith("/api/"):
                return JsonResponse({too_long: [message]}, status=400, json_dumps_params={"ensure_ascii": False})
            page = render_to_string("plain_error.html", {"message": message, "title": "提交的内容过长"})
            return HttpResponse(page, status=400)
        return self.get_response(request)


def server_error(request):
    """``handler500``: a database outage met outside a view (the session saved on the way out) is the 503 page
    too; anything else is the portal's 500 page."""
    from django.views import defaults

    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request)
