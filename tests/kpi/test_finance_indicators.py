"""Pledge-financing figures: pledge registrations by registration date and the enterprise's county. One loan goes
through the real whitelist → bank → loan → pledge services; the others hang off the same bank case."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from portal.indicators import get_indicator
from portal.models import Region
from portal.services.kpi import Period, kpi_rows

pytestmark = pytest.mark.django_db

Y2026 = (date(2026, 1, 1), date(2026, 12, 31))
Q1 = (date(2026, 1, 1), date(2026, 3, 31))
Q2 = (date(2026, 4, 1), date(2026, 6, 30))


@pytest.fixture
def pledges(shipped):
    from finance.models import FinancePolicy, Loan, PledgeRegistration
    from finance.services.feedback import loan_issue, pledge_register
    from tests.factories import user_with_role
    from tests.finance.helpers import bank, listed, member, publish

    if not FinancePolicy.objects.exists():
        call_command("load_finance_policies", verbosity=0)
    city = user_with_role("city", "420200")
    officer = bank()
    enterprise = member(region="420202")
    listed(enterprise, [officer])
    publish(city, [officer])
    loan = loan_issue(user=officer, enterprise=enterprise.organisation, contract_no="HT-1", amount="1000000",
                      annual_rate="3.5", term_months=12, start_on=date(2026, 3, 20), end_on=date(2027, 3, 20))
    pledge_register(user=officer, loan=loan, registration_no="ZY-1", registered_on=date(2026, 3, 31),
                    pledged_assets=["ZL202010000001.1"], pledged_value="2000000")
    # more pledges of the same bank case: (county, registered on, loan amount)
    for n, (region, day, amount) in enumerate([("420202", date(2026, 4, 1), 500000),
                                               ("420203", date(2026, 2, 1), 300000),
                                               ("420502", date(2026, 2, 1), 700000),
                                               ("420202", date(2025, 3, 1), 400000)], start=2):
        other = Loan.objects.create(case=loan.case, bank_id=loan.bank_id, enterprise_id=loan.enterprise_id,
                                    region_id=region, contract_no=f"HT-{n}", amount=Decimal(amount),
                                    annual_rate=Decimal("3.5"), term_months=12, start_on=day, end_on=date(2028, 1, 1))
        PledgeRegistration.objects.create(loan=other, bank_id=loan.bank_id, enterprise_id=loan.enterprise_id,
                                          region_id=region, registration_no=f"ZY-{n}", registered_on=day,
                                          pledged_assets=["x"], pledged_value=Decimal(amount),
                                          loan_amount=Decimal(amount))
    return loan


def figures(code, prefix, *ranges):
    return get_indicator(code).values(prefix, list(ranges))


def test_pledge_amount_and_count_by_registration_date_and_county(pledges):
    # Huangshi Q1: ZY-1 (03-31, 黄石港区) and ZY-3 (西塞山区); ZY-2 (04-01) is Q2; ZY-4 is Yichang's; ZY-5 last year
    assert figures("pledge_amount", "4202", Q1, Q2, Y2026) == [Decimal(1300000), Decimal(500000), Decimal(1800000)]
    assert figures("pledge_count", "4202", Q1, Q2, Y2026) == [2, 1, 3]
    assert figures("pledge_count", "420202", Y2026) == [2]
    assert figures("pledge_amount", "4205", Y2026) == [Decimal(700000)]
    assert figures("pledge_amount", "42", Y2026) == [Decimal(2500000)]


def test_pledge_growth_year_on_year(pledges):
    rows = {r.indicator.code: r for r in kpi_rows(region=Region.objects.get(code="420202"),
                                                   period=Period.parse("2026Q1"))}
    # 黄石港区 Q1: 1,000,000 against 400,000 a year before: +150 %
    assert rows["pledge_amount"].value == Decimal(1000000) and rows["pledge_amount"].previous == Decimal(400000)
    assert rows["pledge_amount"].growth == Decimal(150)
    assert rows["pledge_count"].text_growth == "0.0%"
