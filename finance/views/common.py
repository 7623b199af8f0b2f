"""Helpers shared by the finance pages: role sets, service errors shown at the form, the client's address."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from portal.services.audit import client_ip

from ..models.whitelists import ImmutableError
from ..services.policies import NoPolicy
from ..workflow import TransitionError

ENTERPRISE = ("enterprise",)
BANK = ("bank",)
BUREAUS = ("county", "city", "province", "admin")
PUBLISHERS = ("city", "province", "admin")
#: Everyone who reads the banks' feedback: the bank its own, bureaus their region's.
FEEDBACK_READERS = ("bank", "county", "city", "province", "admin")
SUBSIDY_READERS = ("enterprise", "county", "city", "province", "admin")
CLAIM_READERS = ("bank", "city", "province", "admin")

#: What a service raises when it refuses; a view shows it to the person instead of failing.
REFUSALS = (ValidationError, PermissionDenied, TransitionError, ImmutableError, NoPolicy)


def require_role(request, roles) -> None:
    if request.user.role not in roles:
        raise Http404("页面不存在")


def message_of(error) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "；".join(m for messages in error.message_dict.values() for m in messages)
        return "；".join(error.messages)
    return str(error)


def show_errors(form, error) -> None:
    """Put a service's refusal at the fields it names, keeping everything the person typed."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, message_of(error))


def ip_of(request) -> str | None:
    return client_ip(request)


def params_of(request) -> dict:
    return {key: value for key, value in request.GET.items() if key != "page" and value != ""}


def back(request, fallback: str) -> str:
    """The page to return to: a same-site ``next`` the form sent, else ``fallback``."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback
