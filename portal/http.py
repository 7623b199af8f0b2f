"""Small HTTP helpers shared by the apps: the client's address behind the configured proxies, common responses."""

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the person's machine, for the audit log and the login lock-out.

    ``X-Forwarded-For`` is believed only as far as our own proxies wrote it: with ``TRUSTED_PROXIES`` (addresses
    or networks) the chain is walked from the right past trusted hops; with ``NUM_PROXIES`` that many hops are
    taken from the right. With neither, the header is ignored (anyone could write it) and the peer address counts.
    """
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR") or None
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    networks = [ipaddress.ip_network(p, strict=False) for p in getattr(settings, "TRUSTED_PROXIES", [])]
    count = getattr(settings, "NUM_PROXIES", 0)
    if networks:
        peer_address = _address(peer or "")
        if peer_address is None or not _trusted(peer_address, networks):
            return peer
        for hop in reversed(forwarded):
            address = _address(hop)
            if address is None:
                return peer
            if not _trusted(address, networks):
                return str(address)
        return str(_address(forwarded[0])) if forwarded else peer
    if count and forwarded:
        chain = [*forwarded, peer or ""]
        hop = chain[max(len(chain) - 1 - count, 0)]
        address = _address(hop)
        return str(address) if address is not None else peer
    return peer


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
