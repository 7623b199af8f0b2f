"""The pledge-financing figures the bureaus report (seed 001 target 5, seed 002 "质押融资金额和项目数年均增幅30%以上",
seed 004's pledge registration amount): pledge registrations by registration date, in the enterprise's county."""

from portal.indicators import Indicator, Measure

from .models import PledgeRegistration

GROUP = "质押融资"
COLUMNS = (("登记日期", "registered_on"), ("质押登记编号", "registration_no"), ("企业", "enterprise.name"),
           ("所在地", "region.name"), ("银行", "bank.name"), ("质押融资金额（元）", "loan_amount"),
           ("质押物评估价值（元）", "pledged_value"))


def pledges():
    return PledgeRegistration.objects.all()


def _pledge(code, name, unit, measure, order, aliases):
    return Indicator(code=code, name=name, unit=unit, group=GROUP, records=pledges, date_field="registered_on",
                     region_field="region", measure=measure, period_note="按质押登记日期",
                     region_note="按企业所在县（市、区）", order=order, aliases=aliases, columns=COLUMNS,
                     select_related=("enterprise", "region", "bank"), sources=(("finance.PledgeRegistration", ""),))


INDICATORS = [
    _pledge("pledge_amount", "专利质押融资金额", "元", Measure("sum", "loan_amount"), 50,
            ("专利质押融资金额", "质押融资登记金额", "质押融资金额")),
    _pledge("pledge_count", "专利质押项目数", "项", Measure("count"), 51, ("专利质押项目数", "质押项目数")),
]
