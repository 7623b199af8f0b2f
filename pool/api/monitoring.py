"""API of the yearly monitoring (年度监测): the reporting years (the province opens one), the monitoring summary
(每年监测汇总) with a report's detail, submission and the county's verification. Same FilterSets, scoping and
services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portal.api import bounded as serializers  # DRF's, with every input field bounded
from portal.api.base import ScopedViewSetMixin

from ..filters.monitoring import MonitoringFilter, ReportingYearFilter
from ..lifecycle.workflow import StepError
from ..models import MonitoringReport, MonitoringStatus, ReportingYear
from ..services.lifecycle.monitoring import (
    BUREAU_ROLES,
    VIEW_ROLES,
    ReportInvalid,
    report_accept,
    report_return,
    report_steps,
    report_submit,
    reporting_year_open,
    summary_list,
    summary_values,
)


class ReportingYearSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = ReportingYear
        fields = ["id", "year", "region", "region_name", "opens_on", "deadline", "note", "evaluated_at",
                  "created_at"]
        read_only_fields = ["region", "evaluated_at", "created_at"]
        # one per province and year is the service's rule (with a Chinese message), not the serializer's
        validators = []


def _validation(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class ReportingYearViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, viewsets.GenericViewSet):
    """年度监测：省级主管部门开启某年度的监测填报（每省每年一次），本省各级主管部门与企业可见。"""

    queryset = ReportingYear.objects.all()
    serializer_class = ReportingYearSerializer
    filterset_class = ReportingYearFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return ReportingYear.objects.visible_to(self.request.user).select_related("region").order_by("-year", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = reporting_year_open(user=self.request.user, year=data["year"],
                                                      opens_on=data["opens_on"], deadline=data["deadline"],
                                                      note=data.get("note", ""))
        except DjangoValidationError as error:
            raise _validation(error) from error


class MonitoringReportSerializer(serializers.ModelSerializer):
    """One row of the summary: the member, the status and the figures of the submitted version."""

    enterprise_name = serializers.CharField(source="membership.enterprise_name", read_only=True)
    uscc = serializers.CharField(source="membership.uscc", read_only=True)
    region = serializers.CharField(source="membership.region_id", read_only=True)
    region_name = serializers.CharField(source="membership.region.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    deadline = serializers.DateField(source="reporting_year.deadline", read_only=True)
    revenue = serializers.SerializerMethodField(help_text="营业收入（元）")
    profit = serializers.SerializerMethodField(help_text="利润总额（元）")
    rnd_expense = serializers.SerializerMethodField(help_text="研发投入（元）")
    patents_granted = serializers.SerializerMethodField(help_text="当年授权专利数")
    rate = serializers.SerializerMethodField(help_text="专利产业化率（百分数文字，系统按入库标准第 5 条计算）")
    rate_used = serializers.SerializerMethodField(help_text="用于在售产品的计入专利数")
    rate_counted = serializers.SerializerMethodField(help_text="计入专利数")
    new_products = serializers.SerializerMethodField(help_text="入库后新增备案并认定的专利密集型产品数")
    late = serializers.SerializerMethodField(help_text="首次提交晚于截止日期")
    first_submitted_on = serializers.SerializerMethodField()
    verified_on = serializers.SerializerMethodField(help_text="县级核实通过的日期")

    class Meta:
        model = MonitoringReport
        fields = ["id", "membership", "enterprise_name", "uscc", "region", "region_name", "year", "reporting_year",
                  "deadline", "status", "status_label", "revision_number", "revenue", "profit", "rnd_expense",
                  "patents_granted", "rate", "rate_used", "rate_counted", "new_products", "late",
                  "first_submitted_on", "submitted_at", "verified_on", "comment"]

    def _values(self, report) -> dict:
        if not hasattr(report, "values"):
            report.values = summary_values(report)
        return report.values

    def _money(self, report, key: str) -> str | None:
        value = self._values(report)[key]
        return None if value is None else format(value, "f")

    def get_revenue(self, report) -> str | None:
        return self._money(report, "revenue")

    def get_profit(self, report) -> str | None:
        return self._money(report, "profit")

    def get_rnd_expense(self, report) -> str | None:
        return self._money(report, "rnd_expense")

    def get_patents_granted(self, report) -> int | None:
        return self._values(report)["patents_granted"]

    def get_rate(self, report) -> str:
        return self._values(report)["rate"]

    def get_rate_used(self, report) -> int | None:
        return self._values(report)["rate_used"]

    def get_rate_counted(self, report) -> int | None:
        return self._values(report)["rate_counted"]

    def get_new_products(self, report) -> int | None:
        return self._values(report)["new_products"]

    def get_late(self, report) -> bool:
        return self._values(report)["late"]

    def get_first_submitted_on(self, report) -> str | None:
        day = self._values(report)["first_submitted_on"]
        return day.isoformat() if day else None

    def get_verified_on(self, report) -> str | None:
        return report.verified_at.date().isoformat() if report.status == MonitoringStatus.ACCEPTED and \
            report.verified_at else None


class MonitoringReportDetailSerializer(MonitoringReportSerializer):
    data = serializers.SerializerMethodField(help_text="最近一次提交的填报内容（草稿内容仅企业本身可见）")
    figures = serializers.JSONField(read_only=True, help_text="提交时核算的数据（规则读取的快照）")
    actions = serializers.SerializerMethodField(help_text="当前用户可办理的操作")

    class Meta(MonitoringReportSerializer.Meta):
        fields = [*MonitoringReportSerializer.Meta.fields, "data", "figures", "actions"]

    def get_data(self, report) -> dict:
        user = self.context["request"].user
        if user.organisation_id == report.membership.enterprise_id:
            return report.data
        revision = report.revisions.order_by("-number").first()
        return revision.data if revision else {}

    def get_actions(self, report) -> list[dict]:
        user = self.context["request"].user
        return [{"to": s.target, "label": s.label} for s in report_steps(user, report)]


class VerifySerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class MonitoringReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """每年监测汇总：每家应报企业每年一行（县级看本县，市级看所辖县，省级看全省，企业看本企业）；提交与县级核实。"""

    queryset = MonitoringReport.objects.all()
    serializer_class = MonitoringReportSerializer
    filterset_class = MonitoringFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        if self.request.user.role not in VIEW_ROLES:
            return MonitoringReport.objects.none()
        queryset = summary_list(user=self.request.user)
        return queryset if self.action == "list" else queryset.defer(None).select_related(
            "membership__criteria_set")

    def get_serializer_class(self):
        return MonitoringReportSerializer if self.action == "list" else MonitoringReportDetailSerializer

    def _done(self, report) -> Response:
        report = self.get_queryset().get(pk=report.pk)
        return Response(MonitoringReportDetailSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: MonitoringReportDetailSerializer, 400: dict, 409: dict})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """企业提交（或重新提交）本企业的监测报告：完整校验后冻结为新版本；逾期仍可提交并标记为逾期。"""
        report = self.get_object()
        if request.user.organisation_id != report.membership.enterprise_id:
            raise Http404("未找到该监测报告")
        try:
            report = report_submit(report=report, user=request.user)
        except ReportInvalid as error:
            return Response({"detail": error.messages[0], "errors": error.field_errors},
                            status=status.HTTP_400_BAD_REQUEST)
        except StepError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return self._done(report)

    @extend_schema(request=VerifySerializer, responses={200: MonitoringReportDetailSerializer, 409: dict})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """县级核实通过；企业申报的重大事项记入违规失信记录。"""
        return self._verify(request, report_accept)

    @extend_schema(request=VerifySerializer, responses={200: MonitoringReportDetailSerializer, 400: dict,
                                                        409: dict})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """县级退回修改（须填写意见）；企业修改后重新提交。"""
        return self._verify(request, report_return)

    def _verify(self, request, service) -> Response:
        if request.user.role not in BUREAU_ROLES:
            raise Http404("未找到该监测报告")
        report = self.get_object()
        given = VerifySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            report = service(report=report, user=request.user, comment=given.validated_data["comment"])
        except StepError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise _validation(error) from error
        return self._done(report)
