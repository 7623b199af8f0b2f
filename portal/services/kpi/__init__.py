"""Targets and actuals of the indicators (DESIGN §8): periods, figures against targets, target versions and their
Excel import, and the quarterly report.

Reads are selectors (``kpi_*``), writes are services (``target_set``, ``target_import``, ``report_build``); views,
the API and the beat job all call these.
"""

from .actuals import FIGURE_PARAMS, Row, kpi_breakdown, kpi_records, kpi_rows, record_cells, split_check
from .imports import ImportRejected, match_indicator, parse_target_cell, parse_target_workbook, target_import
from .periods import Period, month_end, parse_year, period_choices
from .reports import (
    REPORT_HEADERS,
    QuarterlyReportByRegionExporter,
    QuarterlyReportExporter,
    previous_quarter,
    report_build,
    report_context,
    report_exporter,
    report_lines,
    reports_prepare,
)
from .summary import summary_ensure, summary_rebuild, summary_values, summary_values_by_subregion
from .targets import (
    CHILD_LEVEL,
    TARGET_ROLES,
    can_set_target,
    child_regions,
    current_targets,
    kpi_region,
    target_history,
    target_regions,
    target_set,
    target_text,
)

__all__ = [
    "CHILD_LEVEL", "FIGURE_PARAMS", "REPORT_HEADERS", "TARGET_ROLES", "ImportRejected", "Period", "QuarterlyReportByRegionExporter",
    "QuarterlyReportExporter", "Row", "can_set_target", "child_regions", "current_targets", "kpi_breakdown",
    "kpi_records", "kpi_region", "kpi_rows", "record_cells", "match_indicator", "month_end", "parse_target_cell", "parse_target_workbook",
    "parse_year", "period_choices", "previous_quarter", "report_build", "report_context", "report_exporter",
    "report_lines", "reports_prepare", "split_check", "summary_ensure", "summary_rebuild", "summary_values", "summary_values_by_subregion",
    "target_history", "target_import", "target_regions",
    "target_set", "target_text",
]
