"""API of the review: the reviewer's queue, the ranked lists with their quota, and the decisions (POST), with
the same FilterSets, scoping and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from portal.api import bounded as serializers  # DRF's, with every input field bounded
from portal.api.base import IdField, ScopedViewSetMixin

from .. import selectors
from ..filters import ReviewFilter, ReviewQueueFilter
from ..models import Application, ApplicationTransition, Batch, CriterionReview
from ..models.review import Outcome
from ..queues import RANKING_ROLES, REVIEW_ROLES, default_batch, ranked_list, review_queue
from ..services.review import (
    SERVICES,
    criterion_review_save,
    criterion_states,
    review_batch,
    review_transition,
)
from ..services.review.upper import quota_for
from ..workflow import TransitionError, available_actions
from .serializers import ApplicationSerializer


class ReviewItemSerializer(ApplicationSerializer):
    """A row of the review queue: the application list's fields a reviewer works with."""

    class Meta(ApplicationSerializer.Meta):
        fields = ["id", "batch", "batch_name", "enterprise_name", "uscc", "region", "region_name", "industry_code",
                  "status", "status_label", "verdict", "verdict_label", "score", "revision_number", "submitted_at"]


class RankedItemSerializer(ReviewItemSerializer):
    rank = serializers.IntegerField(read_only=True, help_text="在当前筛选范围内的排名（排序规则见列表说明）")
    industrialisation_rate = serializers.FloatField(source="rank_rate", read_only=True, allow_null=True,
                                                    help_text="专利产业化率（0–1），评分相同时第一比较项")
    rnd_intensity = serializers.FloatField(source="rank_intensity", read_only=True, allow_null=True,
                                           help_text="研发投入占营业收入比例（0–1），第二比较项")

    class Meta(ReviewItemSerializer.Meta):
        fields = ["rank", *ReviewItemSerializer.Meta.fields, "industrialisation_rate", "rnd_intensity"]


class CriterionStateSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    machine_outcome = serializers.CharField(help_text="系统结论：pass / fail / warn / manual")
    outcome = serializers.CharField(help_text="现行结论（审核人员改判的，为改判后的结论）")
    overridden = serializers.BooleanField()
    justification = serializers.SerializerMethodField()
    explanation = serializers.CharField()

    def get_justification(self, state) -> str:
        return state.review.justification if state.review_counts else ""


class TransitionSerializer(serializers.ModelSerializer):
    from_label = serializers.CharField(source="get_from_status_display", read_only=True)
    to_label = serializers.CharField(source="get_to_status_display", read_only=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationTransition
        fields = ["from_status", "from_label", "to_status", "to_label", "actor_name", "actor_role", "comment",
                  "section_comments", "revision_number", "created_at"]

    def get_actor_name(self, entry) -> str:
        return str(entry.actor) if entry.actor_id else "系统"


class ReviewDetailSerializer(ReviewItemSerializer):
    criteria = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="当前用户可执行的操作（目标状态与按钮名称）")

    class Meta(ReviewItemSerializer.Meta):
        fields = [*ReviewItemSerializer.Meta.fields, "criteria", "actions"]

    def get_criteria(self, application) -> list[dict]:
        return CriterionStateSerializer(criterion_states(application), many=True).data

    def get_actions(self, application) -> list[dict]:
        user = self.context["request"].user
        return [{"to": t.target, "label": t.label, "comment_required": t.comment_required}
                for t in available_actions(user, application)]


class DecisionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=list(SERVICES), help_text="目标状态，如 county_approved、returned")
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="意见；退回、不予通过时必填")
    section_comments = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False,
                                             help_text="退回时按申报书栏目的意见，如 {\"rnd\": \"请补充审计报告\"}")
    justifications = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False,
                                           help_text="审核通过时对原则上不符合 / 需人工判断各项的理由，键为标准序号")


class CriterionReviewInSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1)  # an unknown number is refused by the service
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    justification = serializers.CharField()


class CriterionReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriterionReview
        fields = ["number", "machine_outcome", "outcome", "justification", "revision_number", "created_at"]


class BatchDecisionSerializer(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), min_length=1)
    to = serializers.ChoiceField(choices=list(SERVICES))
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RowOutcomeSerializer(serializers.Serializer):
    id = IdField(source="pk")  # echoes the id asked for: documented up to 64 bits
    name = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()


class QuotaSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    label = serializers.CharField()
    limit = serializers.IntegerField(allow_null=True)
    used = serializers.IntegerField()
    remaining = serializers.IntegerField(allow_null=True)


def _validation(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


def _conflict(error: TransitionError) -> Response:
    return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


class ReviewQueueViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """审核队列：辖区内已提交的申报（筛选条件与页面相同），及审核操作。"""

    queryset = Application.objects.all()
    serializer_class = ReviewItemSerializer
    filterset_class = ReviewQueueFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        if self.request.user.role not in REVIEW_ROLES:
            return Application.objects.none()
        if self.action == "list":
            return review_queue(user=self.request.user)
        return selectors.application_detail_queryset().visible_to(self.request.user).filter(
            current_revision__isnull=False)

    def get_serializer_class(self):
        return ReviewDetailSerializer if self.action == "retrieve" else ReviewItemSerializer

    @extend_schema(request=DecisionSerializer, responses={200: ReviewItemSerializer, 409: dict})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """办理一项审核决定（审核通过、退回修改、不予通过、推荐、入库等）；与页面按钮调用同一服务。
        他人已先行处理时返回 409 及当前状态说明。"""
        application = self.get_object()
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        try:
            application = review_transition(application=application, reviewer=request.user, **decision.validated_data)
        except TransitionError as error:
            return _conflict(error)
        except DjangoValidationError as error:
            raise _validation(error) from error
        return Response(ReviewItemSerializer(application).data)

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])  # the whole record, not a filtered page
    def transitions(self, request, pk=None):
        """办理记录：每次状态变更的操作人、时间、原状态、新状态与意见。"""
        application = self.get_object()
        entries = application.transitions.select_related("actor").order_by("created_at", "id")
        return Response(TransitionSerializer(entries, many=True).data)

    @extend_schema(request=CriterionReviewInSerializer, responses={201: CriterionReviewSerializer, 409: dict})
    @action(detail=True, methods=["post"])
    def criteria(self, request, pk=None):
        """对一项入库标准改判或说明理由（系统结论同时保留）。"""
        application = self.get_object()
        given = CriterionReviewInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            review = criterion_review_save(application=application, reviewer=request.user, **given.validated_data)
        except TransitionError as error:
            return _conflict(error)
        except DjangoValidationError as error:
            raise _validation(error) from error
        return Response(CriterionReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BatchDecisionSerializer, responses=RowOutcomeSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])  # one row per id given
    def batch(self, request):
        """批量办理：逐件检查、逐件办理，逐件返回结果（成功或未办理的原因）。"""
        given = BatchDecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            outcomes = review_batch(reviewer=request.user, application_ids=given.validated_data["ids"],
                                    to=given.validated_data["to"], comment=given.validated_data["comment"])
        except DjangoValidationError as error:
            raise _validation(error) from error
        return Response(RowOutcomeSerializer(outcomes, many=True).data)


class RankingViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """推荐排序：到达本级的申报按综合评分排序（评分相同依次比较专利产业化率、研发投入占比、提交时间）；
    不指定批次时为最近一个批次。"""

    queryset = Application.objects.all()
    serializer_class = RankedItemSerializer
    filterset_class = ReviewFilter
    filter_backends = [DjangoFilterBackend]

    def _batch(self) -> Batch | None:
        batch_id = self.request.query_params.get("batch")
        if batch_id:
            return Batch.objects.visible_to(self.request.user).filter(pk=batch_id).first() \
                if str(batch_id).isdigit() else None
        return default_batch(self.request.user)

    def get_queryset(self):
        batch = self._batch()
        if batch is None:
            return Application.objects.none()
        return ranked_list(user=self.request.user).filter(batch=batch)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        start = self.paginator.page.start_index() if page is not None else 1
        for offset, application in enumerate(page if page is not None else queryset):
            application.rank = start + offset
        data = self.get_serializer(page if page is not None else queryset, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(parameters=[OpenApiParameter("batch", int, description="批次编号；不指定为最近一个批次")],
                   responses=QuotaSerializer)
    @action(detail=False)
    def quota(self, request):
        """本级推荐名额及使用情况（市：本市名额；省：全省名额）。"""
        batch = self._batch()
        if batch is None or request.user.role not in RANKING_ROLES:
            raise NotFound("未找到该批次")
        quota = quota_for(request.user, batch)
        return Response(QuotaSerializer({"batch": batch.pk, "label": quota.label, "limit": quota.limit,
                                         "used": quota.used, "remaining": quota.remaining}).data)
