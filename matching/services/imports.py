"""Bulk imports of supply patents and demands from CSV or Excel, in the DEV set's column layout.

Every row is checked first and every bad row is reported with its number and a Chinese reason; only a file
without a single error is written, in one transaction. A re-import updates patents by application number and
demands by their reference (需求编号).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.models import Organisation
from portal.services.audit import audit
from portal.tables import Column, ImportReport, RowError, TableError, parse_choice, parse_money, read_table
from portal.validators import PATENT_TYPE_DIGIT, patent_type_from_no, validate_patent_no

from ..choices import CooperationMode, HolderType, LegalStatus, OfferType, PatentType
from ..models import Demand, MatchingPolicy, SupplyPatent
from ..validators import validate_ipc, validate_ipc_hint, validate_ipc_list
from .demands import ensure_can_post_for, queue_demand_matching
from .supply import ensure_can_manage, prepare_patent, queue_patent_matching

SUPPLY_COLUMNS = [
    Column("patent_id", "供给编号", ("编号",)),
    Column("application_no", "申请号", ("专利申请号", "专利号"), required=True),
    Column("patent_type", "专利类型"),
    Column("title", "专利名称", ("名称", "标题"), required=True),
    Column("abstract", "摘要", required=True),
    Column("ipc_main", "主分类号", ("IPC主分类号", "IPC"), required=True),
    Column("ipc_other", "其他分类号", ("IPC其他分类号", "副分类号")),
    Column("holder", "专利权人", ("权利人",), required=True),
    Column("holder_type", "权利人类型", required=True),
    Column("legal_status", "法律状态", required=True),
    Column("offer_type", "转化方式", ("许可方式", "交易方式"), required=True),
    Column("price_yuan", "价格（元）", ("价格", "price"), required=True),
    Column("payment_terms", "支付方式"),
    Column("industry_chain", "产业链"),
    Column("ever_licensed", "曾许可或转让"),
    Column("ever_used", "已实施"),
]
DEMAND_COLUMNS = [
    Column("demand_id", "需求编号", ("编号",)),
    Column("title", "需求名称", ("名称", "标题"), required=True),
    Column("description", "需求描述", ("描述",), required=True),
    Column("industry_field", "所属领域", ("领域",)),
    Column("industry_chain", "产业链"),
    Column("ipc_hint", "IPC分类提示", ("IPC",)),
    Column("budget_yuan", "预算（元）", ("预算",)),
    Column("cooperation_mode", "合作方式"),
]
TYPE_LABEL = {PatentType.INVENTION: "发明", PatentType.UTILITY_MODEL: "实用新型", PatentType.DESIGN: "外观设计"}
YES = {"是", "有", "1", "true", "yes", "y"}
NO = {"", "否", "无", "0", "false", "no", "n"}


def _flag(text: str, *, column: str, row: int, errors: list[RowError]) -> bool:
    value = (text or "").strip().lower()
    if value in YES:
        return True
    if value not in NO:
        errors.append(RowError(row, column, f"“{text}”应填“是”或“否”。"))
    return False


def _supply_row(number: int, row: dict, errors: list[RowError]) -> dict | None:
    """Clean one supply row; problems are appended to ``errors`` (all of them, not only the first)."""
    before = len(errors)
    out = {"external_id": row.get("patent_id", "")[:40]}
    try:
        out["application_no"] = validate_patent_no(row["application_no"])
    except ValidationError as exc:
        errors.append(RowError(number, "申请号", f"“{row['application_no']}”：{exc.messages[0]}"))
    else:
        out["patent_type"] = patent_type_from_no(out["application_no"])
        if out["patent_type"] is None:
            errors.append(RowError(number, "申请号", "申请号第 5 位不是有效的专利类型代码（1 发明、2 实用新型、3 外观设计）。"))
        elif row.get("patent_type") and row["patent_type"] not in (out["patent_type"], TYPE_LABEL[out["patent_type"]]):
            digit = next(d for d, t in PATENT_TYPE_DIGIT.items() if t == out["patent_type"])
            errors.append(RowError(number, "专利类型", f"“{row['patent_type']}”与申请号第 5 位（{digit} = "
                                                   f"{TYPE_LABEL[out['patent_type']]}）不符。"))
    for key, label, limit in (("title", "专利名称", 300), ("holder", "专利权人", 200)):
        if not row.get(key):
            errors.append(RowError(number, label, "不能为空。"))
        elif len(row[key]) > limit:
            errors.append(RowError(number, label, f"超过 {limit} 个字。"))
    out.update(title=row.get("title", ""), abstract=row.get("abstract", ""), holder_name=row.get("holder", ""),
               payment_terms=row.get("payment_terms", "")[:200], industry_chain=row.get("industry_chain", "")[:50])
    for key, label, validator in (("ipc_main", "主分类号", validate_ipc), ("ipc_other", "其他分类号", validate_ipc_list)):
        try:
            out[key] = validator(row.get(key, "")) if row.get(key) or key == "ipc_main" else ""
        except ValidationError as exc:
            errors.append(RowError(number, label, exc.messages[0]))
    out["holder_type"] = parse_choice(row.get("holder_type"), HolderType, column="权利人类型", row=number, errors=errors)
    out["legal_status"] = parse_choice(row.get("legal_status"), LegalStatus, column="法律状态", row=number,
                                       errors=errors)
    out["offer_type"] = parse_choice(row.get("offer_type"), OfferType, column="转化方式", row=number, errors=errors)
    out["price"] = parse_money(row.get("price_yuan", ""), column="价格（元）", row=number, errors=errors)
    out["open_licence_fee"] = out["price"] if out["offer_type"] == OfferType.OPEN_LICENCE else None
    out["ever_licensed"] = _flag(row.get("ever_licensed", ""), column="曾许可或转让", row=number, errors=errors)
    out["ever_used"] = _flag(row.get("ever_used", ""), column="已实施", row=number, errors=errors)
    return out if len(errors) == before else None


def supply_import(*, supplier: Organisation, actor, upload, queue_matching: bool = True) -> ImportReport:
    """Import a supplier's patents; all rows or none. Matching of the new and changed patents is queued."""
    ensure_can_manage(actor, supplier)
    report = ImportReport(file_name=getattr(upload, "name", "") or "")
    cleaned = _read_rows(upload, SUPPLY_COLUMNS, _supply_row, "application_no", "申请号", report)
    if not report.ok:
        return report
    with transaction.atomic():
        existing = {p.application_no: p for p in SupplyPatent.objects.select_for_update().filter(
            application_no__in=[r["application_no"] for _, r in cleaned])}
        for number, row in cleaned:
            owner = existing.get(row["application_no"])
            if owner is not None and owner.supplier_id != supplier.pk:
                report.errors.append(RowError(number, "申请号", f"{row['application_no']} 已由其他供给方登记，不能覆盖。"))
        if report.errors:
            return report
        changed = _write_patents(supplier, cleaned, existing, report)
        audit(actor=actor, action="supply_patent.imported", target=supplier, comment=report.summary(),
              data={"file": report.file_name, "created": report.created, "updated": report.updated})
        if queue_matching:
            queue_patent_matching(changed)
    return report


def _write_patents(supplier, cleaned, existing, report: ImportReport) -> list[int]:
    policy, now = MatchingPolicy.current(), timezone.now()
    new, updates, fields = [], [], [k for k in cleaned[0][1] if k != "application_no"] if cleaned else []
    for _, row in cleaned:
        patent = existing.get(row["application_no"])
        if patent is None:
            patent = SupplyPatent(supplier=supplier, region_id=supplier.region_id, **row)
            new.append(prepare_patent(patent, policy))
            continue
        if any(getattr(patent, k) != v for k, v in row.items()):
            for key, value in row.items():
                setattr(patent, key, value)
            patent.updated_at = now
            updates.append(prepare_patent(patent, policy))
    SupplyPatent.objects.bulk_create(new, batch_size=500)
    SupplyPatent.objects.bulk_update(updates, [*fields, "is_dormant", "tokens", "tokens_version", "updated_at"],
                                     batch_size=500)
    report.created, report.updated = len(new), len(updates)
    report.created_ids, report.updated_ids = [p.pk for p in new], [p.pk for p in updates]
    return report.created_ids + report.updated_ids


def _read_rows(upload, columns, clean_row, key: str, key_label: str, report: ImportReport) -> list:
    """Read and clean every row; duplicates of the key inside the file are row errors too."""
    cleaned, seen = [], {}
    try:
        for number, row in read_table(upload, columns):
            report.rows += 1
            data = clean_row(number, row, report.errors)
            if data is None:
                continue
            value = data.get(key)
            if value and value in seen:
                report.errors.append(RowError(number, key_label, f"与第 {seen[value]} 行重复。"))
                continue
            if value:
                seen[value] = number
            cleaned.append((number, data))
    except TableError as exc:
        report.file_error = exc.messages[0]
        return []
    if not report.rows and not report.file_error:
        report.file_error = "文件中没有数据行。"
    return cleaned


def _demand_row(number: int, row: dict, errors: list[RowError]) -> dict | None:
    before = len(errors)
    for key, label, limit in (("title", "需求名称", 200), ("description", "需求描述", 5000)):
        if not row.get(key):
            errors.append(RowError(number, label, "不能为空。"))
        elif len(row[key]) > limit:
            errors.append(RowError(number, label, f"超过 {limit} 个字。"))
    out = {"reference": row.get("demand_id", "")[:40], "title": row.get("title", ""),
           "description": row.get("description", ""), "industry_field": row.get("industry_field", "")[:50],
           "industry_chain": (row.get("industry_chain") or row.get("industry_field", ""))[:50]}
    try:
        out["ipc_hint"] = validate_ipc_hint(row.get("ipc_hint", ""))
    except ValidationError as exc:
        errors.append(RowError(number, "IPC分类提示", exc.messages[0]))
    out["budget"] = parse_money(row.get("budget_yuan", ""), column="预算（元）", row=number, errors=errors)
    out["cooperation_mode"] = parse_choice(row.get("cooperation_mode"), CooperationMode, column="合作方式",
                                           row=number, errors=errors, default=CooperationMode.ANY)
    return out if len(errors) == before else None


def demand_import(*, enterprise: Organisation, actor, upload, queue_matching: bool = True) -> ImportReport:
    """Import an enterprise's demands (bulk entry, evaluation); rows with a known 需求编号 update that demand."""
    ensure_can_post_for(actor, enterprise)
    report = ImportReport(file_name=getattr(upload, "name", "") or "")
    cleaned = _read_rows(upload, DEMAND_COLUMNS, _demand_row, "reference", "需求编号", report)
    if not report.ok:
        return report
    with transaction.atomic():
        existing = {d.reference: d for d in Demand.objects.select_for_update().filter(
            enterprise=enterprise, reference__in=[r["reference"] for _, r in cleaned if r["reference"]])}
        new, updates = [], []
        for _, row in cleaned:
            demand = existing.get(row["reference"]) if row["reference"] else None
            if demand is None:
                new.append(Demand(enterprise=enterprise, region_id=enterprise.region_id, entered_by=actor, **row))
            elif any(getattr(demand, k) != v for k, v in row.items()):
                for key, value in row.items():
                    setattr(demand, key, value)
                demand.updated_at = timezone.now()
                updates.append(demand)
        Demand.objects.bulk_create(new, batch_size=500)
        Demand.objects.bulk_update(updates, [*cleaned[0][1], "updated_at"], batch_size=500)
        report.created, report.updated = len(new), len(updates)
        report.created_ids, report.updated_ids = [d.pk for d in new], [d.pk for d in updates]
        audit(actor=actor, action="demand.imported", target=enterprise, comment=report.summary(),
              data={"file": report.file_name, "created": report.created, "updated": report.updated})
        if queue_matching:
            queue_demand_matching(report.created_ids + report.updated_ids)
    return report
