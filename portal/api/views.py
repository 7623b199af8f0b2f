from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..filters import OrganisationFilter, UserFilter
from ..http import client_ip
from ..models import Job, Notification, Organisation, Region, User
from ..privacy import REVEALABLE, reveal, revealable_object
from ..security.otp import check_code, confirmed_device, needs_second_factor
from ..security.tokens import token_expires_at
from ..services.accounts import api_token_issue, api_token_revoke
from . import bounded as serializers  # DRF's, with every input field bounded
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
    return Response(UserSerializer(request.user, context={"request": request}).data)


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(label="动态码", required=False, write_only=True,
                                      help_text="工作人员账号在启用两步验证要求时必填：身份验证器中的 6 位动态码")


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (a new one each time: the previous token stops working);
    the same lockout as the login page applies. ``DELETE`` withdraws the caller's own token."""

    serializer_class = TokenRequestSerializer

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(request=TokenRequestSerializer, responses=inline_serializer("IssuedToken", {
        "token": serializers.CharField(), "expires_at": serializers.DateTimeField()}))
    def post(self, request, *args, **kwargs):
        # axes marks the lockout on Django's request, which DRF wraps, so its middleware never sees it here.
        raw = request.data.get("username", "") if hasattr(request.data, "get") else ""  # a JSON list: 400 below
        # The lock-out looks the name up before the serializer checks it: PostgreSQL refuses a NUL in a query.
        username = str(raw).replace("\x00", "")[:150]
        if AxesProxyHandler.is_locked(request._request, {"username": username}):
            minutes = round(settings.AXES_COOLOFF_TIME * 60)
            if getattr(request._request, "portal_address_throttled", False):
                detail = f"该地址登录失败次数过多，请 {minutes} 分钟后再试。"
            else:
                detail = f"该账号密码连续输错多次，已临时锁定 {minutes} 分钟。"
            return Response({"detail": detail}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if needs_second_factor(user):
            # A token must not be a way around the second factor the login page asks of staff.
            device = confirmed_device(user)
            if device is None or not check_code(device, str(request.data.get("otp_token", ""))):
                return Response({"otp_token": ["请填写身份验证器中的动态码（尚未启用两步验证的，请先在网页登录后启用）。"]},
                                status=status.HTTP_400_BAD_REQUEST)
        token = api_token_issue(user=user, ip_address=client_ip(request))
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        api_token_revoke(user=request.user, reason="by_user", ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PersonalDataRevealSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(REVEALABLE), label="记录类型")
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, label="记录编号")
    reason = serializers.CharField(min_length=2, max_length=200, label="查看原因")


@extend_schema(request=PersonalDataRevealSerializer, responses=inline_serializer("RevealedContact", {
    "contact_person": serializers.CharField(required=False), "contact_phone": serializers.CharField(required=False),
    "full_name": serializers.CharField(required=False), "email": serializers.CharField(required=False),
    "phone": serializers.CharField(required=False)}))
@api_view(["POST"])
def personal_data_reveal(request):
    """One record's contact data in full, for a stated reason (audited): masked everywhere else for bureau and bank
    users."""
    data = PersonalDataRevealSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    obj = revealable_object(request.user, data.validated_data["kind"], data.validated_data["id"])
    if obj is None:
        raise NotFound("未找到该记录")
    return Response(reveal(request=request._request, obj=obj, kind=data.validated_data["kind"],
                           reason=data.validated_data["reason"]))
