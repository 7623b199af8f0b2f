"""Reminders of the yearly monitoring report (beat, daily; ``pool.tasks.send_monitoring_reminders``).

Before the deadline, each enterprise whose report is still a draft is reminded at the days of its member's policy
(``rules.reminder_days``, 30, 7 and 1 by default): on a run, the reminder due is the nearest of those days not
yet passed (so a missed run catches up with one message, never with two). After the deadline the county is told
its overdue list (逾期未报) once. Each reminder is written as a ``MonitoringReminder`` (``days_before=0`` for the
overdue notice) under a lock on the reporting year, so a repeated or concurrent run sends nothing twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.services import notify_on_commit

from ...lifecycle.workflow import MembershipStatus
from ...models import MonitoringReminder, MonitoringReport, MonitoringStatus, ReportingYear
from .monitoring import county_users, reports_materialise
from .policies import NoPolicy, current_policy, rules_of

OVERDUE = 0
#: The overdue notice is sent for deadlines passed within this many days (older ones were told long ago).
OVERDUE_HORIZON = timedelta(days=366)
#: How many names the county's overdue message lists before "等 N 家".
NAMES_IN_MESSAGE = 20


def due_reminder(days_left: int, reminder_days) -> int | None:
    """The reminder due ``days_left`` days before the deadline: the nearest reminder day not yet passed."""
    due = [d for d in reminder_days if d >= days_left]
    return min(due) if due else None


def _reminder_days(policy_code: str, cache: dict) -> tuple[int, ...]:
    if policy_code not in cache:
        try:
            cache[policy_code] = rules_of(current_policy(policy_code)).reminder_days
        except NoPolicy:
            cache[policy_code] = ()
    return cache[policy_code]


def _drafts(reporting_year: ReportingYear):
    return (MonitoringReport.objects.filter(reporting_year=reporting_year, status=MonitoringStatus.DRAFT,
                                            membership__status__in=MembershipStatus.REPORTING)
            .values_list("pk", "membership_id", "membership__policy_code", "membership__enterprise_id",
                         "membership__enterprise_name", "membership__region_id"))


def _sent(reporting_year: ReportingYear, days_before: int | None = None) -> set:
    rows = MonitoringReminder.objects.filter(reporting_year=reporting_year)
    if days_before is not None:
        rows = rows.filter(days_before=days_before)
    return set(rows.values_list("membership_id", "days_before"))


def _remind_enterprises(reporting_year: ReportingYear, today: date, cache: dict) -> int:
    days_left = (reporting_year.deadline - today).days
    sent = _sent(reporting_year)
    due_by_member = []
    for report_id, member_id, policy_code, enterprise_id, _name, _region in _drafts(reporting_year):
        days = due_reminder(days_left, _reminder_days(policy_code, cache))
        if days is not None and (member_id, days) not in sent:
            due_by_member.append((report_id, member_id, enterprise_id, days))
    if not due_by_member:
        return 0
    MonitoringReminder.objects.bulk_create(
        [MonitoringReminder(reporting_year=reporting_year, membership_id=member_id, days_before=days)
         for _, member_id, _, days in due_by_member], ignore_conflicts=True)
    users = defaultdict(list)
    for pk, organisation in User.objects.filter(
            is_active=True, organisation_id__in={e for _, _, e, _ in due_by_member}).values_list("pk",
                                                                                             "organisation_id"):
        users[organisation].append(pk)
    when = "今天" if days_left == 0 else f"还有 {days_left} 天"
    for _report_id, _member_id, enterprise_id, _days in due_by_member:
        if users.get(enterprise_id):  # one message per enterprise: no enterprise sees another's address
            notify_on_commit(
                recipients=User.objects.filter(pk__in=users[enterprise_id]), verb="monitoring.reminder",
                title=f"{reporting_year.year} 年度监测报告{when}截止",
                body=f"贵企业的 {reporting_year.year} 年度监测报告尚未提交，填报截止日期为 {reporting_year.deadline}"
                     f"（{when}截止），请尽快填报。",
                url=reverse("pool:monitoring-mine"))
    return len(due_by_member)


def _tell_counties(reporting_year: ReportingYear) -> int:
    sent = _sent(reporting_year, OVERDUE)
    by_county = defaultdict(list)
    for _report_id, member_id, _policy, _enterprise, name, region in _drafts(reporting_year):
        if (member_id, OVERDUE) not in sent:
            by_county[region].append((member_id, name))
    if not by_county:
        return 0
    MonitoringReminder.objects.bulk_create(
        [MonitoringReminder(reporting_year=reporting_year, membership_id=member_id, days_before=OVERDUE)
         for members in by_county.values() for member_id, _ in members], ignore_conflicts=True)
    for region, members in by_county.items():
        names = "、".join(name for _, name in members[:NAMES_IN_MESSAGE])
        more = f"等 {len(members)} 家" if len(members) > NAMES_IN_MESSAGE else f"共 {len(members)} 家"
        notify_on_commit(
            recipients=county_users(region), verb="monitoring.overdue",
            title=f"{reporting_year.year} 年度监测逾期未报企业 {len(members)} 家",
            body=f"{reporting_year.year} 年度监测报告已于 {reporting_year.deadline} 截止，以下企业逾期未报："
                 f"{names}（{more}）。请督促填报。",
            url=f"{reverse('pool:monitoring-overdue')}?year={reporting_year.year}")
    return sum(len(m) for m in by_county.values())


def monitoring_reminders_send(*, today: date | None = None) -> dict:
    """Beat, daily: remind the enterprises that have not submitted, and tell the counties their overdue lists.
    Safe to repeat: a reminder already written is never sent again."""
    today = today or timezone.localdate()
    tally: Counter = Counter()
    cache: dict = {}
    years = ReportingYear.objects.filter(opens_on__lte=today, deadline__gte=today - OVERDUE_HORIZON)
    for pk in years.order_by("deadline", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            reporting_year = ReportingYear.objects.select_for_update().get(pk=pk)
            tally["materialised"] += reports_materialise(reporting_year=reporting_year)
            if today <= reporting_year.deadline:
                tally["reminded"] += _remind_enterprises(reporting_year, today, cache)
            else:
                tally["overdue"] += _tell_counties(reporting_year)
    return dict(tally)
