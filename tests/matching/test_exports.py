"""The supply list (供给技术清单) and the conversion list (专利转化清单) as Excel files."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from matching.models import Deal, Match
from tests.factories import user_with_role
from tests.matching.factories import DemandFactory, SupplyPatentFactory

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]


def make_deal(enterprise_org, supplier_org, **patent):
    demand = DemandFactory(enterprise=enterprise_org)
    patent = SupplyPatentFactory(supplier=supplier_org, **patent)
    match = Match.objects.create(demand=demand, patent=patent, score=0.5, rank=1, status="deal")
    return Deal.objects.create(match=match, mode="licence", contract_amount=Decimal("150000"),
                               amount_received=Decimal("50000"), signed_on=date(2025, 3, 1))


def test_supply_list_has_chinese_headers_frozen_row_and_applies_the_filter(client):
    supplier = user_with_role("supplier", "420200")
    SupplyPatentFactory(supplier=supplier.organisation, title="一种压铸方法", offer_type="transfer")
    SupplyPatentFactory(supplier=supplier.organisation, title="一种开放许可方法", offer_type="open_licence",
                        price=None)
    client.force_login(user_with_role("enterprise"))
    book = workbook(client.get(reverse("matching:supply-export") + "?offer_type=open_licence"))
    sheet = book["供给技术清单"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["申请号", "专利名称", "专利类型"] and "价格（元）" in header
    [row] = rows(sheet)
    assert row[1] == "一种开放许可方法" and row[header.index("价格（元）")] == "面议"
    assert row[header.index("转化方式")] == "开放许可"


def test_formula_like_text_is_neutralised(client):
    supplier = user_with_role("supplier", "420200")
    SupplyPatentFactory(supplier=supplier.organisation, title="=HYPERLINK(\"http://x\")", holder_name="@SUM(A1)")
    client.force_login(supplier)
    [row] = rows(workbook(client.get(reverse("matching:supply-export")))["供给技术清单"])
    assert row[1] == "'=HYPERLINK(\"http://x\")" and row[5] == "'@SUM(A1)"


def test_conversion_list_holds_the_deals_of_the_scope(client):
    huangshi, yichang = user_with_role("enterprise", "420202"), user_with_role("enterprise", "420502")
    supplier = user_with_role("supplier", "420200")
    deal = make_deal(huangshi.organisation, supplier.organisation, holder_name="磁湖理工学院")
    make_deal(yichang.organisation, supplier.organisation)
    client.force_login(user_with_role("city", "420200"))
    sheet = workbook(client.get(reverse("matching:deal-export")))["专利转化清单"]
    header = [c.value for c in sheet[1]]
    [row] = rows(sheet)
    values = dict(zip(header, row, strict=True))
    assert values["需求企业"] == huangshi.organisation.name and values["专利权人"] == "磁湖理工学院"
    assert values["专利申请号"] == deal.match.patent.application_no and values["转化方式"] == "许可"
    assert values["合同金额（元）"] == 150000 and values["已到账金额（元）"] == 50000
    assert values["签约日期"].date() == date(2025, 3, 1)
    client.force_login(supplier)
    assert len(rows(workbook(client.get(reverse("matching:deal-export")))["专利转化清单"])) == 2


def test_export_is_audited(client):
    from portal.models import AuditEntry

    client.force_login(user_with_role("city", "420200"))
    workbook(client.get(reverse("matching:deal-export") + "?mode=licence"))
    entry = AuditEntry.objects.get(action="export.created")
    assert entry.comment == "专利转化清单" and entry.data["filter"] == {"mode": "licence"}
