"""One scoping mechanism for every read: ``Model.objects.visible_to(user)``.

A model's queryset names the path to the region its objects belong to and to the organisation that owns them.
Enterprises, banks and suppliers see what their own organisation owns; bureaus see their region's subtree
(a county its county, a city its counties, a province its cities); the operator sees everything. Anything
outside answers 404 (``get_visible_or_404``), never 403, so existence does not leak.
"""

from types import SimpleNamespace

from django.db import models
from django.db.models import Q
from django.http import Http404

from .precompiled import Read

BUREAU_ROLES = frozenset({"county", "city", "province"})
OWNER_ROLES = frozenset({"enterprise", "bank", "supplier"})


def region_prefix(user) -> str | None:
    region = user.region
    return region.scope_prefix if region is not None else None


class ScopedQuerySet(models.QuerySet):
    #: path from the model to its ``portal.Region`` foreign key, or None if it has no region
    scope_region: str | None = None
    #: path from the model to its owning ``portal.Organisation`` (``"pk"`` for an Organisation itself)
    scope_organisation: str | None = None

    def scope_q(self, user) -> Q:
        """The condition an object must meet to be visible to ``user``."""
        role = user.role
        if role == "admin":
            return Q()
        q = Q(pk__in=[])
        if self.scope_organisation is not None:
            q |= Q(**{self.scope_organisation: user.organisation_id})
        if role in BUREAU_ROLES and self.scope_region is not None:
            q |= Q(**{f"{self.scope_region}__code__startswith": region_prefix(user)})
        return q | self.extra_scope_q(user)

    def extra_scope_q(self, user) -> Q:
        """Hook for models that some roles see beyond ownership (e.g. a bank sees whitelists sent to it)."""
        return Q(pk__in=[])

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == "admin" and not user.is_superuser and not user.is_staff:
            return self.none()
        return self.filter(self.scope_q(user))


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one object the user may see; anything else (missing or out of scope) is a 404."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404("未找到该对象") from exc


class ScopeSubject:
    """The person as ``visible_to`` sees them, their organisation and region prefix standing for any person of
    the same role (what a ``ScopedRead`` compiles once)."""

    is_authenticated = True

    def __init__(self, shape: tuple, organisation_id, prefix):
        self.role, self.is_active, self.is_superuser, self.is_staff = shape
        self.organisation_id = organisation_id
        self.region = SimpleNamespace(scope_prefix=prefix)


class ScopedRead:
    """``get_visible_or_404(queryset(), user, pk=pk)`` for a page's hot read, its SQL compiled once per role (see
    ``portal.precompiled``). ``queryset`` is called for a fresh, unscoped queryset."""

    def __init__(self, queryset):
        self.base = queryset
        self.read = Read(lambda shape, organisation_id, prefix, pk: queryset().visible_to(
            ScopeSubject(shape, organisation_id, prefix)).filter(pk=pk), get=True)

    def get_or_404(self, user, pk):
        if user is None or not user.is_authenticated or not isinstance(pk, int):
            return get_visible_or_404(self.base(), user, pk=pk)
        shape = (user.role, user.is_active, user.is_superuser, user.is_staff)
        try:
            return self.read.get(shape, user.organisation_id, region_prefix(user), pk)
        except self.base().model.DoesNotExist as exc:
            raise Http404("未找到该对象") from exc
