"""The quarterly report (seed 001's table: Excel through portal.exports, and a PDF), stored and prepared after each
quarter."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ...exports import Column, Exporter
from ...indicators import all_indicators
from ...models import KpiReport, Organisation, Region, User
from ..audit import audit
from ..notifications import notify_on_commit
from .actuals import Row, kpi_breakdown, kpi_rows
from .periods import Period
from .targets import CHILD_LEVEL, child_regions, target_text

REPORT_HEADERS = ["序号", "任务", "年度绩效目标", "完成情况", "完成率", "同比增长"]


def report_lines(rows: list[Row]) -> list[list]:
    """Rows in the shape of seed 001's table: the year to the quarter's end against the year's target."""
    lines = []
    for number, row in enumerate(rows, start=1):
        unit = "" if row.indicator.is_ratio else row.indicator.unit
        done = row.text("ytd") + ("" if row.ytd is None else unit)
        lines.append([number, row.indicator.name, target_text(row.indicator, row.target), done,
                      row.text("completion"), row.text("ytd_growth")])
    return lines


class QuarterlyReportExporter(Exporter):
    """季度绩效报告 — one sheet in the shape of seed 001's table: the year to the quarter's end against the year's
    targets. Params: ``region``, ``year``, ``quarter``."""

    columns = [Column(header, (lambda line, i=i: line[i]), width=w)
               for i, (header, w) in enumerate(zip(REPORT_HEADERS, [6, 46, 30, 18, 10, 10], strict=True))]
    summary_headers = REPORT_HEADERS

    def __init__(self, *, user, params: dict | None = None):
        super().__init__(user=user, params=params)
        self.region = Region.objects.get(code=self.params["region"])
        # the quarter itself: its rows carry the year to date the report shows, and are the dashboard's own figures
        self.period = Period(int(self.params["year"]), "quarter", int(self.params["quarter"]))
        self.title = f"{self.region.name}{self.period.year}年第{self.params['quarter']}季度绩效"
        self.filename = f"kpi-{self.region.code}-{self.period.year}Q{self.params['quarter']}"
        self.content: dict | None = None  # report_context(), when the caller has it already

    def own_lines(self) -> list[list]:
        if self.content is not None:
            return self.content["lines"]
        return report_lines(kpi_rows(region=self.region, period=self.period))

    def child_lines(self) -> list[tuple[str, list[list]]]:
        if self.content is not None:
            return self.content["children"]
        names = {r.code: r.name for r in child_regions(self.region)}
        return [(names[code], report_lines(rows))
                for code, rows in kpi_breakdown(region=self.region, period=self.period).items()]

    def objects(self):
        return self.own_lines()


class QuarterlyReportByRegionExporter(QuarterlyReportExporter):
    """The same with the region's own figures on the summary sheet and one sheet per sub-region (the province
    one per city, a city one per county)."""

    def objects(self):
        for name, lines in self.child_lines():
            for line in lines:
                yield (name, line)

    def group_of(self, obj):
        return obj[0]

    def row_of(self, obj):
        return obj[1]

    def summary_rows(self, sheets):
        yield from self.own_lines()

    def count(self):
        return len(all_indicators()) * (len(child_regions(self.region)) + 1)


def report_exporter(*, region: Region, year: int, quarter: int, user: User | None) -> QuarterlyReportExporter:
    params = {"region": region.code, "year": year, "quarter": quarter}
    cls = QuarterlyReportByRegionExporter if region.level in CHILD_LEVEL else QuarterlyReportExporter
    return cls(user=user, params=params)


def report_build(*, region: Region, year: int, quarter: int, user: User | None = None,
                 with_pdf: bool = True) -> KpiReport:
    """Prepare (or prepare again) the quarterly report of a region and store its Excel and PDF files."""
    from ...pdf import render_pdf

    exporter = report_exporter(region=region, year=year, quarter=quarter, user=user)
    content = report_context(region=region, year=year, quarter=quarter)
    exporter.content = content  # the figures once, for the workbook and the PDF
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "report.xlsx"
        exporter.write(target)
        xlsx = target.read_bytes()
    pdf = render_pdf("portal/kpi/pdf/report.html", content) if with_pdf else None
    with transaction.atomic():
        report = KpiReport.objects.select_for_update().filter(region=region, year=year, quarter=quarter).first()
        if report is None:
            report = KpiReport(region=region, year=year, quarter=quarter)
        for field_file in (report.xlsx, report.pdf):
            if field_file:
                field_file.delete(save=False)
        report.created_by = user
        report.xlsx.save(f"{exporter.filename}.xlsx", ContentFile(xlsx), save=False)
        if pdf is not None:
            report.pdf.save(f"{exporter.filename}.pdf", ContentFile(pdf), save=False)
        report.created_at = timezone.now()
        report.save()
        audit(actor=user, action="kpi.report_built", target=report, actor_name="定时任务",
              data={"region": region.code, "year": year, "quarter": quarter})
    return report


def report_context(*, region: Region, year: int, quarter: int) -> dict:
    period = Period(year, "quarter", quarter)
    names = {r.code: r.name for r in child_regions(region)}
    return {"region": region, "period": period, "ytd": period.year_to_date(), "quarter": quarter, "headers": REPORT_HEADERS,
            "lines": report_lines(kpi_rows(region=region, period=period)),
            "children": [(names[code], report_lines(rows))
                         for code, rows in kpi_breakdown(region=region, period=period).items()],
            "generated_at": timezone.localtime()}


def previous_quarter(today: date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def reports_prepare(*, today: date | None = None) -> int:
    """After a quarter ends: prepare the last quarter's report of every region with a bureau, and tell the
    bureau's staff it is ready. Idempotent: a second run rebuilds the same reports (the notes say so once)."""
    from django.urls import reverse

    year, quarter = previous_quarter(today or timezone.localdate())
    bureaus = (Organisation.objects.filter(kind__in=["county", "city", "province"])
               .select_related("region").order_by("region_id"))
    done = 0
    for bureau in bureaus:
        report = report_build(region=bureau.region, year=year, quarter=quarter)
        recipients = list(User.objects.filter(organisation=bureau, is_active=True))
        url = reverse("portal:kpi-reports") + f"?region={bureau.region_id}"
        notify_on_commit(recipients=recipients, verb="kpi.report_ready",
                         title=f"{year}年第{quarter}季度绩效报告已生成",
                         body=f"{bureau.region.name}{year}年第{quarter}季度绩效指标完成情况报告已生成，可在“绩效报告”中下载。",
                         url=url)
        done += report is not None
    return done
