"""Excel exports of the member pages through the shared ``portal.exports`` exporter: the member list (入库企业名单),
the replenishment ledger (增补名额台账, one sheet per scope and a summary of the balances) and the follow-up
milestones (接续培育). Each is rebuilt from the person and the filter they applied, with the page's FilterSet and
scoping, and reads narrow rows through a server-side cursor."""

from __future__ import annotations

from portal.exports import DATE, Column, Exporter, filtered, numbered

from ..filters.members import LedgerFilter, MemberFilter, MilestoneFilter
from ..lifecycle.workflow import MembershipStatus
from ..models import MilestoneKind
from ..services.lifecycle.follow_up import LEVEL_LABELS
from ..services.lifecycle.member_lists import (
    SCOPE_LABELS,
    ledger_balances,
    ledger_lines,
    member_list,
    milestone_list,
)

STATUS_LABELS = dict(MembershipStatus.CHOICES)
KIND_LABELS = dict(MilestoneKind.choices)


class _FilteredExporter(Exporter):
    filterset_class = None
    fields: tuple[str, ...] = ()

    def base(self):
        raise NotImplementedError

    def queryset(self):
        return filtered(self.filterset_class, self.params, self.base(), self.user)

    def count(self) -> int:
        return self.queryset().order_by().count()

    def window(self, offset, stop):
        return numbered(self.queryset().values(*self.fields), offset, stop)


class MemberListExporter(_FilteredExporter):
    """入库企业名单 — the members as filtered on the page."""

    title = "入库企业名单"
    filename = "pool-members"
    filterset_class = MemberFilter
    fields = ("pk", "enterprise_name", "uscc", "region__name", "batch__name", "admitted_on", "replenishment",
              "status", "status_changed_on", "policy_code")
    columns = [
        Column("序号", lambda r: r["number"], 8),
        Column("企业名称", lambda r: r["enterprise_name"], 36),
        Column("统一社会信用代码", lambda r: r["uscc"], 21),
        Column("所在县（市、区）", lambda r: r["region__name"], 14),
        Column("入库批次", lambda r: r["batch__name"], 30),
        Column("入库日期", lambda r: r["admitted_on"], 12, DATE),
        Column("入库方式", lambda r: "增补入库" if r["replenishment"] else "常规入库", 10),
        Column("状态", lambda r: STATUS_LABELS.get(r["status"], r["status"]), 10),
        Column("状态变更日期", lambda r: r["status_changed_on"], 12, DATE),
        Column("动态调整规则", lambda r: r["policy_code"], 16),
    ]

    def base(self):
        return member_list(user=self.user)


class LedgerExporter(_FilteredExporter):
    """增补名额台账 — a summary of each scope's balance and one sheet of lines per scope."""

    title = "增补名额台账"
    filename = "replenishment-ledger"
    filterset_class = LedgerFilter
    fields = ("pk", "scope_region__name", "scope", "entered_on", "places", "membership__enterprise_name",
              "membership__uscc", "graduation__decided_on", "graduation_id", "admission__batch__name")
    summary_headers = ["计算范围", "范围类型", "已决定出库（家）", "获得名额", "已增补（家）", "剩余名额"]
    columns = [
        Column("日期", lambda r: r["entered_on"], 12, DATE),
        Column("名额变化", lambda r: r["places"], 10),
        Column("事项", lambda r: "出库获得增补名额" if r["places"] > 0 else "增补入库使用名额", 18),
        Column("企业名称", lambda r: r["membership__enterprise_name"], 36),
        Column("统一社会信用代码", lambda r: r["membership__uscc"], 21),
        Column("出库决定日期", lambda r: r["graduation__decided_on"], 12, DATE),
        Column("增补入库批次", lambda r: r["admission__batch__name"] or "", 30),
    ]

    def base(self):
        return ledger_lines(user=self.user).order_by("scope_region", "entered_on", "pk")

    def group_of(self, row) -> str:
        return row["scope_region__name"]

    def summary_rows(self, sheets):
        for balance in ledger_balances(user=self.user):
            yield [balance["name"], SCOPE_LABELS.get(balance["scope"], balance["scope"]), balance["graduations"],
                   balance["earned"], balance["used"], balance["available"]]


class MilestoneExporter(_FilteredExporter):
    """接续培育节点 — the milestones as filtered on the page."""

    title = "接续培育节点"
    filename = "follow-up-milestones"
    filterset_class = MilestoneFilter
    fields = ("pk", "membership__enterprise_name", "membership__uscc", "membership__region__name", "kind", "level",
              "certificate_no", "obtained_on", "note", "membership__status")
    columns = [
        Column("序号", lambda r: r["number"], 8),
        Column("企业名称", lambda r: r["membership__enterprise_name"], 36),
        Column("统一社会信用代码", lambda r: r["membership__uscc"], 21),
        Column("所在县（市、区）", lambda r: r["membership__region__name"], 14),
        Column("资质", lambda r: KIND_LABELS.get(r["kind"], r["kind"]), 24),
        Column("级别", lambda r: LEVEL_LABELS.get(r["level"], r["level"]), 10),
        Column("证书编号", lambda r: r["certificate_no"], 20),
        Column("取得日期", lambda r: r["obtained_on"], 12, DATE),
        Column("企业状态", lambda r: STATUS_LABELS.get(r["membership__status"], ""), 10),
        Column("说明", lambda r: r["note"], 30),
    ]

    def base(self):
        return milestone_list(user=self.user)
