"""绩效指标 pages: the dashboard per role, the records behind a figure, targets (form, Excel import, history) and
the quarterly reports. Thin: the figures come from ``portal.services.kpi``; the region and period are in the URL."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST

from ..indicators import all_indicators, figure_text, get_indicator, growth, percent_text
from ..models import KpiReport, Region
from ..scoping import get_visible_or_404
from ..services import kpi as service

BUREAU = ("county", "city", "province", "admin")


def _bureau(request):
    if request.user.role not in BUREAU:
        raise Http404("页面不存在")


def _region(request, code=None):
    region = service.kpi_region(request.user, code if code is not None else request.GET.get("region"))
    if region is None:
        raise Http404("未找到该地区")
    return region


def _chart_data(rows, breakdown, children, focus, period) -> dict:
    focus_row = next((r for r in rows if r.indicator.code == focus.code), rows[0]) if rows else None
    names = {c.code: c.name for c in children}
    return {
        "indicator": focus.name, "unit": focus.unit, "year": period.year,
        "quarters": [f"第{q}季度" for q in range(1, 5)],
        "current": [float(v) if v is not None else None for v in (focus_row.quarters if focus_row else [])],
        "previous": [float(v) if v is not None else None for v in (focus_row.quarters_previous if focus_row else [])],
        "completion": [{"name": r.indicator.name, "value": float(round(r.completion, 1))}
                       for r in rows if r.completion is not None],
        "regions": [{"name": names[code], "value": float(next(x.ytd for x in sub if x.indicator.code == focus.code)
                                                         or 0)}
                    for code, sub in breakdown.items()],
    }


@login_required
def dashboard(request):
    _bureau(request)
    region = _region(request)
    period = service.Period.parse(request.GET.get("period"))
    indicators = all_indicators()
    focus = get_indicator(request.GET.get("indicator", "")) or indicators[0]
    rows = service.kpi_rows(region=region, period=period, indicators=indicators)
    children = service.child_regions(region)
    breakdown = service.kpi_breakdown(region=region, period=period, indicators=indicators)
    names = {c.code: c.name for c in children}
    focus_index = indicators.index(focus)
    return render(request, "portal/kpi/dashboard.html", {
        "region": region, "period": period, "rows": rows, "focus": focus,
        "ytd": period.year_to_date(), "indicators": indicators,
        "breakdown": [(names[code], code, sub[focus_index]) for code, sub in breakdown.items()],
        "periods": service.period_choices(period.year),
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        "chart": _chart_data(rows, breakdown, children, focus, period),
        "lineage": _lineage(request.user, region),
        "quarter": period.number if period.kind == "quarter" else (period.last_month - 1) // 3 + 1,
        "can_set_targets": request.user.role in service.TARGET_ROLES,
        "has_targets": any(r.target for r in rows),
        "quarter_rows": _quarter_rows(rows[focus_index]),
    })


def _quarter_rows(row) -> list:
    return [(q + 1, figure_text(row.indicator, row.quarters[q]), figure_text(row.indicator, row.quarters_previous[q]),
             percent_text(growth(row.quarters[q], row.quarters_previous[q]))) for q in range(4)]


def _lineage(user, region: Region) -> list[Region]:
    """The way up from the region to the person's own (for the breadcrumb)."""
    chain, current = [], region
    while current is not None:
        chain.append(current)
        if user.region is not None and current.code == user.region.code:
            break
        current = current.parent
    return list(reversed(chain))


@login_required
def records(request):
    """The records behind one figure: the indicator's own records in the region subtree and period."""
    _bureau(request)
    region = _region(request)
    indicator = get_indicator(request.GET.get("indicator", ""))
    if indicator is None:
        raise Http404("未知指标")
    period = service.Period.parse(request.GET.get("period"))
    queryset, filterset = service.kpi_records(indicator=indicator, region=region, period=period,
                                              params=request.GET, request=request)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/kpi/records.html", {
        "region": region, "indicator": indicator, "period": period, "page_obj": page, "filter": filterset,
        "is_paginated": page.has_other_pages(), "querystring": query.urlencode(),
        "headers": [h for h, _ in indicator.columns],
        "lines": [service.record_cells(indicator, obj) for obj in page.object_list],
    })


@login_required
def targets(request):
    """The targets a person may set (the province: itself and its cities; a city: its counties), by year."""
    if request.user.role not in service.TARGET_ROLES:
        raise Http404("页面不存在")
    choices = service.target_regions(request.user)
    if not choices:
        raise Http404("页面不存在")
    code = request.POST.get("region") or request.GET.get("region") or choices[0].code
    region = next((r for r in choices if r.code == code), None)
    if region is None:
        raise Http404("未找到该地区")
    year = service.parse_year(request.POST.get("year") or request.GET.get("year"))
    indicators = all_indicators()
    if request.method == "POST":
        errors, changed = [], 0
        for indicator in indicators:
            absolute = request.POST.get(f"{indicator.code}-absolute", "").strip()
            rate = request.POST.get(f"{indicator.code}-growth", "").strip()
            current = service.current_targets(regions=[region], year=year).get((region.code, indicator.code))
            if not absolute and not rate:
                if current is not None:
                    errors.append(f"{indicator.name}：已设定的目标不能清空，请填写新的目标值")
                continue
            try:
                changed += service.target_set(user=request.user, indicator=indicator.code, region=region,
                                              year=year, absolute=absolute or None, growth_rate=rate or None,
                                              note=request.POST.get("note", "")) is not None
            except ValidationError as exc:
                errors.append(f"{indicator.name}：{'；'.join(exc.messages)}")
        for error in errors:
            messages.error(request, error)
        if changed:
            messages.success(request, f"已保存 {changed} 项目标（原目标保留为历史版本）")
        elif not errors:
            messages.info(request, "目标没有变化")
        return redirect(f"{reverse('portal:kpi-targets')}?region={region.code}&year={year}")
    current = service.current_targets(regions=[region], year=year)
    history = {i.code: list(service.target_history(region=region, year=year, indicator=i.code))
               for i in indicators}
    return render(request, "portal/kpi/targets.html", {
        "region": region, "year": year, "choices": choices,
        "years": list(range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1)),
        "items": [(i, current.get((region.code, i.code)), history[i.code][1:]) for i in indicators],
        "split": service.split_check(region=region, year=year) if region.level == "city" else [],
        "import_errors": request.session.pop("kpi_import_errors", None),
    })


@login_required
@require_POST
def target_import(request):
    if request.user.role not in service.TARGET_ROLES:
        raise Http404("页面不存在")
    choices = {r.code: r for r in service.target_regions(request.user)}
    region = choices.get(request.POST.get("region", ""))
    if region is None:
        raise Http404("未找到该地区")
    upload = request.FILES.get("file")
    back = f"{reverse('portal:kpi-targets')}?region={region.code}&year={service.parse_year(request.POST.get('year'))}"
    if upload is None:
        messages.error(request, "请选择要导入的 Excel 文件")
        return redirect(back)
    try:
        changed = service.target_import(file=upload, region=region, user=request.user)
    except service.ImportRejected as exc:
        request.session["kpi_import_errors"] = exc.errors
        messages.error(request, f"导入失败，共 {len(exc.errors)} 处错误，未导入任何目标")
        return redirect(back)
    messages.success(request, f"导入完成：变更 {changed} 项目标")
    return redirect(back)


@login_required
def target_template(request):
    """An import template in the layout of seed 001's table (序号 | 任务 | 2026年 …), with one row per indicator."""
    if request.user.role not in service.TARGET_ROLES:
        raise Http404("页面不存在")
    from openpyxl import Workbook

    year = service.parse_year(request.GET.get("year"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "年度绩效目标"
    sheet.append(["序号", "任务", "行政区划代码", f"{year}年", f"{year + 1}年"])
    for number, indicator in enumerate(all_indicators(), start=1):
        example = "年均增幅30%" if not indicator.is_ratio else "备案率达到100%"
        sheet.append([number, indicator.name, request.user.region.code if request.user.region else "",
                      example, ""])
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["D"].width = 28
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path('年度绩效目标模板.xlsx')}"
    return response


@login_required
def reports(request):
    _bureau(request)
    region = _region(request)
    stored = KpiReport.objects.visible_to(request.user).filter(region__code__startswith=region.scope_prefix)
    page = Paginator(stored.select_related("region"), 50).get_page(request.GET.get("page"))
    return render(request, "portal/kpi/reports.html", {"region": region, "page_obj": page,
                                                        "is_paginated": page.has_other_pages(),
                                                        "querystring": f"region={region.code}"})


@login_required
def report(request):
    """Prepare the quarterly report of the region now (stored like the scheduled one) and download it."""
    _bureau(request)
    region = _region(request)
    period = service.Period.parse(request.GET.get("period"))
    quarter = _int(request.GET.get("quarter"), 1, 4) or (period.last_month - 1) // 3 + 1
    year = service.parse_year(request.GET.get("year") or period.year)
    fmt = request.GET.get("format", "xlsx")
    built = service.report_build(region=region, year=year, quarter=quarter, user=request.user,
                                 with_pdf=fmt == "pdf")
    return _file(built, fmt)


def _int(value, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


@login_required
def report_file(request, pk: int, fmt: str):
    _bureau(request)
    built = get_visible_or_404(KpiReport.objects, request.user, pk=pk)
    if fmt == "pdf" and not built.pdf:
        built = service.report_build(region=built.region, year=built.year, quarter=built.quarter,
                                     user=request.user)
    return _file(built, fmt)


def _file(built: KpiReport, fmt: str):
    field = built.pdf if fmt == "pdf" else built.xlsx
    name = f"{built.region.name}{built.year}年第{built.quarter}季度绩效报告.{'pdf' if fmt == 'pdf' else 'xlsx'}"
    return FileResponse(field.open("rb"), as_attachment=fmt != "pdf", filename=name)


urlpatterns = [
    path("", dashboard, name="kpi-dashboard"),
    path("records/", records, name="kpi-records"),
    path("targets/", targets, name="kpi-targets"),
    path("targets/import/", target_import, name="kpi-target-import"),
    path("targets/template.xlsx", target_template, name="kpi-target-template"),
    path("reports/", reports, name="kpi-reports"),
    path("reports/now/", report, name="kpi-report"),
    path("reports/<int:pk>/<str:fmt>/", report_file, name="kpi-report-file"),
]
