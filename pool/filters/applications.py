"""FilterSets shared by the list pages and the API lists."""

import django_filters
from django.db.models import Q

from portal.filters import ModelChoiceFilter, OrderingFilter, RegionFilter

from ..models import Application, ApplicationStatus, Batch, BatchState, Verdict


def _visible_batches(request):
    if request is None:
        return Batch.objects.none()
    return Batch.objects.visible_to(request.user)


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业名称/信用代码", method="search")
    batch = ModelChoiceFilter(label="申报批次", queryset=_visible_batches, empty_label="全部批次")
    status = django_filters.ChoiceFilter(label="状态", choices=ApplicationStatus.choices, empty_label="全部状态")
    verdict = django_filters.ChoiceFilter(label="预审结论", choices=Verdict.choices, empty_label="全部")
    region = RegionFilter()
    min_score = django_filters.NumberFilter(label="最低评分", field_name="score", lookup_expr="gte")
    ordering = OrderingFilter(
        label="排序", fields=(("score", "score"), ("submitted_at", "submitted_at"), ("enterprise_name", "name")),
        field_labels={"score": "评分", "submitted_at": "提交时间", "enterprise_name": "企业名称"})

    class Meta:
        model = Application
        fields = ["q", "batch", "status", "verdict", "region", "min_score"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(enterprise_name__icontains=value) | Q(uscc__icontains=value.upper()))


class OwnApplicationFilter(ApplicationFilter):
    """我的申报: an enterprise narrows its own few applications by batch and status; the reviewers' search, region
    and score filters mean nothing there."""

    q = region = min_score = verdict = ordering = None

    class Meta(ApplicationFilter.Meta):
        fields = ["batch", "status"]


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


def _industry_prefix(queryset, name, value):
    """``C35``, ``c35`` and ``35`` all find C3511 and 3511: codes are stored with or without the section letter."""
    code = value.strip().upper()
    digits = code.lstrip("ABCDEFGHIJKLMNOPQRST")
    if not digits:
        return queryset.filter(industry_code__startswith=code)
    return queryset.filter(Q(industry_code__startswith=digits) | Q(industry_code__regex=rf"^[A-T]{digits}"))


class ReviewFilter(django_filters.FilterSet):
    """The reviewer's queue and the ranked lists: one FilterSet for the pages, the API and the exports."""

    q = django_filters.CharFilter(label="关键词", method="search", help_text="企业名称或统一社会信用代码")
    batch = ModelChoiceFilter(label="申报批次", queryset=_visible_batches, empty_label="全部批次")
    status = django_filters.ChoiceFilter(label="状态", choices=ApplicationStatus.choices, empty_label="全部状态")
    verdict = django_filters.ChoiceFilter(label="预审结论", choices=Verdict.choices, empty_label="全部")
    industry = django_filters.CharFilter(label="行业代码", method=_industry_prefix, help_text="如 C35")
    region = RegionFilter()
    min_score = django_filters.NumberFilter(label="评分不低于", field_name="score", lookup_expr="gte")
    max_score = django_filters.NumberFilter(label="评分不高于", field_name="score", lookup_expr="lte")

    class Meta:
        model = Application
        fields = ["q", "batch", "status", "verdict", "industry", "region", "min_score", "max_score"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(enterprise_name__icontains=value) | Q(uscc__icontains=value.upper()))


class StableOrdering(OrderingFilter):
    """Ties keep one order (by id), so paging never shows a row twice or skips one."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


class ReviewQueueFilter(ReviewFilter):
    ordering = StableOrdering(
        label="排序", empty_label="提交时间（先到先审）",
        fields=(("submitted_at", "submitted_at"), ("score", "score"), ("enterprise_name", "name")),
        field_labels={"submitted_at": "提交时间", "score": "综合评分", "enterprise_name": "企业名称"})

    class Meta(ReviewFilter.Meta):
        fields = [*ReviewFilter.Meta.fields, "ordering"]
