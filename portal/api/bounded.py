"""DRF's ``serializers`` module with every input field bounded: the apps' API modules import it as
``serializers`` (``from portal.api import bounded as serializers``), so no serializer can forget a bound.

A field that states no bound of its own gets the portal's plausibility limits (``portal.validators``): integers
and decimals within ``MAX_MAGNITUDE``, dates within ``EARLIEST``..``LATEST``, text up to ``MAX_TEXT`` characters
and lists up to ``MAX_ITEMS`` items; the messages are Chinese and stand at the field. Everything else is DRF's.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from rest_framework import serializers as _drf

from portal.validators import MAX_ITEMS, MAX_MAGNITUDE, MAX_TEXT, DateRangeValidator


def __getattr__(name: str):
    return getattr(_drf, name)


def bound(field: _drf.Field) -> None:
    """Add the portal's limits to one writable field (and a list's items) unless it declares its own."""
    if field.read_only:
        return
    if isinstance(field, (_drf.ListField, _drf.ListSerializer, _drf.ManyRelatedField)):
        child = getattr(field, "child", None) or getattr(field, "child_relation", None)
        if child is not None and not isinstance(child, _drf.BaseSerializer):
            bound(child)
        if getattr(field, "max_length", None) is None:
            field.validators.append(MaxLengthValidator(MAX_ITEMS, message=f"最多 {MAX_ITEMS} 项。"))
    elif isinstance(field, (_drf.IntegerField, _drf.DecimalField, _drf.FloatField)):
        if field.max_value is None:
            field.validators.append(MaxValueValidator(MAX_MAGNITUDE - 1, message="数值过大，请核对。"))
        if field.min_value is None:
            field.validators.append(MinValueValidator(-(MAX_MAGNITUDE - 1), message="数值过小，请核对。"))
    elif isinstance(field, (_drf.DateField, _drf.DateTimeField)):
        field.validators.append(DateRangeValidator())
    elif isinstance(field, _drf.CharField) and field.max_length is None:
        field.validators.append(MaxLengthValidator(MAX_TEXT, message=f"内容过长，最多 {MAX_TEXT} 个字。"))


class BoundedFields:
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            bound(field)
        return fields


class Serializer(BoundedFields, _drf.Serializer):
    pass


class ModelSerializer(BoundedFields, _drf.ModelSerializer):
    pass
