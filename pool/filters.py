"""FilterSets shared by the list pages and the API lists."""

import django_filters
from django.db.models import Q

from .models import Application, ApplicationStatus, Batch, BatchState, Verdict


def _visible_batches(request):
    if request is None:
        return Batch.objects.none()
    return Batch.objects.visible_to(request.user)


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业名称/信用代码", method="search")
    batch = django_filters.ModelChoiceFilter(label="申报批次", queryset=_visible_batches)
    status = django_filters.ChoiceFilter(label="状态", choices=ApplicationStatus.choices)
    verdict = django_filters.ChoiceFilter(label="预审结论", choices=Verdict.choices)
    region = django_filters.CharFilter(label="行政区划代码", method="in_region")
    min_score = django_filters.NumberFilter(label="最低评分", field_name="score", lookup_expr="gte")
    ordering = django_filters.OrderingFilter(
        label="排序", fields=(("score", "score"), ("submitted_at", "submitted_at"), ("enterprise_name", "name")),
        field_labels={"score": "评分", "submitted_at": "提交时间", "enterprise_name": "企业名称"})

    class Meta:
        model = Application
        fields = ["q", "batch", "status", "verdict", "region", "min_score"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(enterprise_name__icontains=value) | Q(uscc__icontains=value.upper()))

    def in_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=value.rstrip("0") or value)


class BatchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="批次名称", field_name="name", lookup_expr="icontains")
    year = django_filters.NumberFilter(label="年度")
    state = django_filters.ChoiceFilter(label="申报状态", choices=BatchState.choices, method="in_state")

    class Meta:
        model = Batch
        fields = ["q", "year", "state"]

    def in_state(self, queryset, name, value):
        from django.utils import timezone

        today = timezone.localdate()
        if value == BatchState.OPEN:
            return queryset.filter(opens_on__lte=today, closes_on__gte=today)
        if value == BatchState.UPCOMING:
            return queryset.filter(opens_on__gt=today)
        return queryset.filter(closes_on__lt=today)
