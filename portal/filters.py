import django_filters
from django.db.models import Q

from .models import AuditEntry, Organisation, OrganisationKind, User


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="search")
    kind = django_filters.ChoiceFilter(label="类型", choices=OrganisationKind.choices, empty_label="全部")
    region = django_filters.CharFilter(label="行政区划代码", method="in_region")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value))

    def in_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=value.rstrip("0") or value)


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="search")
    organisation = django_filters.NumberFilter(label="机构")
    is_active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = User
        fields = ["q", "organisation", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label="动作", lookup_expr="startswith")
    actor = django_filters.CharFilter(label="操作人", field_name="actor_name", lookup_expr="icontains")
    since = django_filters.DateFilter(label="起始日期", field_name="created_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label="截止日期", field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "since", "until"]
