"""Builders of pool test data: an open batch, an enterprise's draft, a complete and valid set of facts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from criteria.models import CriteriaSet
from pool.models import Application, Batch
from pool.schema import empty_data
from portal.validators import patent_check_digit
from tests.factories import OrganisationFactory, UserFactory


def patent_no(serial: int, kind: str = "1", year: int = 2020) -> str:
    digits = f"{year}{kind}{serial:07d}"
    return f"{digits}.{patent_check_digit(digits)}"


def make_batch(*, code: str = "national-2024", opens_in: int = -10, closes_in: int = 20, **extra) -> Batch:
    today = timezone.localdate()
    criteria_set = CriteriaSet.objects.filter(code=code).order_by("-version").first()
    return Batch.objects.create(name=extra.pop("name", "2026 年度申报"), year=today.year, region_id="420000",
                                criteria_set=criteria_set, opens_on=today + timedelta(days=opens_in),
                                closes_on=today + timedelta(days=closes_in), **extra)


def enterprise_login(region: str = "420202", **kwargs):
    organisation = OrganisationFactory(region_id=region, **kwargs)
    return UserFactory(organisation=organisation)


def valid_data(enterprise) -> dict:
    """Facts that pass every criterion of the national set on today's date."""
    today = timezone.localdate()
    first, second = patent_no(123456), patent_no(234567, kind="2", year=2021)
    data = empty_data()
    data["identity"] = {
        "name": enterprise.name, "uscc": enterprise.uscc, "region_code": enterprise.region_id,
        "legal_form": "company", "registration_date": "2015-03-01", "industry_code": "C3832",
        "employees": "200", "revenue": "80000000", "total_assets": "60000000",
    }
    data["qualifications"] = [{"type": "high_tech", "level": "national", "certificate_no": "GR202342000123",
                               "valid_from": (today - timedelta(days=300)).isoformat(),
                               "valid_to": (today + timedelta(days=700)).isoformat()}]
    data["patents"] = [
        {"application_no": first, "title": "一种智能分拣装置", "patent_type": "invention", "granted": True,
         "valid": True, "ownership": "owned", "licence_kind": "", "licence_from": "", "licence_to": "",
         "used_in_product": True},
        {"application_no": second, "title": "一种夹持机构", "patent_type": "utility_model", "granted": True,
         "valid": True, "ownership": "owned", "licence_kind": "", "licence_from": "", "licence_to": "",
         "used_in_product": True},
    ]
    data["products"] = [{"name": "智能分拣机", "core_patents": [first], "filing_no": "BA2024420001",
                         "sales": "30000000", "profit": "5000000", "patent_intensive": True}]
    data["trademarks"] = [{"registration_no": "12345678", "name": "黄智", "owned": True, "used_on_products": True,
                           "registered_on": "2019-05-07", "valid_to": ""}]
    data["rnd"] = {"rnd_expense": "9000000", "rnd_staff": "50", "total_staff": "200", "leader_name": "陈工",
                   "cooperations": []}
    data["ip_management"] = {"system": True, "organisation": True, "personnel": True, "safeguard": True,
                             "evidence": "知识产权管理办法（2023）", "gbt29490_certified": False,
                             "gbt29490_certificate_no": ""}
    data["integrity"] = {"declared": True, "note": ""}
    return data


def make_application(user, batch, *, data=None, **fields) -> Application:
    enterprise = user.organisation
    return Application.objects.create(
        batch=batch, enterprise=enterprise, region_id=enterprise.region_id, enterprise_name=enterprise.name,
        uscc=enterprise.uscc or "", data=data if data is not None else valid_data(enterprise), **fields)


def form_post(data: dict, sections=None) -> dict:
    """What the form posts for ``sections`` of ``data`` (flat ``section.field`` / ``section.i.field`` keys)."""
    from pool.schema import SECTION_BY_KEY

    post: dict = {"_section": list(sections or SECTION_BY_KEY)}
    for key in post["_section"]:
        spec = SECTION_BY_KEY[key]
        value = data.get(key)
        if spec.repeating:
            _rows(post, key, spec, value)
            continue
        for f in spec.fields:
            post[f"{key}.{f.name}"] = _text(value.get(f.name))
        for child in spec.children:
            _rows(post, f"{key}.{child.key}", child, value.get(child.key))
    return post


def _rows(post, prefix, spec, rows):
    for i, row in enumerate(rows or []):
        for f in spec.fields:
            post[f"{prefix}.{i}.{f.name}"] = _text(row.get(f.name))


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)
