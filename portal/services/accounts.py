"""Accounts: enterprises register themselves; staff accounts are created by the level above or by an admin."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Organisation, OrganisationKind, Region, RegionLevel, User
from ..validators import normalise_uscc, validate_uscc
from .audit import audit

# Which bureau kinds a creator may open accounts for, by the creator's role.
STAFF_KINDS_CREATABLE = {
    "city": {OrganisationKind.COUNTY},
    "province": {OrganisationKind.CITY, OrganisationKind.COUNTY},
    "admin": {OrganisationKind.COUNTY, OrganisationKind.CITY, OrganisationKind.PROVINCE},
}
KIND_FOR_LEVEL = {
    RegionLevel.COUNTY: OrganisationKind.COUNTY,
    RegionLevel.CITY: OrganisationKind.CITY,
    RegionLevel.PROVINCE: OrganisationKind.PROVINCE,
}
BUREAU_SUFFIX = {
    OrganisationKind.COUNTY: "市场监督管理局",
    OrganisationKind.CITY: "市场监督管理局",
    OrganisationKind.PROVINCE: "知识产权局",
}


def can_create_staff(user: User, region: Region) -> tuple[bool, str]:
    kinds = STAFF_KINDS_CREATABLE.get(user.role, set())
    kind = KIND_FOR_LEVEL.get(region.level)
    if kind not in kinds:
        return False, "您无权为该级别的机构创建账号。"
    if user.role != "admin" and not user.region.contains(region):
        return False, "只能为本辖区内的机构创建账号。"
    return True, ""


def enterprise_register(*, uscc: str, name: str, region: Region, contact_person: str, contact_phone: str,
                        username: str, password: str, email: str = "", ip_address: str | None = None) -> User:
    """An enterprise registers itself: one organisation (keyed by its 统一社会信用代码) and its first login."""
    uscc = validate_uscc(normalise_uscc(uscc))
    if region.level != RegionLevel.COUNTY:
        raise ValidationError({"region": "请选择企业注册地所在的县（市、区）。"})
    with transaction.atomic():
        if Organisation.objects.select_for_update().filter(uscc=uscc).exists():
            raise ValidationError({"uscc": "该统一社会信用代码已注册，请直接登录或联系所在县（区）市场监管局。"})
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "该用户名已被使用。"})
        organisation = Organisation.objects.create(
            kind=OrganisationKind.ENTERPRISE, name=name.strip(), region=region, uscc=uscc,
            contact_person=contact_person.strip(), contact_phone=contact_phone.strip(),
        )
        user = User(username=username, email=email, organisation=organisation, full_name=contact_person.strip(),
                    phone=contact_phone.strip())
        validate_password(password, user)
        user.set_password(password)
        user.save()
        audit(actor=user, action="organisation.registered", target=organisation, ip_address=ip_address)
    return user


def bureau_for_region(region: Region) -> Organisation:
    kind = KIND_FOR_LEVEL[region.level]
    organisation = Organisation.objects.filter(kind=kind, region=region).order_by("pk").first()
    if organisation is None:
        organisation = Organisation.objects.create(kind=kind, region=region,
                                                   name=f"{region.name}{BUREAU_SUFFIX[kind]}")
    return organisation


def staff_account_create(*, creator: User, region: Region, username: str, password: str, full_name: str,
                         phone: str = "", email: str = "") -> User:
    """A city creates county reviewers for its counties; a province creates city and county accounts."""
    allowed, reason = can_create_staff(creator, region)
    if not allowed:
        raise ValidationError({"region": reason})
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "该用户名已被使用。"})
        user = User(username=username, full_name=full_name, phone=phone, email=email,
                    organisation=bureau_for_region(region))
        validate_password(password, user)
        user.set_password(password)
        user.save()
        audit(actor=creator, action="user.created", target=user, data={"region": region.code})
    return user


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit(actor=actor, action="user.activated" if active else "user.deactivated", target=user)
    return user


def user_password_changed(*, user: User, ip_address: str | None = None) -> None:
    audit(actor=user, action="user.password_changed", target=user, ip_address=ip_address)


#: Who may lift a lock-out: the level above (a city its counties' accounts, a province its cities' and counties').
UNLOCK_ROLES = ("city", "province", "admin")


def account_locked(user: User) -> bool:
    """Whether the login lock-out (django-axes, per account and address) holds for ``user`` from any address now."""
    from axes.helpers import get_cool_off, get_failure_limit
    from axes.models import AccessAttempt
    from django.utils import timezone

    limit = get_failure_limit(None, None)
    return AccessAttempt.objects.filter(username=user.username, failures_since_start__gte=limit,
                                        attempt_time__gte=timezone.now() - get_cool_off()).exists()


def account_unlock(*, actor: User, user: User, reason: str = "") -> int:
    """Lift ``user``'s lock-out before its cool-off ends; only the level above, only in its region."""
    from axes.utils import reset

    if actor.role not in UNLOCK_ROLES or actor.pk == user.pk or not User.objects.visible_to(actor).filter(
            pk=user.pk).exists():
        raise ValidationError("只有上级主管部门可以为本辖区的账号解除锁定。")
    cleared = reset(username=user.username)
    audit(actor=actor, action="user.unlocked", target=user, comment=(reason or "").strip()[:500])
    return cleared


def account_password_reset(*, user: User, ip_address: str | None = None) -> None:
    """A password set through the e-mailed one-time link: the lock-out of that account ends with it."""
    from axes.utils import reset

    reset(username=user.username)
    audit(actor=user, action="user.password_reset", target=user, ip_address=ip_address)


def api_token_issue(*, user: User, ip_address: str | None = None):
    """A new API token for ``user``; the previous one stops working at once (one token per person)."""
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit(actor=user, action="api_token.issued", target=user, ip_address=ip_address)
    return token


def api_token_revoke(*, user: User, reason: str, ip_address: str | None = None) -> bool:
    """Withdraw ``user``'s API token (by the person, at logout, at a password change); audited when one existed."""
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=user).delete()
        if deleted:
            audit(actor=user, action="api_token.revoked", target=user, ip_address=ip_address, data={"reason": reason})
    return bool(deleted)


def otp_device_enrolled(*, user: User, device, ip_address: str | None = None) -> None:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit(actor=user, action="user.otp_enrolled", target=user, ip_address=ip_address)


def otp_device_reset(*, actor: User, user: User, reason: str = "") -> int:
    """A person who lost their authenticator: the level above (in its region) removes the device, so the next
    login enrols a new one. Audited with the reason."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if actor.role not in UNLOCK_ROLES or actor.pk == user.pk or not User.objects.visible_to(actor).filter(
            pk=user.pk).exists():
        raise ValidationError("只有上级主管部门可以为本辖区的账号重置两步验证。")
    with transaction.atomic():
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        audit(actor=actor, action="user.otp_reset", target=user, comment=(reason or "").strip()[:500])
    return deleted
