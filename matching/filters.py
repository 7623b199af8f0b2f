"""FilterSets of the matching lists, shared by the pages and the API."""

import django_filters
from django.db.models import Q

from portal.filters import RegionFilter

from .choices import CooperationMode, DealMode, HolderType, LegalStatus, MatchStatus, OfferType
from .models import Deal, Demand, Match, MatchmakingEvent, SupplyPatent
from .validators import normalise_ipc

BOOLEAN_CHOICES = [("true", "是"), ("false", "否")]


class SupplyPatentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="search", help_text="名称、摘要、申请号或专利权人")
    ipc = django_filters.CharFilter(label="IPC 分类", method="by_ipc", help_text="如 B22D 或 B22D17/22")
    industry_chain = django_filters.CharFilter(label="产业链")
    offer_type = django_filters.ChoiceFilter(label="转化方式", choices=OfferType.choices)
    holder_type = django_filters.ChoiceFilter(label="权利人类型", choices=HolderType.choices)
    legal_status = django_filters.ChoiceFilter(label="法律状态", choices=LegalStatus.choices)
    price_min = django_filters.NumberFilter(label="最低价格（元）", field_name="price", lookup_expr="gte")
    price_max = django_filters.NumberFilter(label="最高价格（元）", field_name="price", lookup_expr="lte")
    dormant = django_filters.TypedChoiceFilter(label="沉睡专利", field_name="is_dormant", choices=BOOLEAN_CHOICES,
                                               coerce=lambda v: v == "true")

    class Meta:
        model = SupplyPatent
        fields = ["q", "ipc", "industry_chain", "offer_type", "holder_type", "legal_status", "price_min",
                  "price_max", "dormant"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(abstract__icontains=value)
                               | Q(application_no__icontains=value) | Q(holder_name__icontains=value))

    def by_ipc(self, queryset, name, value):
        code = normalise_ipc(value)
        return queryset.filter(Q(ipc_main__startswith=code) | Q(ipc_other__contains=code))


class DemandFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="search")
    industry_chain = django_filters.CharFilter(label="产业链")
    cooperation_mode = django_filters.ChoiceFilter(label="合作方式", choices=CooperationMode.choices)
    region = RegionFilter()
    is_open = django_filters.TypedChoiceFilter(label="征集中", choices=BOOLEAN_CHOICES,
                                               coerce=lambda v: v == "true")

    class Meta:
        model = Demand
        fields = ["q", "industry_chain", "cooperation_mode", "region", "is_open"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value)
                               | Q(enterprise__name__icontains=value))


class MatchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="search")
    status = django_filters.ChoiceFilter(label="跟进状态", choices=MatchStatus.choices)
    industry_chain = django_filters.CharFilter(label="产业链", field_name="demand__industry_chain")
    demand = django_filters.NumberFilter(label="需求")
    patent = django_filters.NumberFilter(label="专利")
    min_score = django_filters.NumberFilter(label="最低匹配度", field_name="score", lookup_expr="gte")

    class Meta:
        model = Match
        fields = ["q", "status", "industry_chain", "demand", "patent", "min_score"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(demand__title__icontains=value) | Q(patent__title__icontains=value)
                               | Q(demand__enterprise__name__icontains=value)
                               | Q(patent__holder_name__icontains=value))


class DealFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="search")
    mode = django_filters.ChoiceFilter(label="转化方式", choices=DealMode.choices)
    since = django_filters.DateFilter(label="签约日期自", field_name="signed_on", lookup_expr="gte")
    until = django_filters.DateFilter(label="签约日期至", field_name="signed_on", lookup_expr="lte")
    region = RegionFilter("match__demand__region")

    class Meta:
        model = Deal
        fields = ["q", "mode", "since", "until", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(match__demand__enterprise__name__icontains=value)
                               | Q(match__patent__title__icontains=value)
                               | Q(match__patent__holder_name__icontains=value))


class EventFilter(django_filters.FilterSet):
    industry_chain = django_filters.CharFilter(label="产业链")
    since = django_filters.DateFilter(label="日期自", field_name="held_on", lookup_expr="gte")

    class Meta:
        model = MatchmakingEvent
        fields = ["industry_chain", "since"]
