"""Base classes every app's API uses, so scoping and filters are the same as on the pages."""

from rest_framework import viewsets


class ScopedViewSetMixin:
    """``get_queryset`` is the model's ``visible_to(user)``; an out-of-scope id answers 404."""

    queryset = None

    def scoped_queryset(self):
        return self.queryset.visible_to(self.request.user)

    def get_queryset(self):
        return self.scoped_queryset()


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
