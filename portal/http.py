"""Small HTTP responses shared by the apps."""

from collections.abc import Iterable

from django.http import HttpResponse


def csv_template_response(headers: Iterable[str], filename: str) -> HttpResponse:
    """An import template: one CSV header row, UTF-8 with a BOM so Excel shows the Chinese headers."""
    response = HttpResponse("\ufeff" + ",".join(headers) + "\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def login_required_json(view):
    """For endpoints a page's script calls (autosave): an expired session answers 401 with a Chinese message and
    the login address, instead of a redirect to the login page that the script would read as a network error."""
    from functools import wraps

    from django.conf import settings
    from django.http import JsonResponse
    from django.shortcuts import resolve_url
    from django.utils.http import urlencode

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            back = request.headers.get("X-Page-Path") or "/"
            if not back.startswith("/") or back.startswith("//"):
                back = "/"
            return JsonResponse({
                "ok": False, "login_required": True,
                "message": "登录已超时，请重新登录。您填写的内容已暂存在本机，重新登录后会自动保存，不会丢失。",
                "login_url": f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}",
            }, status=401, json_dumps_params={"ensure_ascii": False})
        return view(request, *args, **kwargs)

    return wrapped
