"""Navigation and home-page panels, contributed by each app's ``nav.py``.

An app's ``nav.py`` may define ``NAV_ITEMS``: a list of ``NavItem`` and ``home_panels(user)``: a list of
``(template_name, context)`` pairs shown on the role's home page. The portal collects them in app order, so no
app edits another's templates to appear in the menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from .plugins import app_modules


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 50
    group: str = ""  # the menu it sits in; "" = the app's ``NAV_GROUP``; None = a top-level link

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


def nav(label: str, url_name: str, roles: str, order: int = 50, group: str | None = "") -> NavItem:
    """``roles`` is a space-separated list of role codes, e.g. ``"county city province"``; ``group`` names the menu
    the item sits in (default: the app's ``NAV_GROUP``)."""
    return NavItem(label, url_name, frozenset(roles.split()), order, group)


def _nav_modules():
    return app_modules("nav")


def nav_items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return [dict(item) for item in _role_items(user.role, urlconf, get_script_prefix())]


@lru_cache(maxsize=64)
def _role_items(role: str, urlconf, script_prefix: str) -> tuple[dict, ...]:
    """A role's menu entries with their URLs: the same for every request of the role (the code's items, reversed
    under the request's URLconf and prefix), so built once per process rather than on every page."""
    items = [(item, module) for module in _nav_modules() for item in getattr(module, "NAV_ITEMS", [])
             if role in item.roles or (role == "admin" and "admin" in item.roles)]
    items.sort(key=lambda pair: pair[0].order)
    return tuple({"label": i.label, "url": u, "url_name": i.url_name,
                  "group": getattr(module, "NAV_GROUP", "") if i.group == "" else i.group}
                 for i, module in items if (u := i.url()))


def nav_menu_for(user, path: str = "") -> list[dict]:
    """The menu bar: top-level links and groups of links (each group once, where its first item falls), so a
    bureau's thirty destinations fit one line at 1366 pixels."""
    return _menu(nav_items_for(user), path)


def nav_menu_html(user, path: str = "") -> str:
    """The menu bar's markup for ``user`` on the page at ``path``. It depends only on the role and on which entry
    is current, so it is rendered once per process for each role and menu entry (and for pages outside the
    menu) rather than by the template engine on every page."""
    if not user.is_authenticated:
        return ""
    urlconf, prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    urls = _role_urls(user.role, urlconf, prefix)
    return _menu_html(user.role, urlconf, prefix, path if path in urls else "")


@lru_cache(maxsize=64)
def _role_urls(role: str, urlconf, script_prefix: str) -> frozenset[str]:
    return frozenset(item["url"] for item in _role_items(role, urlconf, script_prefix))


@lru_cache(maxsize=1024)
def _menu_html(role: str, urlconf, script_prefix: str, current: str) -> str:
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    menu = _menu([dict(item) for item in _role_items(role, urlconf, script_prefix)], current)
    return mark_safe(render_to_string("includes/nav_menu.html", {"nav_menu": menu}))  # noqa: S308  (escaped by the template)


def _menu(items: list[dict], path: str) -> list[dict]:
    menu: list[dict] = []
    groups: dict[str, dict] = {}
    for item in items:
        item["current"] = item["url"] == path
        if not item["group"]:
            menu.append({"label": item["label"], "url": item["url"], "current": item["current"], "items": None})
            continue
        group = groups.get(item["group"])
        if group is None:
            group = groups[item["group"]] = {"label": item["group"], "items": [], "current": False}
            menu.append(group)
        if not any(existing["url"] == item["url"] for existing in group["items"]):
            group["items"].append(item)
        group["current"] = group["current"] or item["current"]
    # A group of one is just a link.
    return [{**entry["items"][0], "items": None} if entry["items"] and len(entry["items"]) == 1 else entry
            for entry in menu]


@dataclass(frozen=True)
class Todo:
    """One line of a person's to-do list on the home page: what waits for them, how many, since when."""

    label: str
    count: int
    url: str
    since: object = None  # the oldest waiting item's date, if it matters
    note: str = ""  # e.g. the quota left
    urgent: bool = False


def _todo_modules():
    return app_modules("todos")


def todos_for(user) -> list[Todo]:
    """What waits for ``user``, from each app's ``todos.py`` (``todo_items(user)``); empty counts are left out."""
    if not user.is_authenticated:
        return []
    items = [item for module in _todo_modules() for item in module.todo_items(user)]
    return [item for item in items if item.count]


def home_panels_for(user) -> list[tuple[str, dict]]:
    panels = []
    for module in _nav_modules():
        fn = getattr(module, "home_panels", None)
        if fn is not None:
            panels.extend(fn(user))
    return panels
