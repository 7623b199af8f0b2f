import django_filters
from django.db.models import Q

from portal.validators import normalise_uscc

from .models import CriteriaSet, ListEntry, ListImport, ListType


class CriteriaSetFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(label="标准代码")
    is_active = django_filters.BooleanFilter(label="可选用")

    class Meta:
        model = CriteriaSet
        fields = ["code", "is_active"]


class ListImportFilter(django_filters.FilterSet):
    list_type = django_filters.ChoiceFilter(label="名单类型", choices=ListType.choices)
    since = django_filters.DateFilter(label="起始日期", field_name="imported_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label="截止日期", field_name="imported_at", lookup_expr="date__lte")

    class Meta:
        model = ListImport
        fields = ["list_type", "since", "until"]


class ListEntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="代码或名称", method="search")
    list_type = django_filters.ChoiceFilter(label="名单类型", choices=ListType.choices)
    uscc = django_filters.CharFilter(label="统一社会信用代码", method="by_uscc")

    class Meta:
        model = ListEntry
        fields = ["q", "list_type", "uscc"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(uscc__icontains=value.strip()) | Q(name__icontains=value.strip()))

    def by_uscc(self, queryset, name, value):
        # The same normalisation as the import, so a code typed with spaces or dashes finds its entry.
        return queryset.filter(uscc=normalise_uscc(value))
