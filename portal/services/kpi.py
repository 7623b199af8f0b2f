"""Targets and actuals of the indicators (DESIGN §8): periods, figures against targets, target versions and their
Excel import, and the quarterly report.

Reads are selectors (``kpi_*``), writes are services (``target_set``, ``target_import``, ``report_build``); views,
the API and the beat job all call these.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..exports import Column, Exporter
from ..indicators import (
    Indicator,
    all_indicators,
    figure_text,
    get_indicator,
    growth,
    percent_text,
    values_by_subregion_many,
    values_many,
)
from ..models import KpiReport, KpiTarget, Organisation, Region, RegionLevel, TargetSource, User
from ..models.regions import SCOPE_DIGITS
from .audit import audit
from .notifications import notify_on_commit

CHILD_LEVEL = {RegionLevel.PROVINCE: RegionLevel.CITY, RegionLevel.CITY: RegionLevel.COUNTY}
TARGET_ROLES = frozenset({"province", "city", "admin"})


# --- periods ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A reporting period: a year, a quarter or a month, or the year to the end of a quarter or month (累计).

    Its token is what the URL carries: ``2026``, ``2026Q3``, ``2026M07``, ``2026Q3C`` (1–9月累计), ``2026M07C``."""

    year: int
    kind: str = "year"  # year | quarter | month
    number: int = 0
    cumulative: bool = False

    TOKEN = re.compile(r"^(\d{4})(?:(Q)([1-4])|(M)(0[1-9]|1[0-2]))?(C)?$")

    @classmethod
    def parse(cls, token: str | None, *, today: date | None = None) -> Period:
        match = cls.TOKEN.match((token or "").strip().upper())
        if not match:
            return cls.current_quarter(today)
        year = int(match.group(1))
        if match.group(2):
            return cls(year, "quarter", int(match.group(3)), bool(match.group(6)))
        if match.group(4):
            return cls(year, "month", int(match.group(5)), bool(match.group(6)))
        return cls(year)

    @classmethod
    def current_quarter(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today.year, "quarter", (today.month - 1) // 3 + 1)

    @property
    def token(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}{'C' if self.cumulative else ''}"
        if self.kind == "month":
            return f"{self.year}M{self.number:02d}{'C' if self.cumulative else ''}"
        return str(self.year)

    @property
    def first_month(self) -> int:
        if self.cumulative or self.kind == "year":
            return 1
        return (self.number - 1) * 3 + 1 if self.kind == "quarter" else self.number

    @property
    def last_month(self) -> int:
        if self.kind == "year":
            return 12
        return self.number * 3 if self.kind == "quarter" else self.number

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return month_end(self.year, self.last_month)

    @property
    def range(self) -> tuple[date, date]:
        return self.start, self.end

    def shifted(self, years: int) -> Period:
        return Period(self.year + years, self.kind, self.number, self.cumulative)

    def year_to_date(self) -> Period:
        """The year up to this period's end (the base of the completion rate)."""
        if self.kind == "year":
            return self
        return Period(self.year, self.kind, self.number, True)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.year}年"
        if self.cumulative:
            return f"{self.year}年1—{self.last_month}月累计"
        if self.kind == "quarter":
            return f"{self.year}年第{self.number}季度"
        return f"{self.year}年{self.number}月"

    def quarters(self) -> list[Period]:
        return [Period(self.year, "quarter", q) for q in range(1, 5)]


def parse_year(value) -> int:
    """A year from the URL; this year for anything else."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def period_choices(year: int) -> list[tuple[str, str]]:
    choices = [(str(year), f"{year}年全年")]
    for q in range(1, 5):
        choices.append((f"{year}Q{q}", f"{year}年第{q}季度"))
    for q in range(2, 4):
        choices.append((f"{year}Q{q}C", f"{year}年1—{q * 3}月累计"))
    for m in range(1, 13):
        choices.append((f"{year}M{m:02d}", f"{year}年{m}月"))
    return choices


# --- regions ----------------------------------------------------------------------------------------------------
def kpi_region(user: User, code: str | None) -> Region | None:
    """The region a person asks figures for, if it is theirs to see: their own region or one below it (the
    operator any). ``None`` for anything else, which the views answer with 404."""
    if user.role not in {"county", "city", "province", "admin"}:
        return None
    own = user.region
    if not code:
        return own if own is not None else Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        return None
    if user.role == "admin" or (own is not None and own.contains(region)):
        return region
    return None


def child_regions(region: Region) -> list[Region]:
    level = CHILD_LEVEL.get(region.level)
    if level is None:
        return []
    return list(Region.objects.filter(parent=region, level=level).order_by("code"))


# --- targets ----------------------------------------------------------------------------------------------------
def current_targets(*, regions: list[Region], year: int) -> dict[tuple[str, str], KpiTarget]:
    targets = KpiTarget.objects.current().filter(region__in=regions, year=year)
    return {(t.region_id, t.indicator): t for t in targets}


def can_set_target(user: User, region: Region) -> tuple[bool, str]:
    """The province sets targets for itself and its cities; a city splits its own over its counties."""
    if user.role == "admin":
        return True, ""
    own = user.region
    if user.role == "province" and own is not None and own.contains(region) and region.level != RegionLevel.COUNTY:
        return True, ""
    if user.role == "city" and own is not None and region.parent_id == own.code:
        return True, ""
    return False, "只有省级可为本省及各市设定目标，市级可将本市目标分解到所辖县（市、区）"


def target_regions(user: User) -> list[Region]:
    own = user.region
    if user.role == "province" and own is not None:
        return [own, *child_regions(own)]
    if user.role == "city" and own is not None:
        return child_regions(own)
    if user.role == "admin":
        return list(Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]).order_by("code"))
    return []


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"不是有效的数值：{value}") from exc


def _target_save(*, indicator: str, region: Region, year: int, absolute, growth_rate, user: User | None,
                 source: str, note: str = "") -> KpiTarget | None:
    """Add the next version of a target; returns None when nothing changed. Call inside a transaction."""
    absolute, growth_rate = _decimal(absolute), _decimal(growth_rate)
    if absolute is None and growth_rate is None:
        raise ValidationError("目标值与增幅目标至少填写一项")
    if absolute is not None and absolute < 0:
        raise ValidationError("目标值不能为负数")
    previous = (KpiTarget.objects.select_for_update()
                .filter(indicator=indicator, region=region, year=year).order_by("-version").first())
    if previous is not None and previous.is_current and (previous.absolute, previous.growth_rate) == (
            absolute, growth_rate):
        return None
    if previous is not None:
        KpiTarget.objects.filter(indicator=indicator, region=region, year=year, is_current=True).update(
            is_current=False)
    target = KpiTarget(indicator=indicator, region=region, year=year, absolute=absolute, growth_rate=growth_rate,
                       version=(previous.version + 1) if previous else 1, source=source, note=note[:300],
                       entered_by=user)
    target.full_clean()
    target.save()
    audit(actor=user, action="kpi.target_set", target=target,
          data={"indicator": indicator, "region": region.code, "year": year, "version": target.version,
                "absolute": str(absolute) if absolute is not None else None,
                "growth_rate": str(growth_rate) if growth_rate is not None else None,
                "previous": ({"absolute": str(previous.absolute) if previous.absolute is not None else None,
                              "growth_rate": str(previous.growth_rate) if previous.growth_rate is not None else None}
                             if previous else None)})
    return target


def target_set(*, user: User, indicator: str, region: Region, year: int, absolute=None, growth_rate=None,
               source: str = TargetSource.FORM, note: str = "") -> KpiTarget | None:
    """Set one target (a new version if it changed)."""
    if get_indicator(indicator) is None:
        raise ValidationError(f"未知指标：{indicator}")
    allowed, reason = can_set_target(user, region)
    if not allowed:
        raise ValidationError(reason)
    with transaction.atomic():
        return _target_save(indicator=indicator, region=region, year=year, absolute=absolute,
                            growth_rate=growth_rate, user=user, source=source, note=note)


def target_history(*, region: Region, year: int, indicator: str):
    return (KpiTarget.objects.filter(region=region, year=year, indicator=indicator)
            .select_related("entered_by").order_by("-version"))


def target_text(indicator: Indicator, target: KpiTarget | None) -> str:
    """The target as the seed's table writes it: 专利数量480件，年均增幅30%."""
    if target is None:
        return "未设定"
    parts = []
    if target.absolute is not None:
        if indicator.is_money and target.absolute >= 10_000_000:
            parts.append(f"{(target.absolute / 100_000_000).normalize():f}亿元")
        elif indicator.is_money and target.absolute >= 10_000:
            parts.append(f"{(target.absolute / 10_000).normalize():f}万元")
        else:
            parts.append(f"{target.absolute.normalize():f}{indicator.unit}")
    if target.growth_rate is not None:
        parts.append(f"年均增幅{target.growth_rate.normalize():f}%")
    return "，".join(parts)


# --- target import (seed 001's table layout) ---------------------------------------------------------------------
class ImportRejected(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


YEAR_HEADER = re.compile(r"^\s*(\d{4})\s*年?\s*$")
GROWTH = re.compile(r"(?:年均)?增幅\s*(?:达到)?\s*(\d+(?:\.\d+)?)\s*%")
ABSOLUTE = re.compile(r"(\d+(?:\.\d+)?)\s*(亿元|万元|元|件|家|项|份|%)")
UNIT_FACTOR = {"亿元": Decimal(100_000_000), "万元": Decimal(10_000)}
REGION_HEADERS = ("行政区划代码", "地区代码", "地区")


def parse_target_cell(text: str, indicator: Indicator) -> tuple[Decimal | None, Decimal | None]:
    """``专利数量480件,年均增幅30%`` → (480, 30); ``成交金额0.75亿元,年均增幅30%`` → (75000000, 30);
    ``备案率达到100%`` → (100, None). Raises ValueError when the cell says nothing usable."""
    text = str(text).strip()
    growth_rate = None
    match = GROWTH.search(text)
    if match:
        growth_rate = Decimal(match.group(1))
        text = text[:match.start()] + text[match.end():]
    absolute = None
    match = ABSOLUTE.search(text)
    if match:
        number, unit = Decimal(match.group(1)), match.group(2)
        if indicator.is_money and unit not in ("亿元", "万元", "元"):
            raise ValueError(f"金额须以元、万元或亿元为单位：{match.group(0)}")
        if not indicator.is_money and unit in ("亿元", "万元", "元"):
            raise ValueError(f"该指标不是金额：{match.group(0)}")
        absolute = number * UNIT_FACTOR.get(unit, Decimal(1))
    elif re.search(r"\d", text):
        raise ValueError(f"无法识别目标值（请写明单位，如 480件、0.75亿元、100%）：{text}")
    if absolute is None and growth_rate is None:
        raise ValueError("未填写目标值或增幅")
    return absolute, growth_rate


def match_indicator(task: str) -> Indicator | None:
    task = re.sub(r"\s+", "", str(task or ""))
    for indicator in all_indicators():
        if task == indicator.name or task == indicator.code or any(alias in task for alias in indicator.aliases):
            return indicator
    return None


def parse_target_workbook(file, *, region: Region, user: User) -> tuple[list[dict], list[str]]:
    """Read the sheet: a header row with 任务 and year columns (2021年 …), an optional 行政区划代码 column; one row
    per indicator. Returns the targets it would set and every problem, by row."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - anything openpyxl cannot read is "not an Excel file" to the person
        raise ImportRejected([f"无法读取 Excel 文件：{exc.__class__.__name__}"]) from exc
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next((i for i, row in enumerate(rows) if any(str(c or "").strip() == "任务" for c in row)), None)
    if header_index is None:
        return [], ["未找到表头：须有“任务”列（可从本页下载模板）"]
    header = [str(c or "").strip() for c in rows[header_index]]
    task_col = header.index("任务")
    region_col = next((header.index(h) for h in REGION_HEADERS if h in header), None)
    year_cols = {}
    for scan in rows[max(0, header_index - 1): header_index + 2]:  # the year row may sit under a merged title
        for col, cell in enumerate(scan):
            match = YEAR_HEADER.match(str(cell or ""))
            if match:
                year_cols[col] = int(match.group(1))
    if not year_cols:
        return [], ["未找到年度列（如“2026年”）"]
    first_data = header_index + 1
    while first_data < len(rows) and any(YEAR_HEADER.match(str(c or "")) for c in rows[first_data]):
        first_data += 1
    found, errors, seen = [], [], {}
    for index in range(first_data, len(rows)):
        row, line = rows[index], index + 1
        cells = [c for c in row if c not in (None, "")]
        if not cells:
            continue
        task = row[task_col] if task_col < len(row) else None
        if not task:
            errors.append(f"第{line}行：“任务”为空")
            continue
        indicator = match_indicator(task)
        if indicator is None:
            errors.append(f"第{line}行：无法识别的指标“{task}”")
            continue
        target_region = region
        if region_col is not None and region_col < len(row) and row[region_col]:
            code = str(row[region_col]).strip()
            target_region = Region.objects.filter(code=code).first() or Region.objects.filter(name=code).first()
            if target_region is None:
                errors.append(f"第{line}行：未知的行政区划“{code}”")
                continue
        allowed, reason = can_set_target(user, target_region)
        if not allowed:
            errors.append(f"第{line}行：{target_region.name}——{reason}")
            continue
        for col, year in year_cols.items():
            cell = row[col] if col < len(row) else None
            if cell in (None, ""):
                continue
            try:
                absolute, growth_rate = parse_target_cell(cell, indicator)
            except ValueError as exc:
                errors.append(f"第{line}行（{year}年）：{exc}")
                continue
            key = (indicator.code, target_region.code, year)
            if key in seen:
                errors.append(f"第{line}行（{year}年）：与第{seen[key]}行重复")
                continue
            seen[key] = line
            found.append({"indicator": indicator.code, "region": target_region, "year": year,
                          "absolute": absolute, "growth_rate": growth_rate, "line": line})
    if not found and not errors:
        errors.append("文件中没有目标数据")
    return found, errors


def target_import(*, file, region: Region, user: User) -> int:
    """Import every target of the file, or none: any bad row rejects the whole file with every row's problem."""
    found, errors = parse_target_workbook(file, region=region, user=user)
    if errors:
        raise ImportRejected(errors)
    changed = 0
    with transaction.atomic():
        for item in found:
            target = _target_save(indicator=item["indicator"], region=item["region"], year=item["year"],
                                  absolute=item["absolute"], growth_rate=item["growth_rate"], user=user,
                                  source=TargetSource.IMPORT, note=f"Excel 导入第{item['line']}行")
            changed += target is not None
        audit(actor=user, action="kpi.targets_imported", comment=f"导入 {len(found)} 项，变更 {changed} 项",
              data={"region": region.code, "rows": len(found), "changed": changed})
    return changed


# --- actuals against targets ------------------------------------------------------------------------------------
@dataclass
class Row:
    """One indicator of a dashboard or report: the period's figure, the year to date, their year-on-year growth,
    the quarters of this and last year, and the target with its completion."""

    indicator: Indicator
    value: Decimal | None
    previous: Decimal | None
    ytd: Decimal | None
    ytd_previous: Decimal | None
    last_year: Decimal | None
    quarters: list
    quarters_previous: list
    target: KpiTarget | None

    @property
    def growth(self) -> Decimal | None:
        return growth(self.value, self.previous)

    @property
    def ytd_growth(self) -> Decimal | None:
        return growth(self.ytd, self.ytd_previous)

    @property
    def target_value(self) -> Decimal | None:
        """The absolute target, or one implied by the growth target over last year's whole-year figure."""
        if self.target is None:
            return None
        if self.target.absolute is not None:
            return self.target.absolute
        if self.target.growth_rate is not None and self.last_year:
            return self.last_year * (1 + self.target.growth_rate / 100)
        return None

    @property
    def completion(self) -> Decimal | None:
        target = self.target_value
        if target is None or target == 0 or self.ytd is None:
            return None
        return self.ytd * 100 / target

    def as_dict(self) -> dict:
        def num(value):
            return None if value is None else float(round(value, 2))

        return {"indicator": self.indicator.code, "name": self.indicator.name, "unit": self.indicator.unit,
                "value": num(self.value), "previous": num(self.previous), "growth": num(self.growth),
                "ytd": num(self.ytd), "ytd_previous": num(self.ytd_previous), "ytd_growth": num(self.ytd_growth),
                "quarters": [num(v) for v in self.quarters],
                "quarters_previous": [num(v) for v in self.quarters_previous],
                "target": ({"absolute": num(self.target.absolute), "growth_rate": num(self.target.growth_rate),
                            "version": self.target.version} if self.target else None),
                "target_value": num(self.target_value), "completion": num(self.completion)}

    # text for tables and the report
    def text(self, name: str) -> str:
        value = getattr(self, name)
        if name in ("growth", "ytd_growth", "completion"):
            return percent_text(value)
        return figure_text(self.indicator, value)

    def __getattr__(self, name: str):
        """``row.text_ytd`` is ``row.text("ytd")`` (for templates)."""
        if name.startswith("text_"):
            return self.text(name[5:])
        raise AttributeError(name)


def _ranges(period: Period, *, quarters: bool) -> list[tuple[date, date]]:
    ytd = period.year_to_date()
    ranges = [period.range, period.shifted(-1).range, ytd.range, ytd.shifted(-1).range, Period(period.year - 1).range]
    if quarters:
        ranges += [q.range for q in period.quarters()] + [q.shifted(-1).range for q in period.quarters()]
    return ranges


def _cached(kind: str, key: tuple, compute):
    """Figures are SQL aggregates over the records, kept for ``KPI_CACHE_SECONDS`` (0: always computed), so a
    dashboard that many open does not aggregate the same records again for each of them. Targets are never
    cached."""
    seconds = getattr(settings, "KPI_CACHE_SECONDS", 300)
    if not seconds:
        return compute()
    name = "kpi:" + kind + ":" + hashlib.sha1(repr(key).encode()).hexdigest()
    hit = cache.get(name)
    if hit is None:
        hit = compute()
        cache.set(name, hit, seconds)
    return hit


def kpi_rows(*, region: Region, period: Period, indicators: list[Indicator] | None = None) -> list[Row]:
    """Every indicator's figures for the region's subtree: one aggregate query per group of indicators over the
    same records (the deals are one pass)."""
    indicators = indicators if indicators is not None else all_indicators()
    ranges = _ranges(period, quarters=True)
    codes = tuple(i.code for i in indicators)
    figures = _cached("rows", (region.scope_prefix, codes, ranges),
                      lambda: values_many(indicators, region.scope_prefix, ranges))
    targets = current_targets(regions=[region], year=period.year)
    rows = []
    for indicator in indicators:
        v = figures[indicator.code]
        rows.append(Row(indicator, v[0], v[1], v[2], v[3], v[4], v[5:9], v[9:13],
                        targets.get((region.code, indicator.code))))
    return rows


def kpi_breakdown(*, region: Region, period: Period, indicators: list[Indicator] | None = None) -> dict:
    """The figures of each sub-region (a province's cities, a city's counties) for the period and the year to
    date, with their targets: ``{region code: [Row, …]}``; one grouped query per group of indicators."""
    children = child_regions(region)
    if not children:
        return {}
    indicators = indicators if indicators is not None else all_indicators()
    digits = SCOPE_DIGITS[children[0].level]
    ranges = _ranges(period, quarters=False)
    codes = tuple(i.code for i in indicators)
    by_sub = _cached("breakdown", (region.scope_prefix, digits, codes, ranges),
                     lambda: values_by_subregion_many(indicators, region.scope_prefix, digits, ranges))
    targets = current_targets(regions=children, year=period.year)
    result: dict[str, list[Row]] = {child.code: [] for child in children}
    for indicator in indicators:
        for child in children:
            v = by_sub[indicator.code].get(child.scope_prefix)
            if v is None:
                v = [None] * len(ranges) if indicator.is_ratio else [Decimal(0)] * len(ranges)
            result[child.code].append(Row(indicator, v[0], v[1], v[2], v[3], v[4], [], [],
                                          targets.get((child.code, indicator.code))))
    return result


def split_check(*, region: Region, year: int) -> list[dict]:
    """A city's targets against the sum of what it split over its counties (absolute targets of summable
    indicators only; a rate does not add up)."""
    children = child_regions(region)
    own = current_targets(regions=[region], year=year)
    below = current_targets(regions=children, year=year)
    result = []
    for indicator in all_indicators():
        if indicator.is_ratio:
            continue
        total = sum((t.absolute for (code, ind), t in below.items()
                     if ind == indicator.code and t.absolute is not None), Decimal(0))
        target = own.get((region.code, indicator.code))
        if target is None and not total:
            continue
        result.append({"indicator": indicator, "target": target, "split": total,
                       "short": target is not None and target.absolute is not None and total < target.absolute})
    return result


# --- the quarterly report ---------------------------------------------------------------------------------------
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
        self.period = Period(int(self.params["year"]), "quarter", int(self.params["quarter"]), True)
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

    def _row(self, sheet, obj):
        return super()._row(sheet, obj[1])

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
    from ..pdf import render_pdf

    exporter = report_exporter(region=region, year=year, quarter=quarter, user=user)
    content = report_context(region=region, year=year, quarter=quarter)
    exporter.content = content  # the figures once, for the workbook and the PDF
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "report.xlsx"
        exporter.write(target)
        xlsx = target.read_bytes()
    pdf = render_pdf("portal/kpi/report_pdf.html", content) if with_pdf else None
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
    period = Period(year, "quarter", quarter, True)
    names = {r.code: r.name for r in child_regions(region)}
    return {"region": region, "period": period, "quarter": quarter, "headers": REPORT_HEADERS,
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
