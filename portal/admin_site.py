"""The admin site: every model admin, whoever registers it, shows workflow fields read-only.

A state (an application's ``status``, a verdict, who decided and when) changes only through its service — one
function per transition, which checks who may make it and writes the audit entry. Changing it in the admin would
skip both, so the site makes those fields read-only on every model admin it registers, and a test checks every
registered model."""

from __future__ import annotations

import re

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models.base import ModelBase

WORKFLOW_FIELD = re.compile(
    r"^(status|state|verdict|score|revision_number|current_revision)$"
    r"|^(submitted|decided|verified|published|introduced|introduction_requested|status_changed|revoked|removed|"
    r"evaluated|repaid|paid|credit_granted|generated|given|approved|rejected|returned|withdrawn|admitted)_(at|on|by)$")


def workflow_fields(model) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.concrete_fields if WORKFLOW_FIELD.match(f.name))


def _lock(model_admin: admin.ModelAdmin) -> None:
    locked = workflow_fields(model_admin.model)
    if not locked:
        return
    original = model_admin.get_readonly_fields

    def get_readonly_fields(request, obj=None):
        declared = tuple(original(request, obj))
        return declared + tuple(name for name in locked if name not in declared)

    model_admin.get_readonly_fields = get_readonly_fields


class PortalAdminSite(admin.AdminSite):
    site_header = "培育库 系统管理"

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, admin_class, **options)
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        for model in models:
            if model in self._registry:  # a swapped model (auth.User) is not registered
                _lock(self._registry[model])


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
