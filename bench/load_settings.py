"""Settings of the load bench's server: the portal's as deployed, with ``load_urls`` (the portal's URLs plus a
one-query view, the yardstick its pages are compared with).

    DJANGO_SETTINGS_MODULE=load_settings gunicorn --pythonpath bench,. portal.wsgi
"""

from portal.settings import *  # noqa: F403  (the portal's settings as deployed)

ROOT_URLCONF = "load_urls"
