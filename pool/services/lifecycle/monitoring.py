"""Yearly monitoring reports (年度监测): the province opens a reporting year, every reporting member (cultivating
or follow-up) files one report for it, the county of the member verifies it.

- ``reporting_year_open`` — the province's call, with its window; a draft report is made for every member expected
  to report (``reports_materialise``, also run daily by the reminders, so a member admitted later is not missed).
- ``report_start`` / ``report_autosave`` / ``report_patents_import`` — the enterprise's draft, saved exactly as
  typed (invalid values come back as field errors, never refused); the patent list and product names are carried
  over from the previous report, or from the admitted application.
- ``report_submit`` — complete validation, then an immutable ``MonitoringRevision`` and ``report.figures`` (the
  snapshot the lifecycle rules read; the industrialisation rate counted by criterion 5's code). Filing after the
  deadline is allowed and shown as late (逾期提交).
- ``report_accept`` / ``report_return`` — the county's verification; on acceptance every self-declared incident
  becomes a ``MisconductRecord`` known on the acceptance date.

Who may take each step is ``monitoring_schema.REPORT_STEPS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from criteria.evaluators.common import pct
from criteria.services import rules_for
from portal.models import Region, User
from portal.services import audit, notify_on_commit
from portal.validators import normalise_patent_no

from ...formdata import merge_posted
from ...lifecycle.monitoring_schema import EDITABLE, REPORT_STEPS, SECTIONS, empty_data, report_errors
from ...lifecycle.policy import MisconductKind
from ...lifecycle.snapshot import Snapshot, rate_counts, report_snapshot
from ...lifecycle.workflow import MembershipStatus, StepError, available_steps, ensure_step
from ...models import (
    Membership,
    MisconductRecord,
    MisconductSource,
    MonitoringReport,
    MonitoringRevision,
    MonitoringStatus,
    ReportingYear,
)
from ...validation import date_of
from ..patent_import import REPLACE, patent_rows_merged

S = MonitoringStatus
STATUS_LABELS = dict(MonitoringStatus.choices)
#: Who opens a reporting year.
YEAR_ROLES = ("province",)
#: Who reads reports: the enterprise its own, the bureaus their region's.
VIEW_ROLES = ("enterprise", "county", "city", "province", "admin")
BUREAU_ROLES = ("county", "city", "province", "admin")
MATERIALISE_CHUNK = 2000


class ReportInvalid(ValidationError):
    """Submit refused because of field errors; ``field_errors`` maps each path to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        self.field_errors = errors
        super().__init__(f"监测报告有 {len(errors)} 处需要修改，请按提示修改后再提交。")


@dataclass
class AutosaveResult:
    report: MonitoringReport
    errors: dict[str, str]
    sections: list[str]
    rate: dict


# --- reporting years -------------------------------------------------------------------------------------------

def _province_of(user) -> Region | None:
    region = user.region if user is not None and user.is_authenticated else None
    if region is None:
        return None
    return region if region.code.endswith("0000") else Region.objects.filter(code=region.code[:2] + "0000").first()


def reporting_year_open(*, user: User, year: int, opens_on: date, deadline: date, note: str = "") -> ReportingYear:
    """The province opens the reporting year ``year`` (one per province and year): every reporting member of the
    province gets a draft report and is told."""
    if user is None or not user.is_authenticated or user.role not in YEAR_ROLES or _province_of(user) is None:
        raise ValidationError("只有省级主管部门可以开启年度监测。")
    province = _province_of(user)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not isinstance(year, int) or not (2000 <= year <= today.year):
        errors["year"] = f"监测年度应为 2000 至 {today.year} 之间的年份。"
    if opens_on is None:
        errors["opens_on"] = "请填写填报开始日期。"
    if deadline is None:
        errors["deadline"] = "请填写填报截止日期。"
    elif opens_on is not None and deadline < opens_on:
        errors["deadline"] = "填报截止日期不能早于开始日期。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Region.objects.select_for_update().get(code=province.code)  # serialises two openings of one province
        existing = ReportingYear.objects.filter(region=province, year=year).first()
        if existing is not None:
            raise ValidationError({"year": f"{province.name} {year} 年度监测已开启（填报截止 {existing.deadline}），"
                                           "不能重复开启。"})
        try:
            with transaction.atomic():
                reporting_year = ReportingYear.objects.create(year=year, region=province, opens_on=opens_on,
                                                              deadline=deadline, note=(note or "").strip(),
                                                              created_by=user)
        except IntegrityError as exc:
            raise ValidationError({"year": f"{province.name} {year} 年度监测已开启，不能重复开启。"}) from exc
        created = reports_materialise(reporting_year=reporting_year)
        audit(actor=user, action="monitoring.year_opened", target=reporting_year, comment=reporting_year.note,
              data={"year": year, "opens_on": opens_on.isoformat(), "deadline": deadline.isoformat(),
                    "reports": created})
        _tell_enterprises_opened(reporting_year)
    return reporting_year


def expected_members(reporting_year: ReportingYear):
    """The members that report for ``reporting_year``: reporting members (cultivating, follow-up) of its province
    admitted on or before its deadline."""
    return Membership.objects.filter(status__in=MembershipStatus.REPORTING,
                                     region__code__startswith=reporting_year.region_id[:2],
                                     admitted_on__lte=reporting_year.deadline)


def reports_materialise(*, reporting_year: ReportingYear) -> int:
    """A blank draft report for every expected member that has none yet; returns how many were made. Safe to
    repeat (the one-report-per-year constraint decides a race)."""
    missing = (expected_members(reporting_year)
               .exclude(Exists(MonitoringReport.objects.filter(membership=OuterRef("pk"),
                                                               reporting_year=reporting_year)))
               .order_by("pk").values_list("pk", flat=True))
    ids = list(missing)
    for start in range(0, len(ids), MATERIALISE_CHUNK):
        MonitoringReport.objects.bulk_create(
            [MonitoringReport(membership_id=pk, reporting_year=reporting_year, year=reporting_year.year)
             for pk in ids[start:start + MATERIALISE_CHUNK]], ignore_conflicts=True)
    return len(ids)


def enterprise_users(membership_ids) -> list[User]:
    return list(User.objects.filter(organisation__memberships__pk__in=list(membership_ids), is_active=True)
                .distinct())


def _tell_enterprises_opened(reporting_year: ReportingYear) -> None:
    url = reverse("pool:monitoring-mine")
    users = User.objects.filter(is_active=True, organisation__memberships__in=expected_members(reporting_year)) \
        .distinct().values_list("pk", "organisation_id")
    by_enterprise: dict[int, list[int]] = {}
    for pk, organisation in users:
        by_enterprise.setdefault(organisation, []).append(pk)
    for ids in by_enterprise.values():  # one message per enterprise: no enterprise sees another's address
        notify_on_commit(recipients=User.objects.filter(pk__in=ids), verb="monitoring.year_opened",
                         title=f"{reporting_year.year} 年度监测报告开始填报",
                         body=f"{reporting_year.year} 年度监测报告于 {reporting_year.opens_on} 开始填报，"
                              f"截止日期 {reporting_year.deadline}。{reporting_year.note}".strip(),
                         url=url)


def is_open(reporting_year: ReportingYear, today: date | None = None) -> bool:
    return reporting_year.opens_on <= (today or timezone.localdate())


# --- the enterprise's draft ------------------------------------------------------------------------------------

def _own_membership(user: User, reporting_year: ReportingYear) -> Membership:
    membership = (expected_members(reporting_year).filter(enterprise_id=user.organisation_id)
                  .order_by("-admitted_on", "-pk").first()) if user.organisation_id else None
    if user.role != "enterprise" or membership is None:
        raise StepError(f"贵企业不在 {reporting_year.year} 年度监测的填报范围内。")
    return membership


def carried_over(membership: Membership) -> dict:
    """A new report's data: the patent list and the products (without this year's sales and profit) of the
    member's latest submitted report, or of its admitted application."""
    data = empty_data()
    previous = (MonitoringRevision.objects.filter(report__membership=membership)
                .order_by("-report__year", "-number").values_list("data", flat=True).first())
    if previous:
        data["patents"] = [dict(row) for row in previous.get("patents") or [] if isinstance(row, dict)]
        data["products"] = [{**{k: row.get(k, "") for k in ("name", "filing_no", "filed_on", "recognised_on")},
                             "recognised": row.get("recognised"), "sales": "", "profit": ""}
                            for row in previous.get("products") or [] if isinstance(row, dict)]
        return data
    application = membership.application
    revision = application.current_revision
    facts = revision.data if revision is not None else application.data
    data["patents"] = [dict(row) for row in facts.get("patents") or [] if isinstance(row, dict)]
    data["products"] = [{"name": row.get("name", ""), "filing_no": row.get("filing_no", ""), "filed_on": "",
                         "recognised": row.get("patent_intensive") if isinstance(row.get("patent_intensive"), bool)
                         else None, "recognised_on": "", "sales": "", "profit": ""}
                        for row in facts.get("products") or [] if isinstance(row, dict)]
    return data


def report_start(*, reporting_year: ReportingYear, user: User) -> MonitoringReport:
    """The enterprise's report for ``reporting_year``, made if missing and filled with what carries over the first
    time; opening it twice returns the same report."""
    membership = _own_membership(user, reporting_year)
    if not is_open(reporting_year):
        raise StepError(f"{reporting_year.year} 年度监测自 {reporting_year.opens_on} 起填报，当前尚未开始。")
    with transaction.atomic():
        report, _ = MonitoringReport.objects.get_or_create(membership=membership, reporting_year=reporting_year,
                                                           defaults={"year": reporting_year.year})
        report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
        if not report.data and report.revision_number == 0:
            report.data = carried_over(membership)
            report.save(update_fields=["data", "updated_at"])
            audit(actor=user, action="monitoring.started", target=report, data={"year": report.year})
    return report


def ensure_editable(report: MonitoringReport, user: User) -> None:
    if user.organisation_id != report.membership.enterprise_id:
        raise StepError("只能填写本企业的监测报告。")
    if report.status not in EDITABLE:
        raise StepError(f"监测报告当前状态为“{report.get_status_display()}”，不能修改。")


def _locked(report: MonitoringReport) -> MonitoringReport:
    return (MonitoringReport.objects.select_for_update(of=("self",))
            .select_related("membership__criteria_set", "reporting_year").get(pk=report.pk))


def rate_of(report: MonitoringReport, data: dict | None = None, on: date | None = None) -> dict:
    """The industrialisation rate of the report's patent list, counted by criterion 5's code with the member's
    criteria set: the two counts and the percentage text."""
    data = report.data if data is None else data
    used, counted = rate_counts(data.get("patents") or [], rules_for(report.membership.criteria_set),
                                on or timezone.localdate())
    return {"used": used, "counted": counted, "percent": pct(used, counted)}


def report_autosave(*, report: MonitoringReport, user: User, post) -> AutosaveResult:
    """Merge the posted sections into the draft exactly as typed, never refusing for invalid values (they are
    returned as field errors), with the fresh industrialisation rate."""
    with transaction.atomic():
        report = _locked(report)
        ensure_editable(report, user)
        report.data, sections = merge_posted(report.data or empty_data(), post, sections=SECTIONS)
        report.autosaved_at = timezone.now()
        report.save(update_fields=["data", "autosaved_at", "updated_at"])
    from ...validation import refused_numbers

    errors = {**report_errors(report.data), **refused_numbers(post, SECTIONS)}
    return AutosaveResult(report, errors, sections, rate_of(report))


def report_patents_import(*, report: MonitoringReport, user: User, content: bytes, mode: str = REPLACE) -> int:
    """The application's patent-list import, into the report's draft: all rows or none. The file is parsed
    before the row lock is taken (again under it only if the list changed meanwhile)."""
    ensure_editable(report, user)
    snapshot = (MonitoringReport.objects.filter(pk=report.pk).values_list("data", flat=True).first() or {})
    parsed = patent_rows_merged(snapshot.get("patents"), content, mode)
    with transaction.atomic():
        report = _locked(report)
        ensure_editable(report, user)
        current = (report.data or {}).get("patents")
        patents, count = parsed if current == snapshot.get("patents") else patent_rows_merged(current, content, mode)
        report.data = {**(report.data or empty_data()), "patents": patents}
        report.autosaved_at = timezone.now()
        report.save(update_fields=["data", "autosaved_at", "updated_at"])
        audit(actor=user, action="monitoring.patents_imported", target=report, data={"rows": count, "mode": mode})
    return count


# --- submission and verification -------------------------------------------------------------------------------

def _step(report: MonitoringReport, user: User, target: str):
    return ensure_step(REPORT_STEPS, source=report.status, target=target, user=user,
                       region_code=report.membership.region_id, labels=STATUS_LABELS)


def report_steps(user: User, report: MonitoringReport) -> list:
    """The buttons ``user`` sees on ``report`` (the enterprise only on its own report)."""
    if user.role == "enterprise" and user.organisation_id != report.membership.enterprise_id:
        return []
    return available_steps(REPORT_STEPS, source=report.status, user=user, region_code=report.membership.region_id,
                           labels=STATUS_LABELS)


def normalised(data: dict) -> dict:
    """The submitted form of valid data: patent numbers in their canonical spelling."""
    return {**data, "patents": [{**row, "application_no": normalise_patent_no(str(row.get("application_no") or ""))}
                                for row in data.get("patents") or [] if isinstance(row, dict)]}


def figures_of(data: dict, report: MonitoringReport, on: date) -> dict:
    """What the lifecycle rules read of a submitted report: its snapshot (year = the reporting year), and the
    patents granted that year for the summary."""
    snapshot = report_snapshot(data, rules_for(report.membership.criteria_set), on=on, year=report.year)
    granted = str((data.get("figures") or {}).get("patents_granted") or "").replace(",", "")
    return {**snapshot.to_dict(), "patents_granted": int(granted) if granted.lstrip("-").isdigit() else None}


def _ensure_submittable(report: MonitoringReport, user: User) -> None:
    """Refuse (StepError, ReportInvalid with every field) unless ``user`` may submit the draft as it stands."""
    ensure_editable(report, user)
    _step(report, user, S.SUBMITTED)
    if not is_open(report.reporting_year):
        raise StepError(f"{report.year} 年度监测自 {report.reporting_year.opens_on} 起填报，当前尚未开始。")
    errors = report_errors(report.data, complete=True)
    if errors:
        raise ReportInvalid(errors)


def report_submit_check(*, report: MonitoringReport, user: User) -> None:
    """What submitting would refuse, checked before the person is asked to confirm (nothing is changed)."""
    _ensure_submittable(MonitoringReport.objects.select_related("reporting_year", "membership").get(pk=report.pk),
                        user)


def report_submit(*, report: MonitoringReport, user: User) -> MonitoringReport:
    """Validate the draft completely, freeze it as the next revision with its figures and send it to the county.
    After the deadline it is still accepted, and marked late."""
    with transaction.atomic():
        report = _locked(report)
        _ensure_submittable(report, user)
        now = timezone.now()
        today = timezone.localdate(now)
        report.data = normalised(report.data)
        report.figures = figures_of(report.data, report, today)
        number = report.revision_number + 1
        MonitoringRevision.objects.create(report=report, number=number, data=report.data, figures=report.figures,
                                          submitted_by=user, submitted_at=now)
        resubmitted = report.status == S.RETURNED
        report.status, report.revision_number, report.submitted_at = S.SUBMITTED, number, now
        report.verified_by, report.verified_at = None, None
        report.save(update_fields=["data", "figures", "status", "revision_number", "submitted_at", "verified_by",
                                   "verified_at", "updated_at"])
        late = today > report.reporting_year.deadline
        audit(actor=user, action="monitoring.submitted", target=report,
              data={"number": number, "late": late, "rate": [report.figures["rate_used"],
                                                             report.figures["rate_counted"]]})
        verb = "重新提交" if resubmitted else ("逾期提交" if late else "提交")
        notify_on_commit(recipients=county_users(report.membership.region_id), verb="monitoring.submitted",
                         title=f"{report.membership.enterprise_name}{verb}了 {report.year} 年度监测报告",
                         body=f"{report.membership.enterprise_name}已{verb} {report.year} 年度监测报告"
                              f"（第 {number} 版），请核实。",
                         url=reverse("pool:monitoring-detail", args=[report.pk]))
    return report


def county_users(region_code: str):
    return User.objects.filter(organisation__kind="county", organisation__region_id=region_code, is_active=True)


def report_accept(*, report: MonitoringReport, user: User, comment: str = "") -> MonitoringReport:
    """The county accepts a submitted report; each self-declared incident becomes a misconduct record known from
    today (once: ``source_key = report:<report>:<row>``), and the member is evaluated at once if it declared any."""
    with transaction.atomic():
        report = _locked(report)
        _step(report, user, S.ACCEPTED)
        now = timezone.now()
        today = timezone.localdate(now)
        report.status, report.verified_by, report.verified_at = S.ACCEPTED, user, now
        report.comment = (comment or "").strip()
        report.save(update_fields=["status", "verified_by", "verified_at", "comment", "updated_at"])
        recorded = _record_incidents(report, user, today)
        audit(actor=user, action="monitoring.accepted", target=report, comment=report.comment,
              data={"number": report.revision_number, "incidents": recorded})
        _tell_enterprise(report, title=f"{report.year} 年度监测报告已通过县级核实",
                         body=f"贵企业的 {report.year} 年度监测报告已通过核实。{report.comment}".strip())
    if recorded and report.membership.status == MembershipStatus.CULTIVATING:
        from .evaluation import lifecycle_evaluate

        lifecycle_evaluate(membership_ids=[report.membership_id], trigger="report", user=user)
    return report


def _record_incidents(report: MonitoringReport, user: User, today: date) -> int:
    recorded = 0
    for index, row in enumerate(report.data.get("incidents") or []):
        if not isinstance(row, dict) or row.get("kind") not in MisconductKind.LABELS:
            continue
        _, created = MisconductRecord.objects.get_or_create(
            membership_id=report.membership_id, source_key=f"report:{report.pk}:{index}",
            defaults={"kind": row["kind"], "known_on": today, "occurred_on": date_of(row.get("occurred_on")),
                      "source": MisconductSource.REPORT, "description": str(row.get("description") or ""),
                      "recorded_by": user})
        recorded += created
    return recorded


def report_return(*, report: MonitoringReport, user: User, comment: str) -> MonitoringReport:
    """The county returns a submitted report to the enterprise with what to correct; the data stays as it was
    submitted, for the enterprise to correct and resubmit (a new revision)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "请填写退回意见，说明需要修改的内容。"})
    with transaction.atomic():
        report = _locked(report)
        _step(report, user, S.RETURNED)
        report.status, report.verified_by, report.verified_at, report.comment = S.RETURNED, user, timezone.now(), \
            comment
        report.save(update_fields=["status", "verified_by", "verified_at", "comment", "updated_at"])
        audit(actor=user, action="monitoring.returned", target=report, comment=comment,
              data={"number": report.revision_number})
        _tell_enterprise(report, title=f"{report.year} 年度监测报告被退回修改",
                         body=f"县级主管部门退回了贵企业的 {report.year} 年度监测报告：{comment}",
                         url=reverse("pool:monitoring-edit", args=[report.pk]))
    return report


def _tell_enterprise(report: MonitoringReport, *, title: str, body: str, url: str = "") -> None:
    notify_on_commit(recipients=User.objects.filter(organisation_id=report.membership.enterprise_id,
                                                    is_active=True),
                     verb="monitoring.verified", title=title, body=body,
                     url=url or reverse("pool:monitoring-detail", args=[report.pk]))


# --- reads -------------------------------------------------------------------------------------------------------

def overdue_q(today: date | None = None) -> Q:
    """Reports not submitted by a deadline that has passed, of members still expected to report (逾期未报)."""
    return Q(status=S.DRAFT, reporting_year__deadline__lt=today or timezone.localdate(),
             membership__status__in=MembershipStatus.REPORTING)


def first_submission():
    """The time of a report's first submission (revision 1), to tell a late filing from a resubmission."""
    return Subquery(MonitoringRevision.objects.filter(report=OuterRef("pk"), number=1).values("submitted_at")[:1])


def summary_list(*, user: User):
    """每年监测汇总 — the reports the user may see (drafts included: a member that has not filed is a row too),
    without their working data, with the first submission time; a fixed number of queries for any length."""
    return (MonitoringReport.objects.visible_to(user)
            .select_related("membership__region", "reporting_year", "verified_by")
            .defer("data").annotate(first_submitted_at=first_submission())
            .order_by("-year", "membership__region_id", "membership__enterprise_name", "pk"))


def overdue_list(*, user: User, today: date | None = None):
    """逾期未报 — reports of the user's scope not submitted by a deadline that has passed."""
    return summary_list(user=user).filter(overdue_q(today))


def own_reports(*, user: User):
    """The enterprise's own reports, newest year first."""
    if user.organisation_id is None:
        return MonitoringReport.objects.none()
    return (MonitoringReport.objects.filter(membership__enterprise_id=user.organisation_id)
            .select_related("reporting_year", "membership").defer("data")
            .annotate(first_submitted_at=first_submission()).order_by("-year", "-pk"))


def open_years_without_report(*, user: User, today: date | None = None) -> list[ReportingYear]:
    """Reporting years open to the enterprise for which it has no report yet (made when it starts one)."""
    today = today or timezone.localdate()
    if user.role != "enterprise" or user.organisation_id is None:
        return []
    members = Membership.objects.filter(enterprise_id=user.organisation_id, status__in=MembershipStatus.REPORTING)
    years = []
    for reporting_year in ReportingYear.objects.visible_to(user).filter(opens_on__lte=today).order_by("-year"):
        expected = members.filter(region__code__startswith=reporting_year.region_id[:2],
                                  admitted_on__lte=reporting_year.deadline)
        if expected.exists() and not MonitoringReport.objects.filter(
                reporting_year=reporting_year, membership__in=expected).exists():
            years.append(reporting_year)
    return years


def summary_values(report: MonitoringReport) -> dict:
    """What the summary shows of a report, read from its submitted figures (blank for a draft): money as
    decimals, the rate as its percentage text, the products filed since admission (as the graduation rule counts
    them, up to the submission day) and whether it was filed late."""
    snapshot = Snapshot.from_dict(report.figures) if report.figures else None
    first = getattr(report, "first_submitted_at", None)
    first_day = timezone.localdate(first) if first else None
    values = {"revenue": None, "profit": None, "rnd_expense": None, "patents_granted": None, "rate": "",
              "rate_used": None, "rate_counted": None, "new_products": None,
              "late": first_day is not None and first_day > report.reporting_year.deadline,
              "first_submitted_on": first_day}
    if snapshot is None:
        return values
    admitted = report.membership.admitted_on
    until = timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate()
    values.update(
        revenue=snapshot.revenue, profit=snapshot.profit, rnd_expense=snapshot.rnd_expense,
        patents_granted=report.figures.get("patents_granted"), rate=pct(snapshot.rate_used, snapshot.rate_counted),
        rate_used=snapshot.rate_used, rate_counted=snapshot.rate_counted,
        new_products=sum(1 for p in snapshot.products if p.recognised and p.filing_no and p.filed_on
                         and admitted <= p.filed_on <= until))
    return values


def year_counts(*, user: User) -> dict[int, dict]:
    """Per reporting year, the reports of the user's scope by status and the overdue ones (one query)."""
    today = timezone.localdate()
    statuses = {value: Count("pk", filter=Q(status=value)) for value, _ in MonitoringStatus.choices}
    rows = (MonitoringReport.objects.visible_to(user).order_by().values("reporting_year")
            .annotate(total=Count("pk"), overdue=Count("pk", filter=overdue_q(today)), **statuses))
    return {row["reporting_year"]: row for row in rows}


def monitoring_home_panels(user: User) -> list[tuple[str, dict]]:
    """The enterprise: its reports still to file (or to correct), with their deadlines. A bureau: the reports
    waiting for the county's verification and the overdue ones of its scope."""
    if not user.is_authenticated or user.role not in VIEW_ROLES or user.role == "admin":
        return []
    if user.role == "enterprise":
        pending = list(own_reports(user=user).filter(status__in=EDITABLE, reporting_year__opens_on__lte=timezone
                                                     .localdate())[:5])
        starting = open_years_without_report(user=user)
        if not pending and not starting:
            return []
        return [("pool/monitoring/_home_enterprise.html", {"reports": pending, "years": starting,
                                                           "today": timezone.localdate()})]
    today = timezone.localdate()
    row = MonitoringReport.objects.visible_to(user).aggregate(
        waiting=Count("pk", filter=Q(status=S.SUBMITTED)), overdue=Count("pk", filter=overdue_q(today)))
    waiting = list(summary_list(user=user).filter(status=S.SUBMITTED).order_by("submitted_at", "pk")[:5]) \
        if user.role == "county" else []
    return [("pool/monitoring/_home_bureau.html", {**row, "reports": waiting, "is_county": user.role == "county"})]


def monitoring_todos(user: User) -> list:
    """The county's lines of the home page's to-do list (``portal.navigation.Todo``): the reports waiting for its
    verification and its members overdue. (The enterprise has no to-do list; its home panel says what to file.)"""
    from portal.navigation import Todo

    if user.role != "county":
        return []
    row = MonitoringReport.objects.visible_to(user).aggregate(
        waiting=Count("pk", filter=Q(status=S.SUBMITTED)), since=Min("submitted_at", filter=Q(status=S.SUBMITTED)),
        overdue=Count("pk", filter=overdue_q(timezone.localdate())))
    return [Todo("待核实的监测报告", row["waiting"], f"{reverse('pool:monitoring-summary')}?status=submitted",
                 since=row["since"]),
            Todo("逾期未报的年度监测", row["overdue"], reverse("pool:monitoring-overdue"),
                 note="填报截止日期已过仍未提交，请督促企业填报。")]
