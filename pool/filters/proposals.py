"""FilterSets of the lifecycle proposals (出库 / 退库建议) and of the decided lists (出库名单, 退库名单), shared by the
pages, the API lists and the Excel exports."""

import django_filters
from django.db.models import Q

from portal.filters import RegionFilter

from ..lifecycle.workflow import ProposalKind, ProposalStatus
from ..models import LifecycleProposal


class ProposalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="search", help_text="企业名称或统一社会信用代码")
    kind = django_filters.ChoiceFilter(label="建议类型", choices=ProposalKind.CHOICES, empty_label="出库与退库")
    status = django_filters.ChoiceFilter(label="状态", choices=ProposalStatus.CHOICES, empty_label="全部状态")
    region = RegionFilter(field_name="membership__region", label="县（市、区）代码")
    year = django_filters.NumberFilter(label="评估年度", field_name="evaluated_on", lookup_expr="year")

    class Meta:
        model = LifecycleProposal
        fields = ["q", "kind", "status", "region", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(membership__enterprise_name__icontains=value)
                               | Q(membership__uscc__icontains=value.upper()))


class DecisionFilter(ProposalFilter):
    """出库名单 / 退库名单: decided proposals of one kind (the kind and status are the list's own)."""

    year = django_filters.NumberFilter(label="决定年度", field_name="decided_on", lookup_expr="year")

    class Meta(ProposalFilter.Meta):
        fields = ["q", "region", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("kind", None)
        self.filters.pop("status", None)
