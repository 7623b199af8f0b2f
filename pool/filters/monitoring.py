"""FilterSets of the yearly monitoring (年度监测): the monitoring summary of a year (每年监测汇总, also the county's
overdue list) and the reporting years. Each is shared by its page, its Excel export and its API list."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone

from portal.filters import RegionFilter

from ..models import MonitoringReport, MonitoringStatus, ReportingYear
from ..services.lifecycle.monitoring import overdue_q
from .applications import StableOrdering

OVERDUE_CHOICES = [("missing", "逾期未报"), ("late", "逾期提交"), ("on_time", "按时提交")]


class MonitoringFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="监测年度", field_name="year")
    region = RegionFilter(field_name="membership__region", label="所在地（区划代码）")
    status = django_filters.ChoiceFilter(label="状态", choices=MonitoringStatus.choices, empty_label="全部状态")
    overdue = django_filters.ChoiceFilter(label="是否逾期", choices=OVERDUE_CHOICES, empty_label="全部",
                                          method="by_overdue")
    q = django_filters.CharFilter(label="企业", method="search", help_text="企业名称或统一社会信用代码")
    membership = django_filters.NumberFilter(label="入库企业编号", field_name="membership_id")
    ordering = StableOrdering(
        label="排序", empty_label="年度（新的在前）、所在地",
        fields=(("membership__enterprise_name", "name"), ("submitted_at", "submitted"),
                ("verified_at", "verified")),
        field_labels={"membership__enterprise_name": "企业名称", "submitted_at": "提交时间", "verified_at": "核实时间"})

    class Meta:
        model = MonitoringReport
        fields = ["year", "region", "status", "overdue", "q", "membership", "ordering"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(membership__enterprise_name__icontains=value)
                               | Q(membership__uscc__icontains=value.upper()))

    def by_overdue(self, queryset, name, value):
        """``first_submitted_at`` is the annotation of ``monitoring.summary_list`` (revision 1's time)."""
        if value == "missing":
            return queryset.filter(overdue_q(timezone.localdate()))
        late = Q(first_submitted_at__date__gt=F("reporting_year__deadline"))
        if value == "late":
            return queryset.filter(late)
        return queryset.filter(first_submitted_at__isnull=False).exclude(late)


class ReportingYearFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="监测年度")

    class Meta:
        model = ReportingYear
        fields = ["year"]
