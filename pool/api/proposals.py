"""API of the lifecycle decisions: the proposals (with their steps and appeals), the graduation and removal lists,
and the county's misconduct records — the same FilterSets, scoping and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from portal.api import bounded as serializers  # DRF's, with every input field bounded
from portal.api.base import ScopedViewSetMixin

from ..filters.proposals import DecisionFilter, ProposalFilter
from ..lifecycle.policy import MisconductKind
from ..lifecycle.rules import reason_label
from ..lifecycle.workflow import AppealStatus, ProposalKind, ProposalStatus, StepError
from ..models import Appeal, LifecycleProposal, Membership, MisconductRecord
from ..services.lifecycle.misconduct import misconduct_record
from ..services.lifecycle.proposals import (
    PROPOSAL_ROLES,
    appeal_file,
    appeal_refusal,
    appeal_steps,
    appeal_transition,
    decision_list,
    proposal_list,
    proposal_steps,
    proposal_transition,
)


class AppealSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Appeal
        fields = ["id", "status", "status_label", "reason", "filed_at", "decided_at", "decision_comment"]


class ProposalSerializer(serializers.ModelSerializer):
    membership = serializers.IntegerField(source="membership_id", read_only=True)
    enterprise_name = serializers.CharField(source="membership.enterprise_name", read_only=True)
    uscc = serializers.CharField(source="membership.uscc", read_only=True)
    region = serializers.CharField(source="membership.region_id", read_only=True)
    region_name = serializers.CharField(source="membership.region.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reason_labels = serializers.SerializerMethodField(help_text="理由的中文说明，与 reasons 一一对应")
    policy = serializers.CharField(source="policy.code", read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)
    appeal = serializers.SerializerMethodField()

    class Meta:
        model = LifecycleProposal
        fields = ["id", "membership", "enterprise_name", "uscc", "region", "region_name", "kind", "kind_label",
                  "status", "status_label", "reasons", "reason_labels", "explanation", "policy", "policy_version",
                  "evaluated_on", "trigger", "opened_at", "proposed_at", "county_comment", "decided_on",
                  "decision_comment", "appeal_until", "appeal"]

    def get_reason_labels(self, proposal) -> list[str]:
        return [reason_label(key) for key in proposal.reasons]

    def get_appeal(self, proposal) -> dict | None:
        appeal = getattr(proposal, "appeal", None)
        return AppealSerializer(appeal).data if appeal is not None else None


class ProposalDetailSerializer(ProposalSerializer):
    actions = serializers.SerializerMethodField(help_text="当前用户可执行的操作（目标状态与按钮名称）")
    appeal_actions = serializers.SerializerMethodField()
    can_appeal = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "evidence", "actions", "appeal_actions", "can_appeal"]

    def get_actions(self, proposal) -> list[dict]:
        user = self.context["request"].user
        return [{"to": s.target, "label": s.label, "reason_required": s.reason_required}
                for s in proposal_steps(user, proposal)]

    def get_appeal_actions(self, proposal) -> list[dict]:
        appeal = getattr(proposal, "appeal", None)
        if appeal is None:
            return []
        user = self.context["request"].user
        return [{"to": s.target, "label": s.label} for s in appeal_steps(user, appeal)]

    def get_can_appeal(self, proposal) -> bool:
        return not appeal_refusal(self.context["request"].user, proposal)


class StepSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[s for s, _ in ProposalStatus.CHOICES if s != ProposalStatus.OPEN],
                                 help_text="目标状态：proposed 提议、dismissed 不予提议、approved 同意、declined 不同意")
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="意见或理由；不予提议、同意、不同意时必填")


class AppealInSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="申诉理由")


class AppealStepSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[AppealStatus.UPHELD, AppealStatus.REJECTED])
    comment = serializers.CharField(allow_blank=True, default="")


def _validation(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


def _conflict(error: StepError) -> Response:
    return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


class ProposalViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """出库退库建议：辖区内的建议（企业只能看到对本企业作出的决定），及县级提议、市级决定与申诉。"""

    queryset = LifecycleProposal.objects.all()
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return proposal_list(user=self.request.user)

    def get_serializer_class(self):
        return ProposalDetailSerializer if self.action == "retrieve" else ProposalSerializer

    @extend_schema(request=StepSerializer, responses={200: ProposalSerializer, 409: dict})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """办理一步：县级提议 / 不予提议，市级同意 / 不同意（两人原则：提议人不能决定）。不能办理时返回 409 及原因。"""
        proposal = self.get_object()
        given = StepSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            proposal = proposal_transition(proposal=proposal, user=request.user, **given.validated_data)
        except StepError as error:
            return _conflict(error)
        except DjangoValidationError as error:
            raise _validation(error) from error
        return Response(ProposalSerializer(proposal).data)

    @extend_schema(request=AppealInSerializer, responses={201: AppealSerializer, 409: dict})
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        """企业对退库决定提出申诉（申诉截止日期当日仍可提出）。"""
        proposal = self.get_object()
        given = AppealInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            appeal = appeal_file(proposal=proposal, user=request.user, reason=given.validated_data["reason"])
        except StepError as error:
            return _conflict(error)
        except DjangoValidationError as error:
            raise _validation(error) from error
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppealStepSerializer, responses={200: AppealSerializer, 409: dict})
    @action(detail=True, methods=["post"], url_path="appeal-decision")
    def appeal_decision(self, request, pk=None):
        """市级或省级处理申诉：申诉成立（恢复培育）或驳回。"""
        proposal = self.get_object()
        appeal = Appeal.objects.visible_to(request.user).select_related("membership", "proposal").filter(
            proposal_id=proposal.pk).first()
        if appeal is None:
            raise NotFound("该决定没有申诉")
        given = AppealStepSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            appeal = appeal_transition(appeal=appeal, user=request.user, **given.validated_data)
        except StepError as error:
            return _conflict(error)
        except DjangoValidationError as error:
            raise _validation(error) from error
        return Response(AppealSerializer(appeal).data)


class _DecisionViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = LifecycleProposal.objects.all()
    serializer_class = ProposalSerializer
    filterset_class = DecisionFilter
    filter_backends = [DjangoFilterBackend]
    kind = ProposalKind.GRADUATE

    def get_queryset(self):
        if self.request.user.role not in PROPOSAL_ROLES:
            return LifecycleProposal.objects.none()
        return decision_list(user=self.request.user, kind=self.kind)


class GraduationViewSet(_DecisionViewSet):
    """出库名单：辖区内经市级决定出库的企业。"""

    kind = ProposalKind.GRADUATE


class RemovalViewSet(_DecisionViewSet):
    """退库名单：辖区内经市级决定退库的企业，含申诉截止日期与申诉结果。"""

    kind = ProposalKind.REMOVE


class MisconductSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=MisconductKind.CHOICES)
    membership = serializers.PrimaryKeyRelatedField(queryset=Membership.objects.none())
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = MisconductRecord
        fields = ["id", "membership", "kind", "kind_label", "occurred_on", "known_on", "source", "source_label",
                  "description", "created_at"]
        read_only_fields = ["source", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["membership"].queryset = Membership.objects.visible_to(request.user)


class MisconductViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    """违规失信记录：辖区内入库企业的记录（年度监测、导入名单、主管部门登记）；县级登记后系统立即评估。"""

    queryset = MisconductRecord.objects.select_related("membership")
    serializer_class = MisconductSerializer

    def get_queryset(self):
        if self.request.user.role not in PROPOSAL_ROLES:
            return MisconductRecord.objects.none()
        return super().get_queryset().order_by("-known_on", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = misconduct_record(
                membership=data["membership"], user=self.request.user, kind=data["kind"],
                known_on=data.get("known_on"), occurred_on=data.get("occurred_on"),
                description=data.get("description", ""))
        except DjangoValidationError as error:
            raise _validation(error) from error
