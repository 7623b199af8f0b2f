"""API tokens that expire, rotate and can be revoked; sessions with an absolute lifetime beside the idle timeout."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

SESSION_STARTED = "auth_started"


def token_lifetime() -> timedelta:
    return timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS)


def token_expires_at(token) -> datetime:
    return token.created + token_lifetime()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, refused (and deleted) once older than ``API_TOKEN_LIFETIME_HOURS``."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires_at(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed("接口令牌已过期，请重新获取。")
        return user, token


def mark_session_start(request) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = timezone.now().timestamp()


class SessionLifetimeMiddleware:
    """Ends a session ``SESSION_ABSOLUTE_LIFETIME`` after its login, however active it has been (the idle timeout
    alone would let a session that is used every few minutes live for ever)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED)
            now = timezone.now().timestamp()
            if started is None:
                request.session[SESSION_STARTED] = now
            elif now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                hours = round(settings.SESSION_ABSOLUTE_LIFETIME / 3600)
                messages.info(request, f"登录已满 {hours} 小时，为了账号安全请重新登录。")
        return self.get_response(request)
