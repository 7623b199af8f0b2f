from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from portal.api.base import ScopedReadOnlyViewSet

from ..examples import EXAMPLE_FACTS
from ..filters import CriteriaSetFilter, ListEntryFilter, ListImportFilter
from ..models import CriteriaSet, ListEntry, ListImport
from ..services import evaluate_application_facts
from .serializers import (
    CriteriaSetSerializer,
    EvaluationResultSerializer,
    ListEntrySerializer,
    ListImportSerializer,
    PrecheckRequestSerializer,
)


def _plain(value):
    """Validated data back to the JSON shape of ``ApplicationFacts`` (dates and decimals as strings)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return str(value)
    return value


@extend_schema(
    request=PrecheckRequestSerializer, responses={200: EvaluationResultSerializer},
    summary="入库标准预检（不保存）",
    description="按指定入库标准核验一份申报的事实：返回 10 项标准各自的结果与说明、总体结论和综合评分。"
                "缺少的部分按不符合或需人工判断处理；类型错误的字段返回 400 及字段错误。名单命中按统一社会信用代码查询，"
                "仅限本单位的代码或本人有权查看的申报企业的代码；其他代码不提供任何名单信息。",
    examples=[OpenApiExample("符合条件的企业", value={"criteria_set": "huangshi-2024", "on": "2025-06-01",
                                                       "facts": EXAMPLE_FACTS}, request_only=True)],
)
@api_view(["POST"])
def precheck(request):
    serializer = PrecheckRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    result = evaluate_application_facts(_plain(data["facts"]), data["criteria_set"], on=data.get("on"),
                                        viewer=request.user)
    return Response(result.to_dict())


class CriteriaSetViewSet(viewsets.ReadOnlyModelViewSet):
    """入库标准版本: public policy data with parameters and score weights."""

    queryset = CriteriaSet.objects.order_by("code", "-version")
    serializer_class = CriteriaSetSerializer
    filterset_class = CriteriaSetFilter


class ListImportViewSet(ScopedReadOnlyViewSet):
    queryset = ListImport.objects.select_related("imported_by")
    serializer_class = ListImportSerializer
    filterset_class = ListImportFilter


class ListEntryViewSet(ScopedReadOnlyViewSet):
    queryset = ListEntry.objects.all()
    serializer_class = ListEntrySerializer
    filterset_class = ListEntryFilter
