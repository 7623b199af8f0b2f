"""Extreme input everywhere a person types into the application, the demand form and the supply import: huge,
negative, exponent notation, far dates, long and odd Unicode. Never a 500; a Chinese message at the field (or row);
the draft keeps exactly what was typed in that field and nothing else changes."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pool.models import Application
from pool.schema import IDENTITY, RND
from tests.factories import user_with_role
from tests.pool.helpers import make_application, make_batch

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

EXTREME = st.one_of(
    st.sampled_from(["1e30", "1E+5", "-1", "-0.001", "1e1000000", "9" * 60, "0" * 500 + "1", "NaN", "Infinity",
                     "1850-01-01", "9999-12-31", "0001-01-01", "2024-02-30", "１２３", "1,2,3", "—", "\u202e42",
                     "a\x00b", "<script>alert(1)</script>", "'; DROP TABLE x; --", "\ud7ff", "𠮷野家" * 300]),
    st.integers(min_value=-10**40, max_value=10**40).map(str),
    st.text(min_size=1, max_size=3000),
)
FIELDS = [f"identity.{f.name}" for f in IDENTITY.fields if not f.registered] + [f"rnd.{f.name}" for f in RND.fields]


@pytest.fixture
def draft(shipped):
    user = user_with_role("enterprise", "420202")
    return user, make_application(user, make_batch())


@SETTINGS
@given(field=st.sampled_from(FIELDS), value=EXTREME)
def test_autosave_never_fails_and_keeps_the_typed_value_at_its_field(client, draft, field, value):
    user, application = draft
    client.force_login(user)
    before = Application.objects.get(pk=application.pk).data
    section, name = field.split(".")
    response = client.post(reverse("pool:application-autosave", args=[application.pk]),
                           {"_section": section, field: value})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    error = body["errors"].get(field)
    assert error is None or CJK.search(error)
    after = Application.objects.get(pk=application.pk).data
    stored = after[section][name]
    typed = value.strip().replace("\x00", "")[:10_000]
    assert stored in (typed, None, True, False) or stored == typed, (stored, typed)
    for other in after:
        if other != section:
            assert after[other] == before[other]


@SETTINGS
@given(title=EXTREME, description=EXTREME, budget=EXTREME)
def test_the_demand_form_answers_every_value_in_chinese(client, shipped, title, description, budget):
    user = user_with_role("enterprise", "420202")
    client.force_login(user)
    response = client.post(reverse("matching:demand-create"), {
        "title": title, "description": description, "industry_chain": "铸造", "budget": budget,
        "cooperation_mode": "any"})
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        errors = response.context["form"].errors
        assert errors and all(CJK.search(m) for messages in errors.values() for m in messages), errors


@SETTINGS
@given(cells=st.lists(EXTREME, min_size=3, max_size=3))
def test_the_supply_import_reports_bad_rows_in_chinese_and_imports_nothing_of_them(client, shipped, cells):
    from matching.models import SupplyPatent
    from tests.matching.conftest import SUPPLY_HEADER

    supplier = user_with_role("supplier", "420200")
    client.force_login(supplier)
    title, price, application_no = (c.replace(",", "，").replace("\n", " ").replace("\r", " ") for c in cells)
    row = f"P1,{application_no},invention,{title},一种装置,B22D,,湖北理工学院,university,valid,transfer,{price},铸造"
    upload = SimpleUploadedFile("patents.csv", f"{SUPPLY_HEADER}\n{row}\n".encode("utf-8", "surrogatepass"),
                                content_type="text/csv")
    before = SupplyPatent.objects.count()
    response = client.post(reverse("matching:patent-import"), {"file": upload})
    assert response.status_code in (200, 302), response.status_code
    report = response.context["report"] if response.status_code == 200 else None
    assert response.status_code == 302 or report is not None  # the file was read, not refused as a form
    if report is not None and not report.ok:
        assert SupplyPatent.objects.count() == before
        assert report.file_error or all(CJK.search(e.message) for e in report.errors)


DEMAND_HEADER = "demand_id,title,description,industry_field,industry_chain,ipc_hint,budget_yuan,cooperation_mode"
CELL = st.one_of(EXTREME, st.sampled_from([10**40, -(10**40), 1e308, -1, 0.001]))


def _demand_upload(kind: str, cells: list) -> SimpleUploadedFile:
    if kind == "xlsx":
        from io import BytesIO

        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(DEMAND_HEADER.split(","))
        # openpyxl refuses control characters and numbers Excel cannot hold; such a cell stays text
        sheet.append(["D1", *[_excel_cell(c) for c in cells[:2]], "铸造", "铸造", _excel_cell(cells[2]),
                      _excel_cell(cells[3]), "不限"])
        buffer = BytesIO()
        workbook.save(buffer)
        return SimpleUploadedFile("demands.xlsx", buffer.getvalue())
    text = [str(c).replace(",", "，").replace("\n", " ").replace("\r", " ").replace('"', "”") for c in cells]
    row = f"D1,{text[0]},{text[1]},铸造,铸造,{text[2]},{text[3]},不限"
    return SimpleUploadedFile("demands.csv", f"{DEMAND_HEADER}\n{row}\n".encode("utf-8", "surrogatepass"),
                              content_type="text/csv")


def _excel_cell(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, (int, float)) and abs(value) < 1e300:
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32_000]


@SETTINGS
@given(kind=st.sampled_from(["csv", "xlsx"]), cells=st.lists(CELL, min_size=4, max_size=4))
def test_the_demand_import_reports_bad_rows_in_chinese_and_stores_only_valid_rows(client, shipped, kind, cells):
    from decimal import Decimal

    from matching.models import Demand

    user = user_with_role("enterprise", "420202")
    client.force_login(user)
    stored = list(Demand.objects.order_by("pk").values("pk", "title", "description", "budget", "ipc_hint"))
    before = {row["pk"] for row in stored}
    response = client.post(reverse("matching:demand-import"), {"file": _demand_upload(kind, cells)})
    assert response.status_code == 200, response.status_code
    report = response.context["report"]
    assert report is not None  # the file was read, not refused as a form
    new = Demand.objects.exclude(pk__in=before)
    if not report.ok:
        assert not new.exists()  # atomic: nothing of a refused file, and the demand D1 it would update unchanged
        assert list(Demand.objects.order_by("pk").values("pk", "title", "description", "budget", "ipc_hint")) == stored
        assert report.file_error or report.errors
        messages = [report.file_error] if report.file_error else [e.message for e in report.errors]
        assert all(CJK.search(m) for m in messages), messages
        return
    for demand in new:  # what was stored is a value the portal can hold, print and export
        assert "\x00" not in demand.title + demand.description
        assert len(demand.title) <= 200 and len(demand.description) <= 5000
        assert demand.budget is None or Decimal(0) <= demand.budget < Decimal("1e12")
