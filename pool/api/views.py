from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from portal.api.base import ScopedReadOnlyViewSet, ScopedViewSetMixin

from .. import selectors
from ..filters import ApplicationFilter, BatchFilter
from ..models import Application, Batch
from ..services import scoring
from ..services.batches import (
    BATCH_FIELDS,
    SCORING_REFUSED,
    SCORING_ROLES,
    batch_create,
    batch_score_queue,
    batch_update,
    can_manage_batches,
)
from .serializers import (
    ApplicationDetailSerializer,
    ApplicationSerializer,
    BatchSerializer,
    EvaluationSerializer,
    RevisionSerializer,
)


class ApplicationViewSet(ScopedReadOnlyViewSet):
    """申报（按权限范围）：企业只看到本企业的申报，县/市/省看到辖区内的申报。"""

    queryset = Application.objects.select_related("batch", "region")
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.select_related("current_revision", "batch__criteria_set")
        return queryset

    def get_serializer_class(self):
        return ApplicationDetailSerializer if self.action == "retrieve" else ApplicationSerializer

    @extend_schema(responses=EvaluationSerializer)
    @action(detail=True)
    def evaluation(self, request, pk=None):
        """最近一次评分结果（逐项结论、证据、综合评分及其各项得分）。草稿返回实时预审结果，不保存。"""
        application = self.get_object()
        evaluation = selectors.latest_evaluation(application)
        if evaluation is not None:
            return Response(EvaluationSerializer(evaluation).data)
        if application.draft_visible_to(request.user):
            result = scoring.precheck(application)
            return Response({"application": application.pk, "live": True, "criteria_set": None,
                             "criteria_set_code": result.criteria_set_code,
                             "criteria_set_version": result.criteria_set_version, "verdict": result.verdict,
                             "score": str(result.score), "results": result.to_dict(),
                             "evaluated_on": result.evaluated_on})
        raise NotFound("该申报尚无评分结果。")

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])  # the whole list, not a filtered page
    def revisions(self, request, pk=None):
        """已提交的各版本（冻结内容）。"""
        application = self.get_object()
        return Response(RevisionSerializer(application.revisions.order_by("number"), many=True).data)


class BatchViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                   viewsets.ReadOnlyModelViewSet):
    """申报批次：所有用户可查看本省批次；省级管理员可创建、修改并发起批量评分。"""

    queryset = Batch.objects.select_related("criteria_set", "region").prefetch_related("city_quotas__city")
    serializer_class = BatchSerializer
    filterset_class = BatchFilter

    def _ensure_manager(self):
        allowed, reason = can_manage_batches(self.request.user)
        if not allowed:
            raise PermissionDenied(reason)

    def _call(self, service, **kwargs):
        try:
            return service(**kwargs)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) \
                from error

    def perform_create(self, serializer):
        self._ensure_manager()
        fields = {k: v for k, v in serializer.validated_data.items() if k in BATCH_FIELDS}
        serializer.instance = self._call(batch_create, user=self.request.user, **fields)

    def perform_update(self, serializer):
        self._ensure_manager()
        fields = {k: v for k, v in serializer.validated_data.items() if k in BATCH_FIELDS}
        serializer.instance = self._call(batch_update, batch=serializer.instance, user=self.request.user, **fields)

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """重新计算本批次全部已提交申报的评分（后台任务），返回任务编号供查询进度。"""
        if request.user.role not in SCORING_ROLES:
            raise PermissionDenied(SCORING_REFUSED)
        job = batch_score_queue(batch=self.get_object(), user=request.user, reason="接口发起")
        return Response({"job": job.pk, "status_url": f"/portal/jobs/{job.pk}/?format=json"},
                        status=status.HTTP_202_ACCEPTED)
