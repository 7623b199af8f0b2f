"""API of the indicators, their targets and actuals (``/api/kpi/…``), scoped like the pages: a person reads the
figures of their own region and the regions below it; any other region answers 404."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..indicators import all_indicators, get_indicator
from ..models import KpiTarget, Region
from ..services import kpi as service
from . import bounded as serializers  # DRF's, with every input field bounded

BUREAU = ("county", "city", "province", "admin")
REGION = OpenApiParameter("region", str, description="行政区划代码（默认为本人所在地区）")
PERIOD = OpenApiParameter("period", str, description="期间：2026、2026Q3、2026M07，或累计 2026Q3C、2026M07C（默认本季度）")
YEAR = OpenApiParameter("year", int, description="年度（默认今年）")


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    group = serializers.CharField()
    period = serializers.CharField(help_text="期间口径")
    region = serializers.CharField(help_text="地区口径")
    ratio = serializers.BooleanField(help_text="是否为比率（%）")


class TargetSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = KpiTarget
        fields = ["id", "indicator", "region", "region_name", "year", "absolute", "growth_rate", "version",
                  "is_current", "source", "note", "entered_at"]
        read_only_fields = ["id", "version", "is_current", "source", "entered_at"]


class TargetInputSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    region = serializers.CharField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    absolute = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True)
    growth_rate = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class RowSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="本期")
    previous = serializers.FloatField(allow_null=True, help_text="去年同期")
    growth = serializers.FloatField(allow_null=True, help_text="同比增长（%）；去年为零时为 null（页面显示“—”）")
    ytd = serializers.FloatField(allow_null=True, help_text="年初至本期末")
    ytd_previous = serializers.FloatField(allow_null=True)
    ytd_growth = serializers.FloatField(allow_null=True)
    quarters = serializers.ListField(child=serializers.FloatField(allow_null=True))
    quarters_previous = serializers.ListField(child=serializers.FloatField(allow_null=True))
    target = serializers.DictField(allow_null=True)
    target_value = serializers.FloatField(allow_null=True)
    completion = serializers.FloatField(allow_null=True, help_text="完成率（%）：年初至今 ÷ 年度目标")


class BureauAPIView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.user.role not in BUREAU:
            raise Http404

    def region(self, code=None) -> Region:
        region = service.kpi_region(self.request.user, code if code is not None else
                                    self.request.query_params.get("region"))
        if region is None:
            raise Http404
        return region


class IndicatorList(BureauAPIView):
    @extend_schema(responses=IndicatorSerializer(many=True), summary="指标目录")
    def get(self, request):
        return Response([i.describe() for i in all_indicators()])


class Actuals(BureauAPIView):
    @extend_schema(parameters=[REGION, PERIOD], summary="指标实绩与目标完成情况",
                   responses=inline_serializer("KpiActuals", {
                       "region": serializers.CharField(), "region_name": serializers.CharField(),
                       "period": serializers.CharField(), "period_label": serializers.CharField(),
                       "rows": RowSerializer(many=True),
                       "breakdown": serializers.DictField(child=serializers.ListField(), help_text="下级地区")}))
    def get(self, request):
        region = self.region()
        period = service.Period.parse(request.query_params.get("period"))
        rows = service.kpi_rows(region=region, period=period)
        breakdown = service.kpi_breakdown(region=region, period=period)
        return Response({"region": region.code, "region_name": region.name, "period": period.token,
                         "period_label": period.label, "rows": [r.as_dict() for r in rows],
                         "breakdown": {code: [r.as_dict() for r in sub] for code, sub in breakdown.items()}})


class Targets(BureauAPIView):
    @extend_schema(parameters=[REGION, YEAR, OpenApiParameter("history", OpenApiTypes.BOOL,
                                                                description="含历史版本")],
                   responses=TargetSerializer(many=True), summary="年度目标（本地区及下级）")
    def get(self, request):
        region = self.region()
        year = service.parse_year(request.query_params.get("year"))
        targets = KpiTarget.objects.visible_to(request.user).filter(
            region__code__startswith=region.scope_prefix, year=year).select_related("region")
        if request.user.role in ("county", "city", "province") and request.user.region is not None:
            targets = targets.filter(region__code__startswith=request.user.region.scope_prefix)
        if request.query_params.get("history") not in ("1", "true"):
            targets = targets.filter(is_current=True)
        return Response(TargetSerializer(targets.order_by("region", "indicator", "-version"), many=True).data)

    @extend_schema(request=TargetInputSerializer, responses={201: TargetSerializer, 200: TargetSerializer},
                   summary="设定年度目标（变更保留历史版本）")
    def post(self, request):
        data = TargetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        region = self.region(values["region"])
        try:
            target = service.target_set(user=request.user, indicator=values["indicator"], region=region,
                                        year=values["year"], absolute=values.get("absolute"),
                                        growth_rate=values.get("growth_rate"), source="api",
                                        note=values.get("note", ""))
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from exc
        if target is None:
            current = KpiTarget.objects.get(indicator=values["indicator"], region=region, year=values["year"],
                                            is_current=True)
            return Response(TargetSerializer(current).data, status=status.HTTP_200_OK)
        return Response(TargetSerializer(target).data, status=status.HTTP_201_CREATED)


class Records(BureauAPIView):
    @extend_schema(parameters=[REGION, PERIOD, OpenApiParameter("indicator", str, required=True, description="指标代码"),
                               OpenApiParameter("page", int, description="页码（每页 50 条）")],
                   summary="数字背后的记录（可加该类记录列表页的筛选参数）",
                   responses=inline_serializer("KpiRecords", {
                       "indicator": serializers.CharField(), "count": serializers.IntegerField(),
                       "page": serializers.IntegerField(), "pages": serializers.IntegerField(),
                       "columns": serializers.ListField(child=serializers.CharField()),
                       "results": serializers.ListField(child=serializers.ListField())}))
    def get(self, request):
        region = self.region()
        indicator = get_indicator(request.query_params.get("indicator", ""))
        if indicator is None:
            raise Http404
        period = service.Period.parse(request.query_params.get("period"))
        queryset, _ = service.kpi_records(indicator=indicator, region=region, period=period,
                                          params=request.query_params, request=request)
        page = Paginator(queryset, 50).get_page(request.query_params.get("page"))
        cells = [[_json(v) for v in service.record_cells(indicator, obj)] for obj in page.object_list]
        return Response({"indicator": indicator.code, "count": page.paginator.count, "page": page.number,
                         "pages": page.paginator.num_pages, "columns": [h for h, _ in indicator.columns],
                         "results": cells})


def _json(value):
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


urlpatterns = [
    path("indicators/", IndicatorList.as_view(), name="api-kpi-indicators"),
    path("actuals/", Actuals.as_view(), name="api-kpi-actuals"),
    path("targets/", Targets.as_view(), name="api-kpi-targets"),
    path("records/", Records.as_view(), name="api-kpi-records"),
]
