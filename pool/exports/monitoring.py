"""Excel export of the monitoring summary of a year (每年监测汇总) through the shared ``portal.exports`` exporter:
the page's FilterSet and scoping, one sheet per county (区县) and a summary of each county's counts."""

from __future__ import annotations

from collections import Counter

from portal.exports import DATE, INTEGER, MONEY, Column, Exporter, filtered, sliced

from ..filters.monitoring import MonitoringFilter
from ..lifecycle.workflow import MembershipStatus
from ..models import MonitoringStatus
from ..services.lifecycle.monitoring import summary_list, summary_values

STATUS_LABELS = dict(MonitoringStatus.choices)
MEMBER_LABELS = dict(MembershipStatus.CHOICES)


def _rate(values: dict):
    return f"{values['rate']}%（{values['rate_used']}/{values['rate_counted']}）" if values["rate_counted"] else \
        ("0.00%（无计入专利）" if values["rate_used"] is not None else "")


class MonitoringSummaryExporter(Exporter):
    """每年监测汇总 — one row per member and year as filtered on the page; drafts (not yet filed) included."""

    title = "年度监测汇总"
    filename = "monitoring-summary"
    summary_headers = ["所在县（市、区）", "应报（家）", "已核实", "待核实", "退回修改", "未提交", "逾期提交"]
    columns = [
        Column("监测年度", lambda r: r.year, 10),
        Column("企业名称", lambda r: r.membership.enterprise_name, 36),
        Column("统一社会信用代码", lambda r: r.membership.uscc, 21),
        Column("所在县（市、区）", lambda r: r.membership.region.name, 14),
        Column("企业状态", lambda r: MEMBER_LABELS.get(r.membership.status, r.membership.status), 10),
        Column("报告状态", lambda r: STATUS_LABELS.get(r.status, r.status), 16),
        Column("逾期", lambda r: "逾期提交" if r.values["late"] else "", 10),
        Column("营业收入（元）", lambda r: r.values["revenue"], 18, MONEY),
        Column("利润总额（元）", lambda r: r.values["profit"], 18, MONEY),
        Column("研发投入（元）", lambda r: r.values["rnd_expense"], 18, MONEY),
        Column("当年授权专利（件）", lambda r: r.values["patents_granted"], 12, INTEGER),
        Column("专利产业化率", lambda r: _rate(r.values), 20),
        Column("入库后新增备案专利密集型产品（件）", lambda r: r.values["new_products"], 16, INTEGER),
        Column("首次提交日期", lambda r: r.values["first_submitted_on"], 12, DATE),
        Column("提交版本", lambda r: r.revision_number or None, 8, INTEGER),
        Column("核实日期", lambda r: r.verified_at if r.status == MonitoringStatus.ACCEPTED else None, 12, DATE),
        Column("县级意见", lambda r: r.comment, 30),
    ]

    def queryset(self):
        return filtered(MonitoringFilter, self.params, summary_list(user=self.user), self.user)

    def count(self) -> int:
        return self.queryset().order_by().count()

    def __init__(self, *, user, params: dict | None = None):
        super().__init__(user=user, params=params)
        self.tally: dict[str, Counter] = {}

    def window(self, offset, stop):
        for report in sliced(self.queryset(), offset, stop):
            report.values = summary_values(report)
            yield report

    def group_of(self, report) -> str:
        # Counted as the row is written (not as it is read): a chunk counts its own rows only.
        name = report.membership.region.name
        counts = self.tally.setdefault(name, Counter())
        counts["all"] += 1
        counts[report.status] += 1
        counts["late"] += report.values["late"]
        return name

    def chunk_state(self) -> dict:
        return {name: dict(counts) for name, counts in self.tally.items()}

    def merge_states(self, states):
        self.tally = {}
        for state in states:
            for name, counts in state.items():
                self.tally.setdefault(name, Counter()).update(counts)

    def summary_rows(self, sheets):
        for name, counts in sorted(self.tally.items()):
            yield [name, counts["all"], counts[MonitoringStatus.ACCEPTED], counts[MonitoringStatus.SUBMITTED],
                   counts[MonitoringStatus.RETURNED], counts[MonitoringStatus.DRAFT], counts["late"]]
