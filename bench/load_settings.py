"""Settings of the load bench's server: the portal's as deployed, with ``load_urls`` (the portal's URLs plus a
one-query view, the yardstick its pages are compared with).

    DJANGO_SETTINGS_MODULE=load_settings gunicorn --pythonpath bench,. portal.wsgi

With ``BENCH_TEMPLATES_FREE=1`` (``load.py --templates-free``) every template renders as a fixed page the size of
the review queue's: what the pages would cost if rendering cost nothing, the ceiling of any faster engine.
"""

import os

from portal.settings import *  # noqa: F403  (the portal's settings as deployed)

ROOT_URLCONF = "load_urls"

if os.environ.get("BENCH_TEMPLATES_FREE") == "1":
    from django.template.backends import django as _backend

    _FIXED_PAGE = "<!DOCTYPE html>" + " " * 36_000

    def _render_nothing(self, context=None, request=None):
        return _FIXED_PAGE

    _backend.Template.render = _render_nothing
