"""Navigation and home-page panels, contributed by each app's ``nav.py``.

An app's ``nav.py`` may define ``NAV_ITEMS``: a list of ``NavItem`` and ``home_panels(user)``: a list of
``(template_name, context)`` pairs shown on the role's home page. The portal collects them in app order, so no
app edits another's templates to appear in the menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 50

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


def nav(label: str, url_name: str, roles: str, order: int = 50) -> NavItem:
    """``roles`` is a space-separated list of role codes, e.g. ``"county city province"``."""
    return NavItem(label, url_name, frozenset(roles.split()), order)


@cache
def _nav_modules():
    modules = []
    for config in apps.get_app_configs():
        try:
            modules.append(import_module(f"{config.name}.nav"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.nav":
                raise
    return modules


def nav_items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    role = user.role
    items = [item for module in _nav_modules() for item in getattr(module, "NAV_ITEMS", [])
             if role in item.roles or (role == "admin" and "admin" in item.roles)]
    items.sort(key=lambda i: i.order)
    return [{"label": i.label, "url": u, "url_name": i.url_name} for i in items if (u := i.url())]


def home_panels_for(user) -> list[tuple[str, dict]]:
    panels = []
    for module in _nav_modules():
        fn = getattr(module, "home_panels", None)
        if fn is not None:
            panels.extend(fn(user))
    return panels
