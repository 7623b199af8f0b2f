"""Signals other apps listen to; criteria never imports them.

``lists_changed`` is sent (after commit) when an imported list changed, with ``list_type``.
``criteria_set_published`` is sent when a new version of a criteria set is created, with ``criteria_set``.
Receivers typically re-score the applications of open batches in Celery.
"""

import django.dispatch

lists_changed = django.dispatch.Signal()
criteria_set_published = django.dispatch.Signal()
