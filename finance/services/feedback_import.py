"""The banks' feedback sheet imported all or nothing: every row is checked first (format, the enterprise on a
whitelist published to the bank, contract and registration numbers unique and the bank's own) and only a file
without a single error is written, in one transaction, through the same services as the page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from portal.models import Organisation, User
from portal.services import audit
from portal.tables import ImportReport, RowError, TableError, read_table

from ..feedback_excel import COLUMNS, clean_row
from ..models import Loan, PledgeRegistration, PublicationEntry
from .feedback import case_contact, credit_grant, ensure_bank, loan_issue, loan_status_report, pledge_register


@dataclass
class FeedbackReport(ImportReport):
    loans: int = 0

    def summary(self) -> str:
        if not self.ok:
            return super().summary()
        return f"导入成功：共 {self.rows} 行，登记或更新贷款 {self.loans} 笔。"


def _read(upload, report: ImportReport) -> list[dict]:
    cleaned = []
    try:
        for number, row in read_table(upload, COLUMNS):
            report.rows += 1
            item = clean_row(number, row, report.errors)
            if item is not None:
                cleaned.append(item)
    except TableError as exc:
        report.file_error = exc.messages[0]
        return []
    if not report.rows and not report.file_error:
        report.file_error = "文件中没有数据行。"
    return cleaned


def _check_against_records(bank_id: int, rows: list[dict], report: ImportReport) -> dict[str, int]:
    """Enterprises on the bank's whitelists, and contract / registration numbers: unique in the file and not
    someone else's. Returns uscc → enterprise id."""
    codes = {r["uscc"] for r in rows}
    listed = dict(PublicationEntry.objects.for_bank(bank_id).filter(uscc__in=codes)
                  .values_list("uscc", "enterprise_id"))
    contracts = {c: e for c, e in Loan.objects.filter(bank_id=bank_id, contract_no__in=[
        r["loan"]["contract_no"] for r in rows if r["loan"]]).values_list("contract_no", "enterprise_id")}
    registrations = dict(PledgeRegistration.objects.filter(registration_no__in=[
        r["pledge"]["registration_no"] for r in rows if r["pledge"]]).values_list("registration_no",
                                                                                 "loan__contract_no"))
    seen_contracts: dict[str, int] = {}
    seen_registrations: dict[str, int] = {}
    for row in rows:
        number, enterprise = row["row"], listed.get(row["uscc"])
        if enterprise is None:
            report.errors.append(RowError(number, "统一社会信用代码",
                                          f"{row['uscc']} 不在向贵行发布的白名单上（或已撤回授权）。"))
        if row["loan"]:
            contract = row["loan"]["contract_no"]
            if contract in seen_contracts:
                report.errors.append(RowError(number, "贷款合同编号", f"与第 {seen_contracts[contract]} 行重复。"))
            seen_contracts.setdefault(contract, number)
            if contract in contracts and enterprise is not None and contracts[contract] != enterprise:
                report.errors.append(RowError(number, "贷款合同编号", "该合同编号已登记在另一家企业名下。"))
        if row["pledge"]:
            registration = row["pledge"]["registration_no"]
            if registration in seen_registrations:
                report.errors.append(RowError(number, "质押登记编号",
                                              f"与第 {seen_registrations[registration]} 行重复。"))
            seen_registrations.setdefault(registration, number)
            owner = registrations.get(registration)
            if owner is not None and row["loan"] and owner != row["loan"]["contract_no"]:
                report.errors.append(RowError(number, "质押登记编号", "该质押登记编号已登记在另一笔贷款下。"))
    report.errors.sort(key=lambda e: e.row)
    return listed


def feedback_import(*, user: User, upload) -> FeedbackReport:
    """Import the bank's feedback sheet; all rows or none."""
    bank_id = ensure_bank(user)
    report = FeedbackReport(file_name=getattr(upload, "name", "") or "")
    rows = _read(upload, report)
    if report.file_error:
        return report
    listed = _check_against_records(bank_id, rows, report)  # the well-formed rows, so every bad row is named
    if not report.ok:
        return report
    enterprises = {o.pk: o for o in Organisation.objects.filter(pk__in=listed.values())}
    with transaction.atomic():
        for row in rows:
            enterprise = enterprises[listed[row["uscc"]]]
            if row["contacted_on"]:
                case_contact(user=user, enterprise=enterprise, contacted_on=row["contacted_on"])
            if row["credit"]:
                credit_grant(user=user, enterprise=enterprise, amount=row["credit"][0], granted_on=row["credit"][1])
            if row["loan"]:
                loan = loan_issue(user=user, enterprise=enterprise, **row["loan"])
                report.loans += 1
                if row["pledge"]:
                    pledge_register(user=user, loan=loan, **row["pledge"])
                if row["status"]:
                    loan_status_report(user=user, loan=loan, status=row["status"][0], on=row["status"][1])
        report.created = len(rows)
        audit(actor=user, action="bank_feedback.imported", target=user.organisation, comment=report.summary(),
              data={"file": report.file_name, "rows": report.rows})
    return report
