"""The matching API: the same FilterSets and scoping as the pages; every write goes through a service."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from portal.api.base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from portal.models import Organisation

from ..filters import DealFilter, DemandFilter, EventFilter, MatchFilter, SupplyPatentFilter
from ..models import Deal, Demand, Match, MatchmakingEvent, SupplyPatent
from ..services.demands import POSTING_ROLES, demand_create, demand_update
from ..services.follow_up import deal_record, match_transition
from ..services.supply import supply_patent_create, supply_patent_update
from .serializers import (
    DealSerializer,
    DemandSerializer,
    EventSerializer,
    MatchSerializer,
    SupplyPatentSerializer,
    TransitionSerializer,
)


def call_service(service, **kwargs):
    """Run a service; its Django errors become the API's 400 / 403 with the same Chinese messages."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc


class WriteViaServices(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       viewsets.ReadOnlyModelViewSet):
    """Reads are scoped like the pages; a write to an object the person may only read answers 404 too."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.request.method in SAFE_METHODS:
            return self.scoped_queryset()
        return self.writable_queryset()

    def writable_queryset(self):
        raise NotImplementedError


class SupplyPatentViewSet(WriteViaServices):
    """专利供给库: everyone signed in reads the listed patents; a supplier adds and edits its own."""

    queryset = SupplyPatent.objects.select_related("supplier").order_by("-updated_at", "-id")
    serializer_class = SupplyPatentSerializer
    filterset_class = SupplyPatentFilter

    def writable_queryset(self):
        return self.queryset.owned_by(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(supply_patent_create, supplier=self.request.user.organisation,
                                           actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "application_no"}
        serializer.instance = call_service(supply_patent_update, patent=serializer.instance,
                                           actor=self.request.user, **data)


class DemandViewSet(WriteViaServices):
    """技术需求: an enterprise's own, a bureau's region, a supplier's matched demands."""

    queryset = Demand.objects.select_related("enterprise").order_by("-created_at", "-id")
    serializer_class = DemandSerializer
    filterset_class = DemandFilter

    def get_queryset(self):
        return super().get_queryset().with_match_count(self.request.user)

    def writable_queryset(self):
        if self.request.user.role not in POSTING_ROLES:
            return self.queryset.none()
        return self.scoped_queryset()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise", None) or self.request.user.organisation
        if enterprise is None or not Organisation.objects.visible_to(self.request.user).filter(
                pk=enterprise.pk).exists():
            raise ValidationError({"enterprise": "请选择本辖区内的企业。"})
        serializer.instance = call_service(demand_create, enterprise=enterprise, actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "enterprise"}
        serializer.instance = call_service(demand_update, demand=serializer.instance, actor=self.request.user,
                                           **data)


class MatchViewSet(ScopedReadOnlyViewSet):
    """供需匹配 with its explanation; follow-up and deals through the services."""

    queryset = Match.objects.select_related("demand__enterprise", "patent").order_by("-score", "id")
    serializer_class = MatchSerializer
    filterset_class = MatchFilter

    def scoped_queryset(self):
        return self.queryset.visible_to(self.request.user)

    @extend_schema(request=TransitionSerializer, responses=MatchSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        match = self.get_object()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        match = call_service(match_transition, match=match, actor=request.user, **payload.validated_data)
        return Response(MatchSerializer(match).data)

    @extend_schema(request=DealSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def deal(self, request, pk=None):
        match = self.get_object()
        payload = DealSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = {k: v for k, v in payload.validated_data.items() if k != "match"}
        data.setdefault("amount_received", 0)
        deal = call_service(deal_record, match=match, actor=request.user, **data)
        deal = get_object_or_404(Deal.objects.with_parties(), pk=deal.pk)
        return Response(DealSerializer(deal).data, status=status.HTTP_201_CREATED)


class DealViewSet(ScopedReadOnlyViewSet):
    """专利转化清单."""

    queryset = Deal.objects.with_parties().order_by("-signed_on", "-id")
    serializer_class = DealSerializer
    filterset_class = DealFilter


class EventViewSet(ScopedReadOnlyViewSet):
    """对接活动."""

    queryset = MatchmakingEvent.objects.select_related("organiser").order_by("-held_on", "-id")
    serializer_class = EventSerializer
    filterset_class = EventFilter
