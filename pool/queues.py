"""Scoped reads of the review pages: the reviewer's queue and the city's / province's ranked list.

Both go through ``visible_to`` and leave the facts JSON (``data``) unread, so a page of 50 rows reads 50 narrow
rows whatever the size of the applications. The ranking order is one rule, stated once (``RANK_RULE``) and
shown on the page: composite score, then industrialisation rate, then R&D intensity (both as the evaluator
computed them, read from the stored evaluation), then the earlier submission.
"""

from __future__ import annotations

from django.db.models import F, FloatField, Func, JSONField, OuterRef, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, NullIf

from portal.models import User

from .models import Application, ApplicationStatus, Batch, Evaluation

S = ApplicationStatus
LIST_FIELDS = ("pk", "batch_id", "enterprise_id", "region_id", "enterprise_name", "uscc", "industry_code", "status",
               "verdict", "score", "criteria_set_id", "criteria_set_version", "revision_number", "submitted_at",
               "updated_at", "batch__name", "region__name")

#: What each bureau's ranked list holds: everything that reached its level.
RANKED_STATUSES = {
    "city": (S.COUNTY_APPROVED, S.RECOMMENDED, S.CITY_REJECTED, S.PROVINCE_RECOMMENDED, S.PROVINCE_REJECTED,
             S.ADMITTED),
    "province": (S.RECOMMENDED, S.PROVINCE_RECOMMENDED, S.PROVINCE_REJECTED, S.ADMITTED),
    "admin": (S.RECOMMENDED, S.PROVINCE_RECOMMENDED, S.PROVINCE_REJECTED, S.ADMITTED),
}
#: The status each bureau decides on (the default of its ranked list's status filter).
AWAITING = {"county": S.SUBMITTED, "city": S.COUNTY_APPROVED, "province": S.RECOMMENDED, "admin": S.RECOMMENDED}
RANK_RULE = ("按综合评分从高到低排序；评分相同时，依次比较专利产业化率、研发投入占营业收入比例（均从高到低，"
             "取自系统评分时的计算结果）；仍相同的，按提交时间先后排序。")
# Criteria 5 and 6 are the 5th and 6th results of every evaluation (the evaluators run in the standard's order).
RATE = ("results__results__4__evidence__used_in_products", "results__results__4__evidence__counted_patents")
INTENSITY = ("results__results__5__evidence__rnd_expense", "results__results__5__evidence__revenue")


def _ratio(numerator: str, denominator: str) -> Subquery:
    value = Cast(KT(numerator), FloatField()) / NullIf(Cast(KT(denominator), FloatField()), Value(0.0))
    evaluation = (Evaluation.objects.filter(application_id=OuterRef("pk"), criteria_set_id=OuterRef("criteria_set_id"))
                  .order_by().annotate(ratio=value).values("ratio")[:1])
    return Subquery(evaluation, output_field=FloatField())


class TieBreakEvidence(Func):
    """The evidence of criteria 5 and 6 of a stored evaluation as one small JSON array. On PostgreSQL the stored
    results are decompressed once for both (each ``->>`` would decompress them again), which is what a file of
    100,000 rows needs; the ratios are then computed by ``tie_break_ratios``."""

    output_field = JSONField()
    template = ("json_array(json_extract(%(expressions)s, '$.results[4].evidence'), "
                "json_extract(%(expressions)s, '$.results[5].evidence'))")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="jsonb_path_query_array(%(expressions)s, '$.results[4,5].evidence')", **extra)


def tie_break_evidence() -> Subquery:
    evaluation = (Evaluation.objects.filter(application_id=OuterRef("pk"), criteria_set_id=OuterRef("criteria_set_id"))
                  .order_by().values(evidence=TieBreakEvidence(F("results")))[:1])
    return Subquery(evaluation, output_field=JSONField())


def _quotient(numerator, denominator) -> float | None:
    try:
        top, bottom = float(numerator), float(denominator)
    except (TypeError, ValueError):
        return None
    return top / bottom if bottom else None


def tie_break_ratios(evidence) -> tuple[float | None, float | None]:
    """(industrialisation rate, R&D intensity) from ``TieBreakEvidence`` — the same quotients ``with_rank_keys``
    computes in SQL (None where the denominator is missing or zero)."""
    rate, rnd = (list(evidence or []) + [None, None])[:2]
    rate, rnd = rate or {}, rnd or {}
    return (_quotient(rate.get("used_in_products"), rate.get("counted_patents")),
            _quotient(rnd.get("rnd_expense"), rnd.get("revenue")))


RANK_ORDER = (F("score").desc(nulls_last=True), F("rank_rate").desc(nulls_last=True),
              F("rank_intensity").desc(nulls_last=True), F("submitted_at").asc(nulls_last=True), F("pk").asc())


def with_rank_keys(queryset):
    """``queryset`` with the tie-breakers annotated (``rank_rate``, ``rank_intensity``) in ranking order."""
    return queryset.annotate(rank_rate=_ratio(*RATE), rank_intensity=_ratio(*INTENSITY)).order_by(*RANK_ORDER)


def review_queue(*, user: User):
    """Every submitted application (a revision exists) the reviewer may see; drafts never submitted are the
    enterprise's own business."""
    return (Application.objects.visible_to(user).filter(current_revision__isnull=False)
            .select_related("batch", "region").only(*LIST_FIELDS).order_by("submitted_at", "pk"))


def ranked_list(*, user: User):
    """What reached the user's level, ranked (``RANK_RULE``); filter by batch before reading."""
    statuses = RANKED_STATUSES.get(user.role, ())
    queryset = (Application.objects.visible_to(user).filter(status__in=statuses)
                .select_related("batch", "region").only(*LIST_FIELDS))
    return with_rank_keys(queryset)


def default_batch(user: User) -> Batch | None:
    """The batch a ranked list opens on: the most recent call the user can see."""
    return Batch.objects.visible_to(user).order_by("-opens_on", "-id").first()
