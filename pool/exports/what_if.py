"""The simulation of a draft criteria set as Excel: a summary sheet (verdict changes, criteria flipped, who
enters and leaves each quota) and one sheet per city of the applications whose result would change."""

from __future__ import annotations

from functools import cached_property

from criteria.results import OUTCOME_LABELS, VERDICT_LABELS
from portal.exports import Column, Exporter, sliced
from portal.models import Region

from ..models import Simulation, SimulationChange


def _quota(flag) -> str:
    return "—" if flag is None else ("名额内" if flag else "名额外")


def _flips(change) -> str:
    return "；".join(f"标准 {n}：{OUTCOME_LABELS.get(b, b)} → {OUTCOME_LABELS.get(a, a)}" for n, b, a in change.flipped)


class SimulationExporter(Exporter):
    title = "模拟测算"
    filename = "标准修订模拟测算"
    summary_headers = ["项目", "数量或说明"]
    columns = [
        Column("企业名称", lambda c: c.enterprise_name, 32),
        Column("所在县（市、区）", lambda c: c.region.name if c.region else "", 16),
        Column("现行标准结论", lambda c: VERDICT_LABELS.get(c.before_verdict, c.before_verdict), 22),
        Column("草案结论", lambda c: VERDICT_LABELS.get(c.after_verdict, c.after_verdict), 22),
        Column("现行标准评分", lambda c: c.before_score, 12, "0.00"),
        Column("草案评分", lambda c: c.after_score, 12, "0.00"),
        Column("结果变化的标准", _flips, 48),
        Column("现行标准下", lambda c: _quota(c.before_in_quota), 10),
        Column("草案下", lambda c: _quota(c.after_in_quota), 10),
    ]

    def simulation(self) -> Simulation:
        return Simulation.objects.visible_to(self.user).select_related("draft", "batch").get(
            pk=self.params["simulation"])

    @cached_property
    def _simulation(self) -> Simulation:
        return self.simulation()

    @cached_property
    def _cities(self) -> dict[str, str]:
        return dict(Region.objects.filter(code__endswith="00").values_list("code", "name"))

    def window(self, offset, stop):
        return sliced(SimulationChange.objects.filter(simulation=self._simulation).select_related("region")
                      .order_by("region_id", "-after_score", "application_id"), offset, stop)

    def count(self) -> int:
        return SimulationChange.objects.filter(simulation=self.simulation()).count()

    def group_of(self, change) -> str:
        code = (change.region_id or "")[:4] + "00"
        return self._cities.get(code, "其他")

    def summary_rows(self, sheets):
        simulation = self._simulation
        summary = simulation.summary
        yield ["草案", simulation.draft.name]
        yield ["申报批次", simulation.batch.name]
        yield ["模拟时间", f"{simulation.finished_at or simulation.started_at:%Y-%m-%d %H:%M}"]
        yield ["参与模拟的申报", simulation.application_count]
        yield ["结论或排序变化的申报", simulation.changed_count]
        for row in summary.get("verdicts", []):
            if row["before"] != row["after"]:
                yield [f"{row['before_label']} → {row['after_label']}", row["count"]]
        for row in summary.get("criteria", []):
            yield [f"标准 {row['number']} 结果变化（变好 / 变差）", f"{row['better']} / {row['worse']}"]
        for group in summary.get("quota", []):
            yield [f"{group['label']}（{group['limit']} 家）新进入", "、".join(p["name"] for p in group["entering"]) or "无"]
            yield [f"{group['label']}（{group['limit']} 家）退出", "、".join(p["name"] for p in group["leaving"]) or "无"]
        for name, sheet in sheets.items():
            yield [f"{name}：变化的申报", sheet.rows]
