"""The reviewers' daily digest: what arrived in each bureau's queue on one day, and how much is waiting.

A county hears of new submissions, a city of new county approvals, the province of new city recommendations.
Run daily by Celery beat for the day before; the ``ReviewDigest`` row of that day is written first, in the same
transaction, so a second run of the same day (a retry, a second beat) sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from portal.models import Organisation, Region, User
from portal.models.organisations import BUREAU_LEVELS
from portal.services.notifications import notify_on_commit

from ...models import Application, ApplicationStatus, ApplicationTransition, ReviewDigest
from ...notifications import digest_text
from ...queues import AWAITING

S = ApplicationStatus
#: The statuses waiting for each bureau kind (``AWAITING`` also names admin, which no organisation is).
AWAITS = {kind: AWAITING[kind] for kind in BUREAU_LEVELS}


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _counts(day: date) -> tuple[dict, dict]:
    """(new that day, waiting now), each ``{(status, county code): n}`` — two grouped queries."""
    start, end = _bounds(day)
    new = (ApplicationTransition.objects.filter(created_at__gte=start, created_at__lt=end,
                                                to_status__in=AWAITS.values())
           .values_list("to_status", "application__region_id").annotate(n=Count("pk")))
    waiting = (Application.objects.filter(status__in=AWAITS.values())
               .values_list("status", "region_id").annotate(n=Count("pk")))
    return ({(s, r): n for s, r, n in new}, {(s, r): n for s, r, n in waiting})


def _rows(bureau: Organisation, new: dict, waiting: dict, names: dict) -> list[tuple[str, int, int]]:
    status, prefix = AWAITS[bureau.kind], bureau.region.scope_prefix
    per_county: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for index, counts in enumerate((new, waiting)):
        for (s, region), n in counts.items():
            if s == status and region.startswith(prefix):
                per_county[region][index] += n
    return [(names.get(code, code), fresh, total) for code, (fresh, total) in sorted(per_county.items())]


def review_digest_send(*, day: date | None = None) -> dict:
    """Send ``day``'s digest (yesterday by default) to every bureau reviewer with something new."""
    day = day or timezone.localdate() - timedelta(days=1)
    try:
        with transaction.atomic():
            digest = ReviewDigest.objects.create(day=day)
            new, waiting = _counts(day)
            names = dict(Region.objects.filter(code__in={r for _, r in (*new, *waiting)}).values_list("code", "name"))
            bureaus = Organisation.objects.filter(kind__in=AWAITS, region__isnull=False).select_related("region")
            users = defaultdict(list)
            for user in User.objects.filter(organisation__in=bureaus, is_active=True):
                users[user.organisation_id].append(user)
            sent = 0
            for bureau in bureaus:
                rows = _rows(bureau, new, waiting, names)
                if not users[bureau.pk] or not any(fresh for _, fresh, _ in rows):
                    continue
                title, body = digest_text(day, rows)
                notify_on_commit(recipients=users[bureau.pk], verb="application.digest", title=title, body=body,
                                 url=reverse("pool:review-queue"))
                sent += len(users[bureau.pk])
            digest.recipients = sent
            digest.save(update_fields=["recipients"])
    except IntegrityError:
        return {"day": day.isoformat(), "skipped": "already sent"}
    return {"day": day.isoformat(), "recipients": sent}
