"""FilterSets of the pool's members: the member list (入库企业名单), the replenishment ledger (增补名额台账) and the
follow-up milestones (接续培育). Each is shared by its page, its Excel export and its API list."""

import django_filters
from django.db.models import Q

from portal.filters import ModelChoiceFilter, RegionFilter

from ..lifecycle.workflow import MembershipStatus
from ..models import FollowUpMilestone, Membership, MilestoneKind, ReplenishmentEntry
from .applications import StableOrdering, _visible_batches


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="search", help_text="企业名称或统一社会信用代码")
    status = django_filters.ChoiceFilter(label="状态", choices=MembershipStatus.CHOICES, empty_label="全部状态")
    region = RegionFilter(label="所在地（区划代码）")
    batch = ModelChoiceFilter(label="入库批次", queryset=_visible_batches, empty_label="全部批次")
    year = django_filters.NumberFilter(label="入库年度", field_name="admitted_on", lookup_expr="year")
    replenishment = django_filters.ChoiceFilter(
        label="入库方式", choices=[("yes", "增补入库"), ("no", "常规入库")], empty_label="全部",
        method="by_replenishment")
    ordering = StableOrdering(
        label="排序", empty_label="入库日期（新的在前）",
        fields=(("admitted_on", "admitted_on"), ("enterprise_name", "name"), ("status_changed_on", "changed")),
        field_labels={"admitted_on": "入库日期", "enterprise_name": "企业名称", "status_changed_on": "状态变更日期"})

    class Meta:
        model = Membership
        fields = ["q", "status", "region", "batch", "year", "replenishment", "ordering"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(enterprise_name__icontains=value) | Q(uscc__icontains=value.upper()))

    def by_replenishment(self, queryset, name, value):
        return queryset.filter(replenishment=value == "yes")


class LedgerFilter(django_filters.FilterSet):
    """Lines of the replenishment ledger: by scope (a county, or the province), kind of line and year."""

    scope_region = RegionFilter(field_name="scope_region", label="计算范围（区划代码）")
    kind = django_filters.ChoiceFilter(label="类型", choices=[("earned", "出库获得名额"), ("used", "增补入库使用")],
                                       empty_label="全部", method="by_kind")
    year = django_filters.NumberFilter(label="年度", field_name="entered_on", lookup_expr="year")
    q = django_filters.CharFilter(label="企业", field_name="membership__enterprise_name", lookup_expr="icontains")

    class Meta:
        model = ReplenishmentEntry
        fields = ["scope_region", "kind", "year", "q"]

    def by_kind(self, queryset, name, value):
        return queryset.filter(places__gt=0) if value == "earned" else queryset.filter(places__lt=0)


class MilestoneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业", method="search", help_text="企业名称或统一社会信用代码")
    kind = django_filters.ChoiceFilter(label="资质", choices=MilestoneKind.choices, empty_label="全部资质")
    region = RegionFilter(field_name="membership__region", label="所在地（区划代码）")
    year = django_filters.NumberFilter(label="取得年度", field_name="obtained_on", lookup_expr="year")
    membership = django_filters.NumberFilter(label="入库企业编号", field_name="membership_id")

    class Meta:
        model = FollowUpMilestone
        fields = ["q", "kind", "region", "year", "membership"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(membership__enterprise_name__icontains=value)
                               | Q(membership__uscc__icontains=value.upper()))
