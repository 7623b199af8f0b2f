"""Yearly monitoring pages (年度监测): the reporting years (the province opens one), the enterprise's reports and
its form (autosaved like the application form, with the industrialisation rate counted live beside the patent
list), a report's page with the county's verification, the monitoring summary of a year with its Excel export,
and the county's overdue list (逾期未报). Every read is scoped (out of scope → 404), every change a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from portal.http import login_required_json
from portal.scoping import get_visible_or_404
from portal.views.exports import export_response
from portal.views.mixins import FilteredListView

from ..exports.monitoring import MonitoringSummaryExporter
from ..filters.monitoring import MonitoringFilter, ReportingYearFilter
from ..forms import PatentImportForm, ReportingYearForm, ReportVerifyForm
from ..lifecycle.monitoring_schema import EDITABLE, REPORT_STEPS, SECTIONS, report_errors
from ..lifecycle.snapshot import Snapshot
from ..lifecycle.workflow import StepError, find_step
from ..models import MisconductRecord, MonitoringReport, MonitoringStatus, ReportingYear
from ..patent_excel import PatentImportError
from ..presenters import form_sections, read_sections
from ..services.lifecycle.monitoring import (
    BUREAU_ROLES,
    VIEW_ROLES,
    YEAR_ROLES,
    ReportInvalid,
    open_years_without_report,
    overdue_list,
    own_reports,
    rate_of,
    report_accept,
    report_autosave,
    report_patents_import,
    report_return,
    report_start,
    report_steps,
    report_submit,
    report_submit_check,
    reporting_year_open,
    summary_list,
    summary_values,
    year_counts,
)
from ..validation import errors_by_section
from .review import params_of

S = MonitoringStatus


def _ensure_role(request, roles) -> None:
    if request.user.role not in roles:
        raise Http404("页面不存在")


def _detail_queryset():
    return MonitoringReport.objects.select_related("membership__region", "membership__criteria_set",
                                                   "reporting_year", "verified_by")


def _own_report(request, pk) -> MonitoringReport:
    """The enterprise's own report; anyone else gets 404, whatever they may otherwise see."""
    report = get_visible_or_404(_detail_queryset(), request.user, pk=pk)
    if request.user.organisation_id != report.membership.enterprise_id:
        raise Http404("未找到该监测报告")
    return report


def _message(error) -> str:
    return error.messages[0] if isinstance(error, ValidationError) else str(error)


# --- reporting years ---------------------------------------------------------------------------------------------

class ReportingYearListView(FilteredListView):
    """年度监测 — the reporting years of the province, with each year's progress in the person's scope; the
    province opens a new one here (POST), and a refused one comes back with its errors at the fields, input kept."""

    model = ReportingYear
    filterset_class = ReportingYearFilter
    roles = BUREAU_ROLES
    template_name = "pool/monitoring/years.html"
    form = None

    def base_queryset(self):
        return ReportingYear.objects.visible_to(self.request.user).select_related("region").order_by("-year", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = year_counts(user=self.request.user)
        for reporting_year in context["object_list"]:
            reporting_year.counts = counts.get(reporting_year.pk, {})
        today = timezone.localdate()
        form = self.form
        if form is None and self.request.user.role in YEAR_ROLES:
            form = ReportingYearForm(initial={"year": today.year - 1 if today.month < 7 else today.year,
                                              "opens_on": today})
        return {**context, "year_form": form, "today": today}

    def post(self, request, *args, **kwargs):
        _ensure_role(request, YEAR_ROLES)
        form = ReportingYearForm(request.POST)
        if form.is_valid():
            try:
                reporting_year = reporting_year_open(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"已开启 {reporting_year.year} 年度监测，填报截止 "
                                          f"{reporting_year.deadline}，已通知入库企业。")
                return redirect("pool:reporting-year-list")
        self.form = form
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(), status=400)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- the summary, the overdue list, the export ---------------------------------------------------------------------

class MonitoringSummaryView(FilteredListView):
    """每年监测汇总 — every member and year of the person's scope: status and the submitted figures."""

    model = MonitoringReport
    filterset_class = MonitoringFilter
    roles = BUREAU_ROLES
    template_name = "pool/monitoring/summary.html"

    def base_queryset(self):
        return summary_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for report in context["object_list"]:
            report.values = summary_values(report)
        return {**context, "today": timezone.localdate()}


class OverdueView(MonitoringSummaryView):
    """逾期未报 — members of the person's scope that have not submitted by a deadline that has passed."""

    template_name = "pool/monitoring/overdue.html"

    def base_queryset(self):
        return overdue_list(user=self.request.user)


@login_required
@require_GET
def monitoring_export(request):
    _ensure_role(request, BUREAU_ROLES)
    return export_response(MonitoringSummaryExporter(user=request.user, params=params_of(request)))


# --- the enterprise's reports ----------------------------------------------------------------------------------

@login_required
@require_GET
def my_reports(request):
    """我的年度监测 — the enterprise's reports and the open years it has not started."""
    _ensure_role(request, ("enterprise",))
    reports = list(own_reports(user=request.user))
    for report in reports:
        report.values = summary_values(report)
    return render(request, "pool/monitoring/mine.html", {
        "reports": reports, "years": open_years_without_report(user=request.user), "editable": EDITABLE,
        "today": timezone.localdate()})


@login_required
@require_POST
def report_start_view(request, pk):
    """Start (or continue) the enterprise's report for a reporting year."""
    _ensure_role(request, ("enterprise",))
    reporting_year = get_visible_or_404(ReportingYear.objects, request.user, pk=pk)
    try:
        report = report_start(reporting_year=reporting_year, user=request.user)
    except StepError as error:
        messages.error(request, str(error))
        return redirect("pool:monitoring-mine")
    if report.status not in EDITABLE:
        return redirect("pool:monitoring-detail", pk=report.pk)
    return redirect("pool:monitoring-edit", pk=report.pk)


def _rate_context(report: MonitoringReport, data: dict) -> dict:
    baseline = Snapshot.from_dict(report.membership.baseline)
    return {"rate": rate_of(report, data), "report": report,
            "late": timezone.localdate() > report.reporting_year.deadline,
            "baseline_rate": baseline and {"used": baseline.rate_used, "counted": baseline.rate_counted}}


def _rate_html(request, report: MonitoringReport) -> str:
    return render_to_string("pool/monitoring/_rate.html", _rate_context(report, report.data), request=request)


def _form_context(request, report: MonitoringReport, errors: dict) -> dict:
    data = report.data or {}
    sections = form_sections(data, errors, SECTIONS)
    step = find_step(REPORT_STEPS, report.status, S.SUBMITTED)
    return {
        "report": report, "sections": sections, "errors": errors,
        "tabs": [{"key": s["key"], "label": s["label"], "error_count": s["error_count"]} for s in sections],
        "active_tab": request.GET.get("tab", "figures"), "submit_label": step.label if step else "提交",
        "import_form": PatentImportForm(), "import_errors": request.session.pop("patent_import_errors", []),
        **_rate_context(report, data),
    }


@login_required
def report_edit(request, pk):
    report = _own_report(request, pk)
    if report.status not in EDITABLE:
        return redirect("pool:monitoring-detail", pk=pk)
    if request.method == "POST":  # the form without JavaScript: save every section at once
        try:
            result = report_autosave(report=report, user=request.user, post=request.POST)
        except StepError as error:
            messages.error(request, str(error))
            return redirect("pool:monitoring-detail", pk=pk)
        messages.success(request, "草稿已保存。" if not result.errors else
                         f"草稿已保存，有 {len(result.errors)} 处需要修改（已在对应位置标出）。")
        return redirect(f"{request.path}?tab={request.POST.get('tab', 'figures')}")
    return render(request, "pool/monitoring/form.html", _form_context(request, report, report_errors(report.data)))


@login_required_json
@require_POST
def report_autosave_view(request, pk):
    report = _own_report(request, pk)
    try:
        result = report_autosave(report=report, user=request.user, post=request.POST)
    except StepError as error:
        return JsonResponse({"ok": False, "message": str(error)}, status=409)
    return JsonResponse({
        "ok": True, "saved_at": result.report.autosaved_at.isoformat(), "sections": result.sections,
        "errors": result.errors, "error_counts": errors_by_section(result.errors), "rate": result.rate,
        # the panel beside the form (the application form's pre-check slot): the live industrialisation rate
        "precheck_html": _rate_html(request, result.report),
    }, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def report_submit_view(request, pk):
    """Checked first, confirmed second: the person is asked to confirm only a submission that will go through."""
    report = _own_report(request, pk)
    try:
        if request.POST.get("confirmed") != "1":
            report_submit_check(report=report, user=request.user)
            step = find_step(REPORT_STEPS, report.status, S.SUBMITTED)
            return render(request, "pool/monitoring/submit_confirm.html", {
                **_rate_context(report, report.data or {}), "submit_label": step.label if step else "提交"})
        report = report_submit(report=report, user=request.user)
    except ReportInvalid as error:
        messages.error(request, error.messages[0])
        context = _form_context(request, report, error.field_errors)
        context["submit_errors"] = error.field_errors
        context["active_tab"] = next(iter(error.field_errors)).split(".", 1)[0]
        return render(request, "pool/monitoring/form.html", context, status=400)
    except (ValidationError, StepError) as error:
        messages.error(request, _message(error))
        return redirect("pool:monitoring-edit", pk=pk)
    late = timezone.localdate(report.submitted_at) > report.reporting_year.deadline
    messages.success(request, f"{report.year} 年度监测报告已提交{'（逾期提交）' if late else ''}，等待县级主管部门核实。")
    return redirect("pool:monitoring-detail", pk=pk)


@login_required
@require_POST
def report_patents_import_view(request, pk):
    report = _own_report(request, pk)
    back = f"{reverse('pool:monitoring-edit', args=[pk])}?tab=patents"
    form = PatentImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的 Excel 文件。")
        return redirect(back)
    try:
        count = report_patents_import(report=report, user=request.user, content=form.cleaned_data["file"].read(),
                                      mode=form.cleaned_data["mode"])
    except PatentImportError as error:
        request.session["patent_import_errors"] = error.errors[:200]
        messages.error(request, f"导入失败，共 {len(error.errors)} 处错误，未导入任何数据。请修改后重新导入。")
    except StepError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已导入 {count} 件专利。")
    return redirect(back)


# --- a report's page and the county's verification ------------------------------------------------------------------

def verify_steps(user, report: MonitoringReport) -> list:
    """The county's buttons on a submitted report (accept, return), from ``REPORT_STEPS``."""
    return [s for s in report_steps(user, report) if s.target != S.SUBMITTED]


def detail_context(request, report: MonitoringReport, *, verify_form: ReportVerifyForm | None = None) -> dict:
    user = request.user
    revisions = list(report.revisions.select_related("submitted_by").order_by("-number"))
    wanted = request.GET.get("revision", "")
    shown = next((r for r in revisions if str(r.number) == wanted), revisions[0] if revisions else None)
    is_own = user.organisation_id == report.membership.enterprise_id
    steps = verify_steps(user, report)
    report.first_submitted_at = revisions[-1].submitted_at if revisions else None
    return {
        "report": report, "revisions": revisions, "shown": shown, "is_own": is_own,
        "sections": read_sections(shown.data, SECTIONS) if shown else [],
        "values": summary_values(report), "editable": is_own and report.status in EDITABLE,
        "can_verify": bool(steps), "verify_form": verify_form or (ReportVerifyForm(steps=steps) if steps else None),
        "misconduct": MisconductRecord.objects.filter(membership_id=report.membership_id,
                                                      source_key__startswith=f"report:{report.pk}:"),
        "rate": {"used": shown.figures.get("rate_used"), "counted": shown.figures.get("rate_counted")}
        if shown and shown.figures else None,
    }


@login_required
@require_GET
def report_detail(request, pk):
    _ensure_role(request, VIEW_ROLES)
    report = get_visible_or_404(_detail_queryset(), request.user, pk=pk)
    return render(request, "pool/monitoring/detail.html", detail_context(request, report))


@login_required
@require_POST
def report_verify_view(request, pk):
    """The county accepts the report or returns it with a comment; a refusal keeps what was typed."""
    _ensure_role(request, BUREAU_ROLES)
    report = get_visible_or_404(_detail_queryset(), request.user, pk=pk)
    form = ReportVerifyForm(request.POST, steps=[s for s in REPORT_STEPS if s.source == S.SUBMITTED])
    if form.is_valid():
        decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
        try:
            if decision == S.ACCEPTED:
                report = report_accept(report=report, user=request.user, comment=comment)
            else:
                report = report_return(report=report, user=request.user, comment=comment)
        except StepError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"已{'核实通过' if decision == S.ACCEPTED else '退回修改'}："
                                      f"{report.membership.enterprise_name} {report.year} 年度监测报告。")
            return redirect("pool:monitoring-detail", pk=pk)
    context = detail_context(request, report, verify_form=form)
    context["can_verify"] = True
    return render(request, "pool/monitoring/detail.html", context, status=400)
