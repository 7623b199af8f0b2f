from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
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


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token; the same lockout as the login page applies."""

    def post(self, request, *args, **kwargs):
        # axes marks the lockout on Django's request, which DRF wraps, so its middleware never sees it here.
        if AxesProxyHandler.is_locked(request._request, {"username": request.data.get("username", "")}):
            minutes = round(settings.AXES_COOLOFF_TIME * 60)
            return Response({"detail": f"该账号密码连续输错多次，已临时锁定 {minutes} 分钟。"},
                            status=status.HTTP_429_TOO_MANY_REQUESTS)
        return super().post(request, *args, **kwargs)
