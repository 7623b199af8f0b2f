"""Finding 12: odd input (integers beyond 64 bits, NUL characters, megabytes in one field) is refused or
cleaned at the field, in Chinese — never a 500."""

import pytest
from django.test import Client

from tests.factories import user_with_role
from tests.security.routes import list_routes_with_filters

BIG = str(2**70)
ODD_VALUES = [BIG, f"-{BIG}", "12\x0034", "1e1000000", "0", "-1"]


@pytest.fixture
def people(db):
    return {role: user_with_role(role) for role in ("province", "enterprise")}


def test_the_sweep_finds_the_list_filters():
    routes = list_routes_with_filters()
    assert len(routes) > 40
    assert any(path == "/api/matching/matches/" for path, _ in routes)


@pytest.mark.parametrize("role", ["province", "enterprise"])
def test_no_list_filter_answers_500_to_odd_values(people, role):
    client = Client(raise_request_exception=False)
    client.force_login(people[role])
    failures = []
    for path, filterset in list_routes_with_filters():
        # one filter at a time for the integer beyond 64 bits and for 0 (no year) (a refused filter would hide
        # the next one) ...
        asked = [{name: value} for name in filterset.base_filters for value in (BIG, "0")]
        # ... every filter at once for the other odd values
        asked += [dict.fromkeys(filterset.base_filters, value) for value in ODD_VALUES[1:]]
        for params in asked:
            response = client.get(path, params)
            if response.status_code >= 500:
                failures.append(f"{path}?{str(params)[:60]}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_an_integer_beyond_64_bits_in_an_api_filter_is_a_chinese_400(people):
    client = Client()
    client.force_login(people["province"])
    response = client.get("/api/matching/matches/", {"demand": BIG})
    assert response.status_code == 400
    assert "小于或等于" in response.json()["demand"][0]


def test_a_page_filter_beyond_64_bits_is_ignored_by_the_list(people):
    client = Client()
    client.force_login(people["province"])
    assert client.get("/matching/matches/", {"demand": BIG}).status_code == 200


def test_an_id_beyond_64_bits_is_a_404(people):
    client = Client()
    client.force_login(people["province"])
    for path in (f"/api/pool/applications/{BIG}/", f"/pool/applications/{BIG}/", f"/api/finance/loans/{BIG}/"):
        assert client.get(path).status_code == 404


def test_batch_ids_beyond_64_bits_are_refused_at_the_field(people):
    client = Client()
    client.force_login(user_with_role("county"))
    response = client.post("/api/pool/review/batch/", {"ids": [int(BIG)], "to": "returned"},
                           content_type="application/json")
    assert response.status_code == 400
    assert "ids" in response.json()


def test_nul_characters_are_dropped_from_every_form_value(people, settings):
    from portal.middleware import RequestTextMiddleware

    seen = {}

    def view(request):
        seen["get"], seen["post"] = request.GET["q"], request.POST["name"]
        from django.http import HttpResponse
        return HttpResponse("ok")

    from django.test import RequestFactory

    request = RequestFactory().post("/x/?q=a%00b", {"name": "黄石\x00铸造"})
    assert RequestTextMiddleware(view)(request).status_code == 200
    assert seen == {"get": "ab", "post": "黄石铸造"}


def test_a_demand_with_nul_characters_is_stored_without_them(people):
    from matching.models import Demand

    enterprise = people["enterprise"]
    client = Client()
    client.force_login(enterprise)
    response = client.post("/matching/demands/new/", {
        "title": "压铸\x00气孔", "description": "电机壳\x00漏气，需要解决压铸气孔问题的技术方案。",
        "industry_chain": "铸造", "cooperation_mode": "any", "budget": "10"})
    assert response.status_code in (200, 302)
    for demand in Demand.objects.filter(enterprise=enterprise.organisation):
        assert "\x00" not in demand.title + demand.description


def test_a_megabyte_in_one_form_value_is_refused_in_chinese(people, settings):
    client = Client()
    client.force_login(people["enterprise"])
    response = client.post("/matching/demands/new/", {"title": "需求", "description": "长" * (settings.TEXT_MAX_CHARS + 1)})
    assert response.status_code == 400
    assert "过长" in response.content.decode()
    response = client.get("/api/matching/demands/", {"q": "长" * (settings.TEXT_MAX_CHARS + 1)})
    assert response.status_code == 400
    assert "过长" in next(iter(response.json().values()))[0]


def test_a_csv_with_nul_characters_is_read_without_them():
    """Python's csv refuses a line with NUL (a 500 before); the imports drop it, as no column takes it."""
    import io

    from criteria.services.lists import _read_rows
    from portal.tables import Column, read_table

    data = "名称,说明\n黄石\x00铸造,气孔\x00控制\n".encode()
    upload = io.BytesIO(data)
    upload.name = "demands.csv"
    rows = list(read_table(upload, [Column("name", "名称", required=True), Column("note", "说明")]))
    assert rows[0][1] == {"name": "黄石铸造", "note": "气孔控制"}
    assert _read_rows(io.BytesIO(data), "list.csv")[1] == ["黄石铸造", "气孔控制"]
