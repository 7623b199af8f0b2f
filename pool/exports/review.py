"""Excel exports of the review: the reviewer's queue and the recommendation list (推荐名单).

Both are rebuilt from the person and the filter they applied (the same ``ReviewFilter`` and scoping as the
page), so the file holds exactly the rows of the page's current filter. Rows are read as narrow rows of plain
columns (the ranking's tie-breakers included) through a server-side cursor, never as the facts JSON, which
keeps 100,000 rows fast and flat in memory. The recommendation list has a summary sheet and one sheet per
county (per city for the province), in ranking order with the rank in the whole list.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from portal.exports import DATE, PERCENT, Column, Exporter, filtered, numbered, sliced

from ..filters import ReviewFilter, ReviewQueueFilter
from ..models import ApplicationStatus, Verdict
from ..queues import default_batch, rank_positions, ranked_list, review_queue
from ..services.review.upper import CITY_PLACES, PROVINCE_PLACES

STATUS_LABELS = dict(ApplicationStatus.choices)
VERDICT_LABELS = dict(Verdict.choices)
ROW_FIELDS = ("pk", "enterprise_name", "uscc", "region__name", "industry_code", "score", "rank_rate",
              "rank_intensity", "verdict", "status", "submitted_at", "batch__name")
SCORE = "0.00"


def _columns(rank_header: str) -> list[Column]:
    # Number formats only where a plain value would mislead (scores, ratios, dates): every formatted cell costs
    # a styled cell object, and a 100,000-row file writes 1.2 million cells.
    return [
        Column(rank_header, lambda r: r["rank"], 8),
        Column("企业名称", lambda r: r["enterprise_name"], 36),
        Column("统一社会信用代码", lambda r: r["uscc"], 21),
        Column("所在县（市、区）", lambda r: r["region__name"], 14),
        Column("主营行业代码", lambda r: r["industry_code"], 11),
        Column("综合评分", lambda r: r["score"], 10, SCORE),
        Column("专利产业化率", lambda r: r["rank_rate"], 12, PERCENT),
        Column("研发投入占营业收入比例", lambda r: r["rank_intensity"], 14, PERCENT),
        Column("预审结论", lambda r: VERDICT_LABELS.get(r["verdict"], ""), 10),
        Column("状态", lambda r: STATUS_LABELS.get(r["status"], r["status"]), 16),
        Column("提交时间", lambda r: r["submitted_at"], 12, DATE),
        Column("申报批次", lambda r: r["batch__name"], 20),
    ]


class _ReviewExporter(Exporter):
    filterset_class = ReviewFilter
    fields = ROW_FIELDS

    def base(self):
        raise NotImplementedError

    def queryset(self):
        return filtered(self.filterset_class, self.params, self.base(), self.user)

    def count(self) -> int:
        return self.queryset().order_by().count()

    def rows(self):
        return self.queryset().values(*self.fields)

    def window(self, offset, stop):
        return numbered(self.rows(), offset, stop, field="rank")


class ReviewQueueExporter(_ReviewExporter):
    """审核队列 — the queue as filtered and sorted on the page, on one sheet."""

    title = "申报审核列表"
    filename = "review-queue"
    filterset_class = ReviewQueueFilter
    columns = _columns("序号")

    def base(self):
        # The queue's own order unless the person sorted; the ranking's tie-breakers are shown as columns.
        return review_queue(user=self.user)


class RecommendationListExporter(_ReviewExporter):
    """推荐名单 — the ranked list of the batch: a summary sheet and one sheet per county (a city's list) or per
    city (the province's list)."""

    title = "推荐名单"
    filename = "recommendation-list"
    columns = _columns("排名")
    fields = (*ROW_FIELDS, "region__parent__name")

    def __init__(self, *, user, params: dict | None = None):
        super().__init__(user=user, params=params)
        if not self.params.get("batch"):
            batch = default_batch(user)
            if batch is not None:
                self.params["batch"] = str(batch.pk)
        # ``recommended=1`` (the page's main export link): what was recommended, the places used — not the page's
        # default view of what still waits for a decision.
        self.recommended_only = self.params.get("recommended") == "1"
        self._tally: dict[str, list] = defaultdict(lambda: [0, 0, Decimal(0), 0])
        self._group = "region__name" if user.role == "city" else "region__parent__name"
        self.summary_headers = ["县（市、区）" if user.role == "city" else "市（州）", "企业数", "其中已推荐",
                                "平均综合评分"]

    def base(self):
        ranked = ranked_list(user=self.user)
        if self.recommended_only:
            ranked = ranked.filter(status__in=CITY_PLACES if self.user.role == "city" else PROVINCE_PLACES)
        return ranked

    def window(self, offset, stop):
        batch = str(self.params.get("batch") or "")
        places = rank_positions(user=self.user, batch_id=batch) if batch.isdigit() else {}
        for row in sliced(self.rows(), offset, stop):
            row["rank"] = places.get(row["pk"])
            yield row

    def group_of(self, row) -> str:
        name = row[self._group] or row["region__name"]
        tally = self._tally[name]
        tally[0] += 1
        tally[1] += row["status"] in CITY_PLACES
        if row["score"] is not None:
            tally[2] += row["score"]
            tally[3] += 1
        return name

    def chunk_state(self) -> dict:
        return {name: [count, recommended, str(score_sum), scored]
                for name, (count, recommended, score_sum, scored) in self._tally.items()}

    def merge_states(self, states):
        self._tally.clear()
        for state in states:
            for name, (count, recommended, score_sum, scored) in state.items():
                tally = self._tally[name]
                tally[0] += count
                tally[1] += recommended
                tally[2] += Decimal(score_sum)
                tally[3] += scored

    def summary_rows(self, sheets):
        totals = [0, 0, Decimal(0), 0]
        for name in sheets:
            count, recommended, score_sum, scored = self._tally[name]
            totals = [totals[0] + count, totals[1] + recommended, totals[2] + score_sum, totals[3] + scored]
            yield [name, count, recommended, round(score_sum / scored, 2) if scored else None]
        yield ["合计", totals[0], totals[1], round(totals[2] / totals[3], 2) if totals[3] else None]
