from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from ..filters import OrganisationFilter, UserFilter
from ..models import Job, Notification, Organisation, Region, User
from .base import ScopedReadOnlyViewSet
from .serializers import (
    JobSerializer,
    NotificationSerializer,
    OrganisationSerializer,
    RegionSerializer,
    UserSerializer,
)


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """行政区划（GB/T 2260）: public reference data."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent"]


class OrganisationViewSet(ScopedReadOnlyViewSet):
    queryset = Organisation.objects.select_related("region")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter


class UserViewSet(ScopedReadOnlyViewSet):
    queryset = User.objects.select_related("organisation").order_by("pk")
    serializer_class = UserSerializer
    filterset_class = UserFilter


class JobViewSet(ScopedReadOnlyViewSet):
    queryset = Job.objects.all()
    serializer_class = JobSerializer


class NotificationViewSet(ScopedReadOnlyViewSet):
    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer


@extend_schema(responses=UserSerializer)
@api_view(["GET"])
def me(request):
    return Response(UserSerializer(request.user).data)
