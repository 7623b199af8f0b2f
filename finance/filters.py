"""FilterSets shared by the finance list pages, the API lists and the exports."""

import django_filters
from django.db.models import Q

from portal.filters import ModelChoiceFilter, RegionFilter
from portal.models import Organisation

from .models import (
    BankCase,
    Candidate,
    ClaimStatus,
    FinancingNeed,
    GrowthStage,
    Loan,
    LoanStatus,
    Lookup,
    NeedStatus,
    Publication,
    PublicationEntry,
    RiskClaim,
    SubsidyApplication,
    SubsidyStatus,
    Whitelist,
    WhitelistStatus,
)
from .rules import RULES

BOOLEAN_CHOICES = [("true", "是"), ("false", "否")]


def yes_no(label: str, field: str = "", *, is_set: bool = False) -> django_filters.ChoiceFilter:
    """是 / 否 / 全部: on a boolean ``field``, or (``is_set``) on whether ``field`` holds a value."""
    def method(queryset, name, value):
        wanted = value == "true"
        if is_set:
            return queryset.filter(**{f"{field}__isnull": not wanted})
        return queryset.filter(**{field or name: wanted})
    return django_filters.ChoiceFilter(label=label, choices=BOOLEAN_CHOICES, empty_label="全部", method=method)


def _banks(request):
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(kind="bank").order_by("name")


def _search(*fields):
    def search(queryset, name, value):
        value = value.strip()
        q = Q()
        for field in fields:
            q |= Q(**{f"{field}__icontains": value.upper() if "uscc" in field else value})
        return queryset.filter(q)
    return search


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业名称/信用代码", method=_search("enterprise__name", "enterprise__uscc"))
    status = django_filters.ChoiceFilter(label="状态", choices=NeedStatus.choices, empty_label="全部")
    growth_stage = django_filters.ChoiceFilter(label="成长阶段", choices=GrowthStage.choices, empty_label="全部")
    region = RegionFilter()

    class Meta:
        model = FinancingNeed
        fields = ["q", "status", "growth_stage", "region"]


class WhitelistFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=WhitelistStatus.choices, empty_label="全部")

    class Meta:
        model = Whitelist
        fields = ["status"]


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业名称/信用代码", method=_search("enterprise_name", "uscc"))
    eligible = yes_no("符合条件")
    excluded = yes_no("人工排除")
    failed = django_filters.ChoiceFilter(label="未通过的条件", choices=RULES, method="failed_rule",
                                         empty_label="全部")
    region = RegionFilter()

    class Meta:
        model = Candidate
        fields = ["q", "eligible", "excluded", "failed", "region"]

    def failed_rule(self, queryset, name, value):
        label = dict(RULES)[value]
        return queryset.filter(eligible=False, summary__contains=label)


class PublicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="标题", field_name="title", lookup_expr="icontains")
    since = django_filters.DateFilter(label="发布日期起", field_name="published_on", lookup_expr="gte")
    until = django_filters.DateFilter(label="发布日期止", field_name="published_on", lookup_expr="lte")

    class Meta:
        model = Publication
        fields = ["q", "since", "until"]


class EntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业名称/信用代码", method=_search("enterprise_name", "uscc"))
    growth_stage = django_filters.ChoiceFilter(label="成长阶段", choices=GrowthStage.choices, empty_label="全部")
    region = RegionFilter()

    class Meta:
        model = PublicationEntry
        fields = ["q", "growth_stage", "region"]


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业名称/信用代码", method=_search("enterprise_name", "uscc"))
    bank = ModelChoiceFilter(label="银行", queryset=_banks, empty_label="全部银行")
    credited = yes_no("已授信", "credit_amount", is_set=True)
    region = RegionFilter()

    class Meta:
        model = BankCase
        fields = ["q", "bank", "credited", "region"]


class LoanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业/合同编号", method=_search("case__enterprise_name", "case__uscc",
                                                                     "contract_no"))
    bank = ModelChoiceFilter(label="银行", queryset=_banks, empty_label="全部银行")
    status = django_filters.ChoiceFilter(label="还款状态", choices=LoanStatus.choices, empty_label="全部")
    pledged = yes_no("已质押登记", "pledge", is_set=True)
    since = django_filters.DateFilter(label="起始日不早于", field_name="start_on", lookup_expr="gte")
    until = django_filters.DateFilter(label="起始日不晚于", field_name="start_on", lookup_expr="lte")
    region = RegionFilter()

    class Meta:
        model = Loan
        fields = ["q", "bank", "status", "pledged", "since", "until", "region"]


class LookupFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(label="日期起", field_name="day", lookup_expr="gte")
    until = django_filters.DateFilter(label="日期止", field_name="day", lookup_expr="lte")

    class Meta:
        model = Lookup
        fields = ["since", "until"]


class SubsidyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业/合同编号", method=_search("enterprise__name", "loan__contract_no"))
    status = django_filters.ChoiceFilter(label="状态", choices=SubsidyStatus.choices, empty_label="全部状态")
    year = django_filters.NumberFilter(label="补贴年度")
    region = RegionFilter()

    class Meta:
        model = SubsidyApplication
        fields = ["q", "status", "year", "region"]


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=ClaimStatus.choices, empty_label="全部状态")
    bank = ModelChoiceFilter(label="银行", queryset=_banks, empty_label="全部银行")
    region = RegionFilter()

    class Meta:
        model = RiskClaim
        fields = ["status", "bank", "region"]
