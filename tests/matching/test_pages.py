"""Pages: posting demands (also on an enterprise's behalf), the catalogue's filters, the supplier's form,
home panels."""

from decimal import Decimal

import pytest
from django.urls import reverse

from matching.models import Demand, Match, SupplyPatent
from tests.factories import OrganisationFactory, user_with_role
from tests.matching.factories import DemandFactory, SupplyPatentFactory, make_patent_no

pytestmark = pytest.mark.django_db

NEED = {"title": "电机壳加工后冒小孔", "description": "铝合金电机壳压铸件加工后冒小孔，打压试验漏气，废品率很高。",
        "industry_chain": "铸造", "industry_field": "", "ipc_hint": "", "budget": "300000", "cooperation_mode": "any"}


def test_enterprise_posts_a_demand_and_sees_explained_matches(client, catalogue, django_capture_on_commit_callbacks):
    client.force_login(catalogue["enterprise_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:demand-create"), NEED)
    demand = Demand.objects.get(title=NEED["title"])
    assert response.status_code == 302 and response["Location"] == reverse("matching:demand-detail",
                                                                             args=[demand.pk])
    assert demand.enterprise == catalogue["enterprise"] and demand.budget == Decimal("300000")
    page = client.get(response["Location"]).content.decode()
    assert "推荐专利（20）" in page
    assert "<mark>" in page and "共同用语" in page and "得分构成" in page
    top = Match.objects.get(demand=demand, rank=1)
    assert top.patent.application_no in page and top.explanation["notes"][0] in page


def test_county_enters_a_demand_for_an_enterprise_of_its_county(client):
    county = user_with_role("county", "420202")
    enterprise = OrganisationFactory(region_id="420202")
    elsewhere = OrganisationFactory(region_id="420502")
    client.force_login(county)
    form_page = client.get(reverse("matching:demand-create")).content.decode()
    assert enterprise.name in form_page and elsewhere.name not in form_page
    refused = client.post(reverse("matching:demand-create"), {**NEED, "enterprise": elsewhere.pk})
    assert refused.status_code == 200 and not Demand.objects.exists()
    client.post(reverse("matching:demand-create"), {**NEED, "enterprise": enterprise.pk})
    demand = Demand.objects.get()
    assert demand.enterprise == enterprise and demand.entered_by == county and demand.region_id == "420202"
    assert f"由{county.organisation.name}代为填报" in client.get(
        reverse("matching:demand-detail", args=[demand.pk])).content.decode()


def test_bad_ipc_hint_is_shown_at_the_field(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(reverse("matching:demand-create"), {**NEED, "ipc_hint": "铸造类"})
    assert response.status_code == 200 and "IPC 分类提示“铸造类”格式不正确" in response.content.decode()
    assert not Demand.objects.exists()


def test_supplier_form_checks_the_number_and_derives_the_type(client, supplier_user):
    client.force_login(supplier_user)
    data = {"application_no": "201719081250.4", "title": "一种挤压装置", "abstract": "局部挤压。", "ipc_main": "B22D17/22",
            "ipc_other": "", "holder_name": "磁湖理工学院", "holder_type": "university", "legal_status": "valid",
            "offer_type": "transfer", "price": "", "industry_chain": "铸造"}
    page = client.post(reverse("matching:patent-create"), {**data, "ipc_main": "B22D"}).content.decode()
    assert "专利申请号校验位不正确" in page and "IPC 分类号“B22D”格式不正确" in page
    assert not SupplyPatent.objects.exists()
    number = make_patent_no(77, 2021, "2")
    response = client.post(reverse("matching:patent-create"), {**data, "application_no": number})
    patent = SupplyPatent.objects.get()
    assert response.status_code == 302 and patent.patent_type == "utility_model" and patent.price is None
    assert patent.supplier == supplier_user.organisation and patent.is_dormant


@pytest.mark.parametrize(("query", "expected"), [
    ("q=挤压", {"挤压补缩装置"}),
    ("ipc=B22C", {"一种覆膜砂"}),
    ("ipc=b22d17", {"挤压补缩装置", "真空压铸方法"}),
    ("offer_type=open_licence", {"一种覆膜砂"}),
    ("holder_type=institute", {"真空压铸方法"}),
    ("price_min=100000&price_max=200000", {"真空压铸方法"}),
    ("dormant=true", {"挤压补缩装置", "真空压铸方法"}),
    ("dormant=false", {"一种覆膜砂"}),
])
def test_catalogue_filters(client, query, expected):
    supplier = user_with_role("supplier", "420200").organisation
    SupplyPatentFactory(supplier=supplier, title="挤压补缩装置", ipc_main="B22D17/22", price=Decimal("50000"),
                        is_dormant=True, abstract="局部挤压补缩。")
    SupplyPatentFactory(supplier=supplier, title="真空压铸方法", ipc_main="B22D17/14", holder_type="institute",
                        price=Decimal("150000"), is_dormant=True, abstract="抽真空减少气孔。")
    SupplyPatentFactory(supplier=supplier, title="一种覆膜砂", ipc_main="B22C1/02", offer_type="open_licence",
                        price=None, abstract="覆膜砂配方。")
    client.force_login(user_with_role("bank", "420200"))
    listed = {p.title for p in client.get(f"{reverse('matching:catalogue')}?{query}").context["object_list"]}
    api = {row["title"] for row in client.get(f"/api/matching/patents/?{query}").json()["results"]}
    assert listed == api == expected


def test_home_panels_show_demands_and_matches(client):
    enterprise, supplier = user_with_role("enterprise", "420202"), user_with_role("supplier", "420200")
    demand = DemandFactory(enterprise=enterprise.organisation, title="焊接机器人对不准焊缝")
    patent = SupplyPatentFactory(supplier=supplier.organisation, title="一种焊缝跟踪方法")
    Match.objects.create(demand=demand, patent=patent, score=0.5, rank=1, patent_rank=1)
    client.force_login(enterprise)
    page = client.get("/").content.decode()
    assert "我的技术需求" in page and "焊接机器人对不准焊缝" in page and "一种焊缝跟踪方法" in page
    assert "专利供给库" in page and "技术需求" in page
    client.force_login(supplier)
    page = client.get("/").content.decode()
    assert "与本单位专利匹配的需求" in page and "焊接机器人对不准焊缝" in page and "匹配需求" in page


def test_every_matching_page_opens_for_the_roles_it_serves(client):
    from datetime import date

    from matching.models import Deal, MatchmakingEvent

    enterprise, supplier = user_with_role("enterprise", "420202"), user_with_role("supplier", "420200")
    city = user_with_role("city", "420200")
    demand = DemandFactory(enterprise=enterprise.organisation)
    patent = SupplyPatentFactory(supplier=supplier.organisation)
    match = Match.objects.create(demand=demand, patent=patent, score=0.5, rank=1, status="deal")
    deal = Deal.objects.create(match=match, mode="transfer", contract_amount=Decimal("1000"), signed_on=date(2025, 1, 1))
    event = MatchmakingEvent.objects.create(title="对接会", industry_chain="铸造", held_on=date(2026, 5, 1), place="黄石",
                                            organiser=city.organisation, region_id="420200")
    pages = {
        enterprise: [("matching:demand-edit", [demand.pk], "编辑技术需求"), ("matching:demand-import", [], "批量导入技术需求"),
                     ("matching:match-detail", [match.pk], "为什么推荐"), ("matching:deal-received", [deal.pk], "更新到账金额")],
        supplier: [("matching:my-patents", [], "我的专利"), ("matching:patent-edit", [patent.pk], "编辑专利"),
                   ("matching:patent-create", [], "登记专利"), ("matching:patent-import", [], "批量导入专利"),
                   ("matching:patent-detail", [patent.pk], "匹配的技术需求")],
        city: [("matching:event-list", [], "对接活动"), ("matching:event-create", [], "新建对接活动"),
               ("matching:event-detail", [event.pk], "受邀单位"), ("matching:runs", [], "匹配批处理"),
               ("matching:deal-list", [], "专利转化清单"), ("matching:demand-import", [], "需求企业")],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for name, args, text in urls:
            response = client.get(reverse(name, args=args))
            assert response.status_code == 200 and text in response.content.decode(), name
    template = client.get(reverse("matching:patent-import-template")).content.decode("utf-8-sig")
    assert template.startswith("patent_id,application_no,patent_type,title,abstract,ipc_main")
