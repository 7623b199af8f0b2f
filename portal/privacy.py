"""Personal data (PIPL): phone numbers, e-mail addresses and contact names are masked for bureau and bank users
unless they reveal one record's contact data, with a reason, for a while (audited). An organisation's own people
and contact see theirs in full; so do enterprises and suppliers (they only ever see their own or a counterpart
introduced to them).

One place decides: templates use ``{% personal obj "field" %}`` (portal_tags), serializers ``PersonalField``,
exports ``mask_row``.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.conf import settings
from rest_framework import serializers

#: Roles that see others' contact data masked by default.
MASKED_ROLES = frozenset({"county", "city", "province", "bank"})
#: Which kind of value a field holds, by its name.
FIELD_KINDS = {"contact_phone": "phone", "phone": "phone", "email": "email", "contact_person": "name",
               "full_name": "name", "person": "name"}
SESSION_KEY = "personal_data_revealed"


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    if len(value) >= 7:
        return f"{value[:3]}****{value[-4:]}"
    return value[:1] + "*" * max(len(value) - 1, 0)


def mask_email(value: str) -> str:
    value = (value or "").strip()
    local, at, domain = value.partition("@")
    if not at:
        return mask_name(value)
    return f"{local[:1]}***@{domain}"


def mask_name(value: str) -> str:
    value = (value or "").strip()
    return value[:1] + "*" * max(len(value) - 1, 1) if value else ""


MASKS = {"phone": mask_phone, "email": mask_email, "name": mask_name}


def mask(value: str, kind: str) -> str:
    return MASKS[kind](value) if value else value


# --- Whose data is it ---------------------------------------------------------------------------------------

#: What a reveal is granted for: the model's label and the attribute holding the owning organisation's id.
OWNERS = {"portal.organisation": "pk", "portal.user": "organisation_id", "finance.publicationentry": "enterprise_id"}


def target_key(obj) -> str | None:
    label = getattr(getattr(obj, "_meta", None), "label_lower", None)
    return f"{label}:{obj.pk}" if label in OWNERS else None


def owner_organisation_id(obj):
    if isinstance(obj, dict):
        return obj.get("enterprise_id") or obj.get("organisation_id")
    label = getattr(getattr(obj, "_meta", None), "label_lower", None)
    return getattr(obj, OWNERS.get(label, "organisation_id"), None)


def revealed(request, obj) -> bool:
    if request is None or not hasattr(request, "session"):
        return False
    key = target_key(obj)
    until = request.session.get(SESSION_KEY, {}).get(key) if key else None
    return bool(until and until > time.time())


def must_mask(user, obj, request=None) -> bool:
    """Whether ``user`` sees ``obj``'s contact data masked now."""
    if user is None or not user.is_authenticated:
        return True
    if getattr(user, "role", None) not in MASKED_ROLES:
        return False
    if owner_organisation_id(obj) is not None and owner_organisation_id(obj) == user.organisation_id:
        return False
    if getattr(obj, "pk", None) == user.pk and getattr(getattr(obj, "_meta", None), "label_lower", "") == "portal.user":
        return False
    return not revealed(request, obj)


def shown(user, obj, field: str, request=None) -> str:
    value = obj.get(field, "") if isinstance(obj, dict) else getattr(obj, field, "")
    value = value or ""
    return mask(value, FIELD_KINDS[field]) if must_mask(user, obj, request) else value


def mask_row(user, row: dict, fields=("contact_person", "contact_phone")) -> dict:
    """An export row as ``user`` may receive it (exports never carry revealed data: a reveal is for one record)."""
    if user is not None and getattr(user, "role", None) in MASKED_ROLES and owner_organisation_id(row) != getattr(
            user, "organisation_id", None):
        return {**row, **{f: mask(row.get(f) or "", FIELD_KINDS[f]) for f in fields}}
    return row


def grant_reveal(request, obj) -> None:
    grants = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if v > time.time()}
    grants[target_key(obj)] = time.time() + settings.PERSONAL_DATA_REVEAL_MINUTES * 60
    request.session[SESSION_KEY] = grants


# --- Revealing one record ---------------------------------------------------------------------------------

#: The kinds of record a reveal names (API and form), with the fields it shows in full.
REVEALABLE = {
    "organisation": ("portal.organisation", ("contact_person", "contact_phone")),
    "user": ("portal.user", ("full_name", "email", "phone")),
    "whitelist_entry": ("finance.publicationentry", ("contact_person", "contact_phone")),
}


def revealable_object(user, kind: str, pk):
    """The record ``user`` asks to reveal, if it may see that record at all (else None: the same 404 as anywhere)."""
    if kind not in REVEALABLE:
        return None
    model = apps.get_model(REVEALABLE[kind][0])
    try:
        return model.objects.visible_to(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def reveal(*, request, obj, kind: str, reason: str) -> dict:
    """Show ``obj``'s contact data in full to the person asking, for PERSONAL_DATA_REVEAL_MINUTES, and audit it."""
    from .http import client_ip
    from .services.audit import audit

    grant_reveal(request, obj)
    fields = REVEALABLE[kind][1]
    audit(actor=request.user, action="personal_data.revealed", target=obj, comment=reason.strip()[:500],
          data={"fields": list(fields)}, ip_address=client_ip(request))
    return {f: getattr(obj, f, "") or "" for f in fields}


# --- API ----------------------------------------------------------------------------------------------------

class PersonalField(serializers.ReadOnlyField):
    """A contact field, masked for bureau and bank users (``POST /api/privacy/reveal/`` gives it in full)."""

    def get_attribute(self, instance):
        self._instance = instance
        return super().get_attribute(instance)

    def to_representation(self, value):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not value or not must_mask(user, self._instance, getattr(request, "_request", request)):
            return value
        return mask(value, FIELD_KINDS[self.field_name])
