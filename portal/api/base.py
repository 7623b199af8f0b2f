"""Base classes every app's API uses, so scoping and filters are the same as on the pages."""

from rest_framework import serializers, viewsets

from portal.filters import INT64_MAX


class IdField(serializers.IntegerField):
    """An object's number given in a request body: a positive 64-bit integer, refused at the field beyond."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(**kwargs)


OUT_OF_SCOPE = "编号为 {pk_value} 的对象不存在或不在本辖区内。"


def scope_related_fields(serializer, user) -> None:
    """Narrow every writable relation of ``serializer`` (nested ones too) to what ``user`` may see.

    A related field's choices are rendered by the browsable API's form and its ids are accepted on write; left
    unscoped, both would disclose (or accept) other regions' organisations and objects."""
    fields = getattr(serializer, "fields", None)
    if fields is None:  # a ListSerializer: its child carries the fields
        child = getattr(serializer, "child", None)
        if child is not None:
            scope_related_fields(child, user)
        return
    for field in fields.values():
        relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
        if isinstance(relation, serializers.RelatedField):
            queryset = relation.queryset
            if queryset is not None and not relation.read_only and hasattr(queryset, "visible_to"):
                relation.queryset = queryset.visible_to(user)
                relation.error_messages["does_not_exist"] = OUT_OF_SCOPE
        elif isinstance(field, serializers.BaseSerializer):
            scope_related_fields(field, user)


class ScopedViewSetMixin:
    """``get_queryset`` is the model's ``visible_to(user)``; an out-of-scope id answers 404. The serializer's
    related fields are scoped the same way (``scope_related_fields``)."""

    queryset = None

    def scoped_queryset(self):
        return self.queryset.visible_to(self.request.user)

    def get_queryset(self):
        return self.scoped_queryset()

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        scope_related_fields(serializer, self.request.user)
        return serializer


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
