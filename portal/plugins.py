"""What each installed app contributes by convention: ``<app>/nav.py``, ``todos.py``, ``indicators.py``,
``audit_labels.py``, ``demo.py``. One place finds those modules, so a new kind of contribution is one name."""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import apps


@cache
def app_modules(name: str) -> tuple[ModuleType, ...]:
    """Each installed app's module ``name`` (e.g. ``"nav"``), in INSTALLED_APPS order; apps without one are skipped,
    but an error inside an existing module is raised."""
    modules = []
    for config in apps.get_app_configs():
        try:
            modules.append(import_module(f"{config.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return tuple(modules)
