"""The bank's downloads: Excel through the shared exporter (formula-safe, audited) and the PDF letter, each
holding exactly the entries the bank may receive, each recorded."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from finance.models import PublicationDownload
from portal.models import AuditEntry
from tests.finance.helpers import consent, declare, listed, member, publish

pytestmark = pytest.mark.django_db


def test_excel_is_formula_safe_and_audited(client, batch, city, bank_user):
    tricky = member(batch=batch, name="=HYPERLINK(\"http://x\")有限公司", contact_person="@张三")
    listed(tricky)
    publication = publish(city, [bank_user])
    client.force_login(bank_user)
    response = client.get(f"/finance/publications/{publication.pk}/excel/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["授信企业白名单"]
    row = [c.value for c in sheet[2]]
    # The contact is masked for the bank (PIPL) and what is left is still neutralised as a formula.
    assert row[1] == "'=HYPERLINK(\"http://x\")有限公司" and row[10] == "'@**"
    assert AuditEntry.objects.filter(action="publication.downloaded", actor=bank_user).count() == 1
    assert AuditEntry.objects.filter(action="export.created", actor=bank_user).count() == 1
    download = PublicationDownload.objects.get()
    assert (download.bank_id, download.file_format, download.entry_count) == (bank_user.organisation_id, "xlsx", 1)


def test_the_pdf_letter_is_addressed_to_the_bank_and_lists_only_its_entries(client, batch, city, bank_user,
                                                                            other_bank):
    for_both = member(batch=batch, name="两家银行均可见有限公司")
    listed(for_both)
    only_other = member(batch=batch, name="仅另一家银行可见有限公司")
    declare(only_other)
    consent(only_other, [other_bank])
    publication = publish(city, [bank_user, other_bank])
    client.force_login(bank_user)
    response = client.get(f"/finance/publications/{publication.pk}/pdf/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    text = text.replace("\n", "")
    assert "关于推送知识产权质押融资授信企业白名单的函" in text and "湖北测试银行黄石分行：" in text
    assert "两家银行均可见有限公司" in text and "仅另一家银行可见有限公司" not in text
    download = PublicationDownload.objects.get(file_format="pdf")
    assert (download.entry_count, download.withheld_count) == (1, 1)
