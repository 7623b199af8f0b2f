"""Builders of review test data: submitted applications (through the enterprise's own service) at any step."""

from __future__ import annotations

from pool.models import Application, ApplicationStatus
from pool.services.applications import application_submit
from pool.services.review import (
    application_county_approve,
    application_province_recommend,
    application_recommend,
)
from tests.factories import user_with_role
from tests.pool.helpers import enterprise_login, make_application, valid_data

S = ApplicationStatus


def reviewer(role: str, region: str):
    return user_with_role(role, region)


def submitted(batch, *, user=None, region: str = "420202", change=None, **org) -> Application:
    """An application submitted by its enterprise (revision 1, scored); ``change(data)`` edits the facts first."""
    user = user or enterprise_login(region, **org)
    data = valid_data(user.organisation)
    if change:
        change(data)
    application = make_application(user, batch, data=data)
    application_submit(application=application, user=user)
    application.refresh_from_db()
    return application


def advanced(batch, to: str, *, region: str = "420202", **kwargs) -> Application:
    """A submitted application moved by the real services up to status ``to``."""
    application = submitted(batch, region=region, **kwargs)
    steps = [(S.COUNTY_APPROVED, "county", region, application_county_approve),
             (S.RECOMMENDED, "city", region[:4] + "00", application_recommend),
             (S.PROVINCE_RECOMMENDED, "province", region[:2] + "0000", application_province_recommend)]
    for status, role, where, service in steps:
        if to == S.SUBMITTED:
            break
        service(application=application, reviewer=reviewer(role, where))
        if status == to:
            break
    application.refresh_from_db()
    return application


def no_filing(data: dict) -> None:
    """Criterion 4 ``warn``: the qualifying product has no product-filing number."""
    data["products"][0]["filing_no"] = ""


def low_rate(data: dict) -> None:
    """Criterion 5 ``fail``: no counted patent is used in a product on sale."""
    for patent in data["patents"]:
        patent["used_in_product"] = False
