"""The per-request copies of a list's filters and of its filter form's fields, made as shallow as what a request
may change in them.

django-filter deep-copies every declared filter on each request, and Django deep-copies every form field: each
filter's ``extra`` with its querysets (cloned query trees), each choice field's whole list of choices. That was a
tenth of the review queue's Python. A request rebinds attributes of its own copies (a filter's ``lookup_expr``, a
field's queryset, a widget's choices) and sets entries of their dicts (``extra['queryset']``, ``widget.attrs``),
so those are what each copy gets afresh; what nothing changes in place (labels, validators' objects, choice
tuples) is shared. A field or widget with a copy of its own beyond Django's basic ones is deep-copied as before.
"""

from __future__ import annotations

import copy

from django import forms
from django.forms.models import ModelChoiceField
from django_filters.fields import ChoiceIterator
from django_filters.filters import FilterMethod

_FIELD_COPY = forms.Field.__deepcopy__
_CHOICE_COPY = forms.ChoiceField.__deepcopy__
_MODEL_CHOICE_COPY = ModelChoiceField.__deepcopy__
_WIDGET_COPY = forms.Widget.__deepcopy__
_CHOICE_WIDGET_COPY = forms.widgets.ChoiceWidget.__deepcopy__


def copied_filter(filter_):
    """A filter of one request: its own ``extra`` and, for a ``method=`` filter, a proxy that finds the method on
    this copy's parent (django-filter's ``FilterMethod`` holds the filter it serves)."""
    copied = copy.copy(filter_)
    copied.extra = dict(filter_.extra)
    copied.__dict__.pop("_field", None)
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        copied.filter = FilterMethod(copied)
    return copied


def copied_filters(base_filters: dict) -> dict:
    return {name: copied_filter(filter_) for name, filter_ in base_filters.items()}


def _copied_choices(choices, field, copied_field):
    """``field``'s choices for its copy ``copied_field``: a list copied down to its groups' lists, an iterator
    bound to the field (django-filter's, which adds the empty choice) bound to the copy."""
    if isinstance(choices, list):
        # A group is (label, [choices]): its list is the one mutable part of a choice list.
        return [(item[0], list(item[1])) if type(item) is tuple and len(item) == 2 and isinstance(item[1], list)
                else item for item in choices]
    if type(choices) is ChoiceIterator and choices.field is field:
        copied = copy.copy(choices)
        copied.field = copied_field
        copied.choices = _copied_choices(choices.choices, field, copied_field)
        return copied
    return copy.deepcopy(choices, {id(field): copied_field})  # as Django copies it, the field being the copy


def copied_widget(widget):
    kind = type(widget).__deepcopy__
    if kind is _WIDGET_COPY:
        copied = copy.copy(widget)
    elif kind is _CHOICE_WIDGET_COPY:
        copied = copy.copy(widget)
        copied.choices = copy.copy(widget.choices)
    else:
        return copy.deepcopy(widget)
    copied.attrs = widget.attrs.copy()
    return copied


def copied_field(field):
    """What ``Field.__deepcopy__`` and its choice-field overrides give, without copying each choice."""
    kind = type(field).__deepcopy__
    if kind not in (_FIELD_COPY, _CHOICE_COPY, _MODEL_CHOICE_COPY):
        return copy.deepcopy(field)
    copied = copy.copy(field)
    copied.widget = copied_widget(field.widget)
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    if kind is _CHOICE_COPY:
        copied._choices = _copied_choices(field._choices, field, copied)
    elif kind is _MODEL_CHOICE_COPY and field.queryset is not None:
        copied.queryset = field.queryset.all()  # a new choice iterator bound to the copy (Django #11183)
    return copied


class CopiedFields(dict):
    """A form class's ``base_fields`` whose copy for each form instance is ``copied_field`` of each field."""

    def __deepcopy__(self, memo):
        return {name: copied_field(field) for name, field in self.items()}


class CopiedFilters(dict):
    """A FilterSet class's ``base_filters`` whose copy for each FilterSet instance is ``copied_filter`` of each."""

    def __deepcopy__(self, memo):
        return copied_filters(self)


def copy_filters_lightly() -> None:
    """Every FilterSet copies its filters, and its form its fields, as above (called once from
    ``PortalConfig.ready``; a FilterSet class's filters are wrapped on its first instance, whenever it was
    imported)."""
    from django_filters.filterset import BaseFilterSet

    if getattr(BaseFilterSet, "portal_light_copies", False):
        return
    init, build = BaseFilterSet.__init__, BaseFilterSet.get_form_class

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_filters"), CopiedFilters):
            cls.base_filters = CopiedFilters(cls.base_filters)
        init(self, *args, **kwargs)

    def get_form_class(self):
        form_class = build(self)
        if not isinstance(form_class.base_fields, CopiedFields):
            form_class.base_fields = CopiedFields(form_class.base_fields)
        return form_class

    BaseFilterSet.__init__ = __init__
    BaseFilterSet.get_form_class = get_form_class
    BaseFilterSet.portal_light_copies = True
