import django_filters
from django import forms
from django.db.models import Q
from django_filters.constants import EMPTY_VALUES

from .models import AuditEntry, Organisation, OrganisationKind, Region, User


def region_scope_prefix(code: str) -> str:
    """The code prefix of a region's subtree, by its level (county 6 digits, city 4, province 2), as scoping uses
    it. Trailing zeros say nothing: county 120110 must not take in 120111–120119. A code that is no region (a
    partial code typed into the filter) is used as typed."""
    code = code.strip()
    region = Region.objects.filter(code=code).only("code", "level").first()
    return region.scope_prefix if region is not None else code


# The widest integer any database column holds (64-bit signed); SQLite cannot even bind a wider one.
INT64_MAX = 2**63 - 1


class BoundedNumberField(forms.DecimalField):
    """A number filter's field: values a 64-bit column cannot hold are refused at the field, in Chinese,
    instead of reaching the database (SQLite: ``OverflowError``, a 500)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", INT64_MAX)
        kwargs.setdefault("min_value", -INT64_MAX)
        super().__init__(*args, **kwargs)


#: a number filtering a date part (``lookup_expr="year"``) becomes a date: beyond these it is no date at all
DATE_PART_BOUNDS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31), "quarter": (1, 4), "week": (1, 53),
                    "week_day": (1, 7), "iso_week_day": (1, 7), "iso_year": (1, 9999)}


def bound_number_filters() -> None:
    """Every ``NumberFilter`` of every app, declared or generated, uses ``BoundedNumberField``, narrowed to a date
    part's range when it filters one (called once from ``PortalConfig.ready``: one rule for all list filters of
    pages and API)."""
    number_filter = django_filters.NumberFilter
    number_filter.field_class = BoundedNumberField
    if getattr(number_filter, "portal_bounded", False):
        return
    declared = number_filter.__init__

    def __init__(self, *args, **kwargs):
        declared(self, *args, **kwargs)
        bounds = DATE_PART_BOUNDS.get(str(self.lookup_expr).split("__")[0])
        if bounds is not None:
            self.extra.setdefault("min_value", bounds[0])
            self.extra.setdefault("max_value", bounds[1])

    number_filter.__init__ = __init__
    number_filter.portal_bounded = True


def reuse_filter_forms() -> None:
    """Every FilterSet builds its form class once per process instead of on every request (django-filter makes a
    new class, and a new field per filter, each time: a sixth of a list page's Python). What depends on the
    person — the choices of a filter whose queryset is a function of the request, such as the batches a user may
    see — is set on each form anew, before it validates anything. Called once from ``PortalConfig.ready``."""
    filterset = django_filters.filterset.BaseFilterSet
    if getattr(filterset, "portal_reused_forms", False):
        return
    build, form_of, classes = filterset.get_form_class, filterset.form.fget, {}

    def get_form_class(self):
        key = (type(self), tuple(self.filters))  # an instance may drop filters in its __init__
        if key not in classes:
            classes[key] = build(self)
        return classes[key]

    def form(self):
        if not hasattr(self, "_form"):
            made = form_of(self)
            for name, filter_ in self.filters.items():
                if isinstance(filter_, django_filters.filters.QuerySetRequestMixin):
                    made.fields[name].queryset = filter_.get_queryset(filter_.get_request())
        return self._form

    filterset.get_form_class = get_form_class
    filterset.form = property(form)
    filterset.portal_reused_forms = True


class RegionFilter(django_filters.CharFilter):
    """行政区划代码: the objects whose region (at ``field_name``, a ``portal.Region`` foreign key) lies in the
    region of the given code."""

    def __init__(self, field_name="region", label="行政区划代码", **kwargs):
        super().__init__(field_name=field_name, label=label, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.field_name}__code__startswith": region_scope_prefix(value)})


class ListedModelChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """The choices read with one plain query. Django's iterator streams them through a server-side cursor
    (DECLARE, FETCH, CLOSE: three round trips on PostgreSQL), meant for thousands of rows; a filter's few batches
    or banks are read on every list page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ListedModelChoiceIterator


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """``django_filters.ModelChoiceFilter`` for a short list of choices (``ListedModelChoiceIterator``)."""

    field_class = ListedModelChoiceField


class OrderingFilter(django_filters.OrderingFilter):
    """Sort choices in Chinese: 「综合评分（升序）」/「综合评分（降序）」 (django-filter ships no Chinese for these)."""

    descending_fmt = "%s（降序）"

    def build_choices(self, fields, labels):
        choices = super().build_choices(fields, labels)
        return [(value, label if value.startswith("-") else f"{label}（升序）") for value, label in choices]


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="search")
    kind = django_filters.ChoiceFilter(label="类型", choices=OrganisationKind.choices, empty_label="全部")
    region = RegionFilter()

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value))


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
