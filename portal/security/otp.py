"""Second factor (TOTP, django-otp) for staff accounts: county, city, province, bank and admin.

With ``OTP_REQUIRED`` on (production), a staff person who has signed in with a password reaches nothing but the
enrolment or verification page until a code from their authenticator app is accepted; an API token for them needs
the code too. Recovery: the level above resets the device (portal.services.accounts.otp_device_reset).
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

SECOND_FACTOR_ROLES = frozenset({"county", "city", "province", "bank", "admin"})
#: Pages a person who still owes the second factor may open.
OPEN_PATHS = ("account-otp-setup", "account-otp-verify", "logout")


def needs_second_factor(user) -> bool:
    return bool(settings.OTP_REQUIRED and user is not None and user.is_authenticated
                and user.role in SECOND_FACTOR_ROLES)


def confirmed_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def check_code(device, code: str) -> bool:
    """The code from the app, with django-otp's throttling (each failure doubles the wait)."""
    allowed, _ = device.verify_is_allowed()
    return bool(allowed and code and device.verify_token(code.strip().replace(" ", "")))


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if needs_second_factor(user) and not user.is_verified():
            open_paths = {reverse(name) for name in OPEN_PATHS}
            if request.path not in open_paths and not request.path.startswith(settings.STATIC_URL):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先完成两步验证。"}, status=403,
                                        json_dumps_params={"ensure_ascii": False})
                target = "account-otp-verify" if confirmed_device(user) else "account-otp-setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
