"""The yearly monitoring report (年度监测报告) as data: its sections, their fields and Chinese labels, its
cross-field checks and who may move a report from which status to which.

Like ``pool.schema`` for the application, one description drives the form page, the parsing of what the browser
posts (``pool.formdata`` with ``sections=SECTIONS``), draft and submit validation (``pool.validation``), the
read-only pages and the snapshot the lifecycle rules read (``pool.lifecycle.snapshot.report_snapshot``). The
patent list is the application's own section (``pool.schema.PATENTS``) with its Excel template and import. The
industrialisation rate is never typed: it is counted from the patent list by criterion 5's code.
"""

from __future__ import annotations

from django.utils import timezone

from ..formdata import is_blank
from ..models.lifecycle import MonitoringStatus
from ..schema import PATENTS, FieldSpec, SectionSpec
from ..validation import date_of, patent_list_errors, section_errors
from .policy import MisconductKind
from .workflow import Step, step

F = FieldSpec

FIGURES = SectionSpec("figures", "主要经营数据", (
    F("revenue", "本年度营业收入（元）", "decimal", required=True),
    F("profit", "本年度利润总额（元）", "decimal", required=True, negative=True, help="亏损填负数"),
    F("rnd_expense", "本年度研发投入（元）", "decimal", required=True),
    F("patents_granted", "本年度授权专利数（件）", "int", required=True),
), help="填报监测年度（自然年）的数据，单位为元。")

PRODUCTS = SectionSpec("products", "专利密集型产品", (
    F("name", "产品名称", required=True),
    F("filing_no", "备案号", help="专利密集型产品备案号，未备案不填"),
    F("filed_on", "备案日期", "date"),
    F("recognised", "已认定为专利密集型产品", "bool"),
    F("recognised_on", "认定日期", "date"),
    F("sales", "本年度销售额（元）", "decimal"),
    F("profit", "本年度利润（元）", "decimal", negative=True),
), repeating=True, row_label="产品",
    help="入库以来新备案的产品，以及已认定产品本年度的销售额和利润。同一产品各年度请使用相同名称。")

INCIDENTS = SectionSpec("incidents", "重大事项申报", (
    F("kind", "情形", "choice", required=True, choices=tuple(MisconductKind.CHOICES)),
    F("occurred_on", "发生日期", "date", required=True),
    F("description", "情况说明", "text", required=True),
), repeating=True, row_label="事项",
    help="本年度如发生重大安全、质量、环境事故，严重失信，偷税漏税，数据造假，非正常专利申请或其他违法违规行为，"
         "请如实申报；没有则不填。经县级核实后记入违规失信记录。")

SECTIONS: tuple[SectionSpec, ...] = (FIGURES, PATENTS, PRODUCTS, INCIDENTS)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}


def empty_data() -> dict:
    """A new report: the figures blank, every list empty."""
    return {"figures": {f.name: "" for f in FIGURES.fields}, "patents": [], "products": [], "incidents": []}


def _rows(data: dict, key: str) -> list[dict]:
    rows = data.get(key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _not_future(row: dict, path: str, name: str, today, errors: dict) -> None:
    when = date_of(row.get(name))
    if when and when > today and f"{path}.{name}" not in errors:
        errors[f"{path}.{name}"] = "日期不能晚于今天。"


def report_errors(data: dict, *, complete: bool = False, today=None) -> dict[str, str]:
    """Field path → Chinese message. A draft (``complete=False``) flags only present, malformed values; submit
    (``complete=True``) also requires every required field and what a recognised product needs."""
    data = data if isinstance(data, dict) else {}
    today = today or timezone.localdate()
    errors = section_errors(data, SECTIONS, complete=complete)
    patent_list_errors(data, complete, errors)
    for index, row in enumerate(_rows(data, "products")):
        path = f"products.{index}"
        for name in ("filed_on", "recognised_on"):
            _not_future(row, path, name, today, errors)
        filed, recognised = date_of(row.get("filed_on")), date_of(row.get("recognised_on"))
        if filed and recognised and recognised < filed and f"{path}.recognised_on" not in errors:
            errors[f"{path}.recognised_on"] = "认定日期不能早于备案日期。"
        if not complete:
            continue
        if not is_blank(row.get("filing_no")) and is_blank(row.get("filed_on")):
            errors.setdefault(f"{path}.filed_on", "填写了备案号的产品，请填写备案日期。")
        if row.get("recognised") is True:
            if is_blank(row.get("filing_no")):
                errors.setdefault(f"{path}.filing_no", "已认定的专利密集型产品须填写备案号。")
            for name in ("sales", "profit"):
                if is_blank(row.get(name)):
                    errors.setdefault(f"{path}.{name}", "已认定的专利密集型产品须填写本年度销售额和利润。")
    for index, row in enumerate(_rows(data, "incidents")):
        _not_future(row, f"incidents.{index}", "occurred_on", today, errors)
    return errors


R = MonitoringStatus
#: The enterprise may still change the report.
EDITABLE = (R.DRAFT, R.RETURNED)

#: Who moves a report: the enterprise submits (and resubmits what was returned); the county of the member
#: accepts it, or returns it with a comment. Guards the services and lists the buttons.
REPORT_STEPS: tuple[Step, ...] = (
    step(R.DRAFT, R.SUBMITTED, "enterprise", "提交监测报告"),
    step(R.RETURNED, R.SUBMITTED, "enterprise", "重新提交"),
    step(R.SUBMITTED, R.ACCEPTED, "county", "核实通过"),
    step(R.SUBMITTED, R.RETURNED, "county", "退回修改", reason_required=True, style="danger"),
)
