"""Excel exports of the lifecycle decisions: the proposal list as filtered on its page, and the graduation list
(出库名单) and removal list (退库名单) with a summary sheet and one sheet per county. Rebuilt from the person and
the filter they applied (the same FilterSets and scoping as the pages); rows are read as narrow plain columns."""

from __future__ import annotations

from collections import Counter

from portal.exports import DATE, Column, Exporter, filtered, numbered

from ..filters.proposals import DecisionFilter, ProposalFilter
from ..lifecycle.rules import reason_label
from ..lifecycle.workflow import AppealStatus, ProposalKind, ProposalStatus
from ..services.lifecycle.proposals import decision_list, proposal_list

KIND_LABELS = dict(ProposalKind.CHOICES)
STATUS_LABELS = dict(ProposalStatus.CHOICES)
APPEAL_LABELS = dict(AppealStatus.CHOICES)
FIELDS = ("pk", "membership__enterprise_name", "membership__uscc", "membership__region__name",
          "membership__admitted_on", "kind", "status", "reasons", "explanation", "evaluated_on", "proposed_at",
          "county_comment", "decided_on", "decision_comment", "appeal_until", "appeal__status")


def _reasons(row) -> str:
    return "、".join(reason_label(key) for key in row["reasons"] or [])


COMMON = [
    Column("企业名称", lambda r: r["membership__enterprise_name"], 36),
    Column("统一社会信用代码", lambda r: r["membership__uscc"], 21),
    Column("所在县（市、区）", lambda r: r["membership__region__name"], 14),
    Column("入库日期", lambda r: r["membership__admitted_on"], 12, DATE),
]


class _ProposalRows(Exporter):
    filterset_class = ProposalFilter

    def base(self):
        raise NotImplementedError

    def queryset(self):
        return filtered(self.filterset_class, self.params, self.base(), self.user)

    def count(self) -> int:
        return self.queryset().order_by().count()

    def window(self, offset, stop):
        return numbered(self.queryset().values(*FIELDS), offset, stop)


class ProposalExporter(_ProposalRows):
    """出库退库建议 — the proposals as filtered on the page."""

    title = "出库退库建议"
    filename = "lifecycle-proposals"
    columns = [
        Column("序号", lambda r: r["number"], 8),
        *COMMON,
        Column("建议类型", lambda r: KIND_LABELS.get(r["kind"], r["kind"]), 10),
        Column("状态", lambda r: STATUS_LABELS.get(r["status"], r["status"]), 18),
        Column("理由", _reasons, 30),
        Column("说明", lambda r: r["explanation"], 60),
        Column("评估基准日", lambda r: r["evaluated_on"], 12, DATE),
        Column("县级处理时间", lambda r: r["proposed_at"], 12, DATE),
        Column("县级意见", lambda r: r["county_comment"], 30),
        Column("决定日期", lambda r: r["decided_on"], 12, DATE),
        Column("决定意见", lambda r: r["decision_comment"], 30),
    ]

    def base(self):
        return proposal_list(user=self.user)


class _DecisionExporter(_ProposalRows):
    """A decided list: a summary sheet (enterprises per county) and one sheet per county."""

    filterset_class = DecisionFilter
    kind = ProposalKind.GRADUATE
    summary_headers = ["县（市、区）", "企业数"]

    def __init__(self, *, user, params: dict | None = None):
        super().__init__(user=user, params=params)
        self._tally: Counter = Counter()

    def base(self):
        return decision_list(user=self.user, kind=self.kind).order_by("membership__region_id", "decided_on", "pk")

    def group_of(self, row) -> str:
        name = row["membership__region__name"] or "未知地区"
        self._tally[name] += 1
        return name

    def chunk_state(self) -> dict:
        return dict(self._tally)

    def merge_states(self, states):
        self._tally = sum((Counter(state) for state in states), Counter())

    def summary_rows(self, sheets):
        for name in sheets:
            yield [name, self._tally[name]]
        yield ["合计", sum(self._tally.values())]


class GraduationListExporter(_DecisionExporter):
    """出库名单."""

    title = "出库名单"
    filename = "graduation-list"
    kind = ProposalKind.GRADUATE
    columns = [
        Column("序号", lambda r: r["number"], 8),
        *COMMON,
        Column("出库日期", lambda r: r["decided_on"], 12, DATE),
        Column("出库理由", _reasons, 30),
        Column("说明", lambda r: r["explanation"], 60),
        Column("决定意见", lambda r: r["decision_comment"], 30),
    ]


class RemovalListExporter(_DecisionExporter):
    """退库名单."""

    title = "退库名单"
    filename = "removal-list"
    kind = ProposalKind.REMOVE
    columns = [
        Column("序号", lambda r: r["number"], 8),
        *COMMON,
        Column("退库日期", lambda r: r["decided_on"], 12, DATE),
        Column("退库理由", _reasons, 30),
        Column("说明", lambda r: r["explanation"], 60),
        Column("决定意见", lambda r: r["decision_comment"], 30),
        Column("申诉截止日期", lambda r: r["appeal_until"], 12, DATE),
        Column("申诉", lambda r: APPEAL_LABELS.get(r["appeal__status"], "未申诉"), 12),
    ]


DECISION_EXPORTERS = {ProposalKind.GRADUATE: GraduationListExporter, ProposalKind.REMOVE: RemovalListExporter}
