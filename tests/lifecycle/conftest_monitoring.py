"""Builders of monitoring test data (imported by tests/lifecycle/test_monitoring*.py).

Members are made by the real admission (submit → county → city → province → ``application_admit``); reporting
years by the province's own service; reports through the enterprise's services.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pool.lifecycle.monitoring_schema import SECTION_BY_KEY, empty_data
from pool.models import Application, ApplicationStatus, Membership, MonitoringReport
from pool.services.lifecycle.monitoring import report_autosave, report_start, reporting_year_open
from pool.services.review import application_admit
from tests.pool.conftest import _media, applicant, batch  # noqa: F401  (the pool app's fixtures)
from tests.pool.helpers import enterprise_login, patent_no
from tests.review.helpers import advanced, reviewer

S = ApplicationStatus


def admitted_member(batch, *, region: str = "420202", user=None) -> Membership:
    """A cultivating member made by the real admission; its enterprise login is ``member.login``."""
    user = user or enterprise_login(region)
    application = advanced(batch, S.PROVINCE_RECOMMENDED, region=region, user=user)
    application_admit(application=application, reviewer=reviewer("province", region[:2] + "0000"))
    member = Membership.objects.get(application=application)
    member.login = user
    return member


def open_year(province, *, year: int | None = None, opens_in: int = -10, deadline_in: int = 30, note: str = ""):
    today = timezone.localdate()
    return reporting_year_open(user=province, year=year or today.year - 1, opens_on=today + timedelta(days=opens_in),
                               deadline=today + timedelta(days=deadline_in), note=note)


def patent(serial: int, *, granted=True, valid=True, used=True, kind="1", ownership="owned") -> dict:
    return {"application_no": patent_no(serial, kind=kind), "title": f"一种装置{serial}",
            "patent_type": {"1": "invention", "2": "utility_model", "3": "design"}[kind], "granted": granted,
            "valid": valid, "ownership": ownership, "licence_kind": "", "licence_from": "", "licence_to": "",
            "used_in_product": used}


def valid_report(*, filed_on: str = "") -> dict:
    """A complete report: 3 counted patents of which 2 are used in products on sale, and one pending patent
    (not granted: not counted); one recognised product filed on ``filed_on`` (default: today)."""
    data = empty_data()
    data["figures"] = {"revenue": "90000000", "profit": "-1200000.50", "rnd_expense": "9500000",
                       "patents_granted": "3"}
    data["patents"] = [patent(111111), patent(222222), patent(333333, used=False),
                       patent(444444, granted=False, used=True)]
    data["products"] = [{"name": "智能分拣机二代", "filing_no": "BA2025420009",
                         "filed_on": filed_on or timezone.localdate().isoformat(), "recognised": True,
                         "recognised_on": "", "sales": "12000000", "profit": "2000000"}]
    data["incidents"] = []
    return data


def report_post(data: dict, sections=None) -> dict:
    """What the report form posts for ``sections`` of ``data`` (flat ``section.field`` / ``section.i.field``)."""
    post: dict = {"_section": list(sections or SECTION_BY_KEY)}
    for key in post["_section"]:
        spec = SECTION_BY_KEY[key]
        value = data.get(key)
        if spec.repeating:
            for i, row in enumerate(value or []):
                for f in spec.fields:
                    post[f"{key}.{i}.{f.name}"] = _text(row.get(f.name))
            continue
        for f in spec.fields:
            post[f"{key}.{f.name}"] = _text(value.get(f.name))
    return post


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def started(member, reporting_year, data: dict | None = None) -> MonitoringReport:
    """The member's report, started and saved through the form's service with ``data`` (default: valid)."""
    report = report_start(reporting_year=reporting_year, user=member.login)
    report_autosave(report=report, user=member.login, post=report_post(data or valid_report()))
    report.refresh_from_db()
    return report


def bulk_reports(batch, reporting_year, count: int, *, region: str = "420202") -> list[MonitoringReport]:
    """``count`` more members of ``region`` with a report for ``reporting_year`` each, written in bulk: a third
    drafts, a third submitted (with their revision and figures), a third accepted."""
    from pool.lifecycle.snapshot import Snapshot
    from pool.loadgen import generate_applications
    from pool.models import MonitoringRevision
    from pool.services.lifecycle.policies import current_policy

    before = set(Application.objects.values_list("pk", flat=True))
    generate_applications(batch=batch, count=count, seed=Application.objects.count() + 11)
    fresh = Application.objects.exclude(pk__in=before).order_by("pk")
    fresh.update(region_id=region, status=S.ADMITTED)
    policy = current_policy(batch.criteria_set.code)
    admitted_on = reporting_year.deadline - timedelta(days=300)
    members = Membership.objects.bulk_create([Membership(
        enterprise_id=a.enterprise_id, application=a, batch=batch, criteria_set=batch.criteria_set,
        policy_code=policy.code, region_id=region, enterprise_name=a.enterprise_name, uscc=a.uscc,
        admitted_on=admitted_on, status_changed_on=admitted_on) for a in fresh])
    figures = Snapshot(year=reporting_year.year, revenue=None, profit=None, rnd_expense=None, rate_used=2,
                       rate_counted=3).to_dict() | {"revenue": "1000000", "patents_granted": 2}
    now = timezone.now()
    statuses = ("draft", "submitted", "accepted")
    reports = MonitoringReport.objects.bulk_create([MonitoringReport(
        membership=m, reporting_year=reporting_year, year=reporting_year.year, status=statuses[i % 3],
        figures={} if i % 3 == 0 else figures, revision_number=0 if i % 3 == 0 else 1,
        submitted_at=None if i % 3 == 0 else now, verified_at=now if i % 3 == 2 else None)
        for i, m in enumerate(members)])
    MonitoringRevision.objects.bulk_create([MonitoringRevision(report=r, number=1, data={}, figures=r.figures,
                                                               submitted_at=now)
                                            for r in reports if r.revision_number])
    return reports


def application_of(member) -> Application:
    return Application.objects.get(pk=member.application_id)


__all__ = ["_media", "admitted_member", "applicant", "application_of", "batch", "bulk_reports", "open_year",
           "patent", "report_post", "started", "valid_report"]
