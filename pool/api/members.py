"""API of the pool's members: the member list (入库企业名单) with its timeline and member steps, the replenishment
ledger (增补名额台账) with its balances, and the follow-up milestones (接续培育). Same FilterSets, scoping and
services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from portal.api import bounded as serializers  # DRF's, with every input field bounded
from portal.api.base import ScopedViewSetMixin

from ..filters.members import LedgerFilter, MemberFilter, MilestoneFilter
from ..lifecycle.workflow import MembershipStatus, StepError
from ..models import FollowUpMilestone, Membership, MilestoneKind, ReplenishmentEntry
from ..services.lifecycle.follow_up import (
    LEVEL_CHOICES,
    LEVEL_LABELS,
    member_steps,
    membership_step,
    milestone_record,
)
from ..services.lifecycle.member_lists import (
    LEDGER_ROLES,
    MEMBER_ROLES,
    SCOPE_LABELS,
    ledger_balances,
    ledger_lines,
    member_detail_queryset,
    member_list,
    milestone_list,
)
from ..services.lifecycle.timeline import KIND_LABELS, membership_timeline, url_for

STATUS_LABELS = dict(MembershipStatus.CHOICES)


class MembershipSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    batch_name = serializers.CharField(source="batch.name", read_only=True)
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "enterprise", "enterprise_name", "uscc", "region", "region_name", "batch", "batch_name",
                  "policy_code", "status", "status_label", "admitted_on", "replenishment", "status_changed_on"]

    def get_status_label(self, membership) -> str:
        return STATUS_LABELS.get(membership.status, membership.status)


class MembershipDetailSerializer(MembershipSerializer):
    application = serializers.IntegerField(source="application_id", read_only=True)
    criteria_set_code = serializers.CharField(source="criteria_set.code", read_only=True)
    baseline = serializers.JSONField(read_only=True, help_text="入库基准数据（入库前一年度，由入库申报版本计算）")
    actions = serializers.SerializerMethodField(help_text="当前用户可办理的状态变更（目标状态与按钮名称）")

    class Meta(MembershipSerializer.Meta):
        fields = [*MembershipSerializer.Meta.fields, "application", "criteria_set_code", "baseline", "actions"]

    def get_actions(self, membership) -> list[dict]:
        user = self.context["request"].user
        return [{"to": s.target, "label": s.label} for s in member_steps(user, membership)]


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    timed = serializers.BooleanField(help_text="false：只知道日期")
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    actor = serializers.CharField()
    url = serializers.CharField()
    tone = serializers.CharField(help_text="good / bad / 空")


class MemberStepSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[MembershipStatus.FOLLOW_UP], help_text="目标状态，如 follow_up（转入接续培育）")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _validation(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class MembershipViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """入库企业名单：企业只看到本企业，县/市/省看到辖区内的入库企业；其时间线与状态变更。"""

    queryset = Membership.objects.all()
    serializer_class = MembershipSerializer
    filterset_class = MemberFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        user = self.request.user
        if user.role not in MEMBER_ROLES:
            return Membership.objects.none()
        if self.action == "list":
            return member_list(user=user)
        return member_detail_queryset().visible_to(user)

    def get_serializer_class(self):
        return MembershipSerializer if self.action == "list" else MembershipDetailSerializer

    @extend_schema(responses=TimelineEventSerializer(many=True), parameters=[OpenApiParameter(
        "kind", str, description="只看一类：" + "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items()))])
    @action(detail=True)
    def timeline(self, request, pk=None):
        """培育档案：该企业的申报、入库、年度监测、出库退库建议与决定、申诉、违规失信记录、接续培育、供需对接等，按时间先后。"""
        membership = self.get_object()
        kind = request.query_params.get("kind", "")
        events = [e for e in membership_timeline(membership=membership, user=request.user) if not kind or e.kind == kind]
        return Response(TimelineEventSerializer(events, many=True).data)

    @extend_schema(request=MemberStepSerializer, responses={200: MembershipSerializer, 409: dict})
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        """办理状态变更（如已出库企业转入接续培育）；与页面按钮调用同一服务。"""
        membership = self.get_object()
        given = MemberStepSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            membership = membership_step(membership=membership, user=request.user, target=given.validated_data["to"],
                                         comment=given.validated_data["comment"])
        except StepError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(MembershipSerializer(membership).data)


class LedgerEntrySerializer(serializers.ModelSerializer):
    scope_region_name = serializers.CharField(source="scope_region.name", read_only=True)
    scope_label = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField(help_text="earned：出库获得名额；used：增补入库使用名额")
    enterprise_name = serializers.CharField(source="membership.enterprise_name", read_only=True)
    graduation_decided_on = serializers.DateField(source="graduation.decided_on", read_only=True, allow_null=True)
    admission_batch = serializers.CharField(source="admission.batch.name", read_only=True, allow_null=True)
    proposal_url = serializers.SerializerMethodField()

    class Meta:
        model = ReplenishmentEntry
        fields = ["id", "scope_region", "scope_region_name", "scope", "scope_label", "entered_on", "places", "kind",
                  "membership", "enterprise_name", "graduation", "graduation_decided_on", "admission",
                  "admission_batch", "proposal_url"]

    def get_scope_label(self, entry) -> str:
        return SCOPE_LABELS.get(entry.scope, entry.scope)

    def get_kind(self, entry) -> str:
        return "earned" if entry.places > 0 else "used"

    def get_proposal_url(self, entry) -> str:
        return url_for("pool:proposal-detail", entry.graduation_id) if entry.graduation_id else ""


class LedgerBalanceSerializer(serializers.Serializer):
    scope_region = serializers.CharField()
    name = serializers.CharField()
    scope = serializers.CharField()
    scope_label = serializers.CharField()
    graduations = serializers.IntegerField(help_text="已决定出库的企业数")
    earned = serializers.IntegerField(help_text="获得的增补名额（规则倍数 × 出库企业数）")
    used = serializers.IntegerField(help_text="已增补入库的企业数")
    available = serializers.IntegerField(help_text="剩余名额（不小于 0）")


class LedgerViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """增补名额台账：每一行是一次出库决定获得的名额或一次增补入库使用的名额（县级看本县，市级看所辖县，省级看全省）。"""

    queryset = ReplenishmentEntry.objects.all()
    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        if self.request.user.role not in LEDGER_ROLES:
            return ReplenishmentEntry.objects.none()
        return ledger_lines(user=self.request.user)

    @extend_schema(responses=LedgerBalanceSerializer(many=True))
    @action(detail=False, pagination_class=None, filter_backends=[])  # every scope's balance, not a filtered page
    def balances(self, request):
        """各计算范围（黄石按县，全国规则按省）的出库企业数、获得名额、已增补与剩余名额。"""
        if request.user.role not in LEDGER_ROLES:
            raise NotFound("未找到")
        return Response(LedgerBalanceSerializer(ledger_balances(user=request.user), many=True).data)


class MilestoneSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="membership.enterprise_name", read_only=True)
    region = serializers.CharField(source="membership.region_id", read_only=True)
    region_name = serializers.CharField(source="membership.region.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    level_label = serializers.SerializerMethodField()
    recorded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpMilestone
        fields = ["id", "membership", "enterprise_name", "region", "region_name", "kind", "kind_label", "level",
                  "level_label", "certificate_no", "obtained_on", "note", "recorded_by_name", "created_at"]

    def get_level_label(self, milestone) -> str:
        return LEVEL_LABELS.get(milestone.level, milestone.level)

    def get_recorded_by_name(self, milestone) -> str:
        return str(milestone.recorded_by) if milestone.recorded_by_id else ""


class MilestoneInSerializer(serializers.Serializer):
    membership = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MilestoneKind.choices)
    level = serializers.ChoiceField(choices=LEVEL_CHOICES, required=False, allow_blank=True, default="")
    certificate_no = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    obtained_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MilestoneViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """接续培育节点：已出库、接续培育企业取得的专精特新“小巨人”、单项冠军等资质；由企业或所在县级主管部门登记。"""

    queryset = FollowUpMilestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        if self.request.user.role not in MEMBER_ROLES:
            return FollowUpMilestone.objects.none()
        return milestone_list(user=self.request.user)

    @extend_schema(request=MilestoneInSerializer, responses={201: MilestoneSerializer, 409: dict})
    def create(self, request):
        """登记一个接续培育节点（企业登记本企业的，县级登记辖区内企业的）。"""
        given = MilestoneInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        membership = Membership.objects.visible_to(request.user).filter(pk=data.pop("membership")).first()
        if membership is None:
            raise ValidationError({"membership": ["未找到该入库企业。"]})
        try:
            milestone = milestone_record(membership=membership, user=request.user, **data)
        except StepError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise _validation(error) from error
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)
