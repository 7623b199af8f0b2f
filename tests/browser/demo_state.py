"""The demo data with one piece of work waiting for each role's main journey, whatever ``seed_demo`` already holds:
an editable draft for demo_enterprise in the open batch, applications in demo_county's queue and on demo_city's
ranking, and demo_enterprise's monitoring report of the last year in progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from pool.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Batch,
    MonitoringReport,
    ReportingYear,
)
from portal.models import User

S = ApplicationStatus


@dataclass(frozen=True)
class DemoState:
    draft: int  # demo_enterprise's application it can still edit
    queued: int  # an application waiting for demo_county's decision
    ranked: int  # a county-approved application on demo_city's ranking
    report: int  # demo_enterprise's monitoring report in progress


def _open_batch() -> Batch:
    today = timezone.localdate()
    return Batch.objects.filter(opens_on__lte=today, closes_on__gte=today).order_by("-opens_on", "pk").first()


def _draft(user: User, batch: Batch) -> Application:
    from tests.pool.helpers import make_application, valid_data

    mine = Application.objects.filter(enterprise=user.organisation, batch=batch)
    editable = mine.filter(status__in=(S.DRAFT, S.RETURNED)).first()
    if editable is not None:
        return editable
    if mine.exists():
        mine.update(status=S.DRAFT)
        return mine.first()
    return make_application(user, batch, data=valid_data(user.organisation))


def _county_approved(county: User, batch: Batch, keep: Application) -> Application:
    """An application of the city's counties at county_approved (the county's step recorded as the services do
    after a decision), taken from the submitted ones other than ``keep``."""
    city = User.objects.get(username="demo_city").region.code[:4]
    ranked = Application.objects.filter(batch=batch, status=S.COUNTY_APPROVED, region__code__startswith=city).first()
    if ranked is not None:
        return ranked
    ranked = (Application.objects.filter(batch=batch, status=S.SUBMITTED, region__code__startswith=city)
              .exclude(pk=keep.pk).order_by("pk").first())
    ranked.status = S.COUNTY_APPROVED
    ranked.save(update_fields=["status"])
    ApplicationTransition.objects.create(application=ranked, from_status=S.SUBMITTED, to_status=S.COUNTY_APPROVED,
                                         revision_number=ranked.revision_number, actor=county,
                                         actor_role=county.role)
    return ranked


def _report(enterprise: User) -> MonitoringReport:
    from pool.services.lifecycle.monitoring import report_start, reporting_year_open

    today = timezone.localdate()
    province = User.objects.get(username="demo_province")
    year = ReportingYear.objects.filter(year=today.year - 1, opens_on__lte=today, deadline__gte=today).first()
    if year is None:
        year = reporting_year_open(user=province, year=today.year - 1, opens_on=today - timedelta(days=5),
                                   deadline=today + timedelta(days=60))
    return report_start(reporting_year=year, user=enterprise)


def demo_state() -> DemoState:
    call_command("seed_demo", "--force", verbosity=0)
    enterprise = User.objects.get(username="demo_enterprise")
    county = User.objects.get(username="demo_county")
    batch = _open_batch()
    draft = _draft(enterprise, batch)
    queued = (Application.objects.filter(batch=batch, status=S.SUBMITTED, region=county.region)
              .exclude(pk=draft.pk).order_by("pk").first())
    ranked = _county_approved(county, batch, keep=queued)
    return DemoState(draft=draft.pk, queued=queued.pk, ranked=ranked.pk, report=_report(enterprise).pk)
