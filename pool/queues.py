"""Scoped reads of the review pages: the reviewer's queue and the city's / province's ranked list.

Both go through ``visible_to`` and leave the facts JSON (``data``) unread, so a page of 50 rows reads 50 narrow
rows whatever the size of the applications. The ranking order is one rule, stated once (``RANK_RULE``) and
shown on the page: composite score, then industrialisation rate, then R&D intensity (both as the evaluator
computed them, stored beside the score by scoring), then the earlier submission.
"""

from __future__ import annotations

from django.db.models import F

from portal.models import User

from .models import Application, ApplicationStatus, Batch

S = ApplicationStatus
LIST_FIELDS = ("pk", "batch_id", "enterprise_id", "region_id", "enterprise_name", "uscc", "industry_code", "status",
               "verdict", "score", "rank_rate", "rank_intensity", "criteria_set_id", "criteria_set_version",
               "revision_number", "submitted_at", "updated_at", "batch__name", "region__name")

#: What each bureau's ranked list holds: everything that reached its level.
RANKED_STATUSES = {
    "city": (S.COUNTY_APPROVED, S.RECOMMENDED, S.CITY_REJECTED, S.PROVINCE_RECOMMENDED, S.PROVINCE_REJECTED,
             S.ADMITTED),
    "province": (S.RECOMMENDED, S.PROVINCE_RECOMMENDED, S.PROVINCE_REJECTED, S.ADMITTED),
    "admin": (S.RECOMMENDED, S.PROVINCE_RECOMMENDED, S.PROVINCE_REJECTED, S.ADMITTED),
}
#: The status each bureau decides on (the default of its ranked list's status filter).
AWAITING = {"county": S.SUBMITTED, "city": S.COUNTY_APPROVED, "province": S.RECOMMENDED, "admin": S.RECOMMENDED}
#: Who works the review queue: each role something waits for.
REVIEW_ROLES = tuple(AWAITING)
#: Who reads a ranked list and its quota.
RANKING_ROLES = tuple(RANKED_STATUSES)
RANK_RULE = ("按综合评分从高到低排序；评分相同时，依次比较专利产业化率、研发投入占营业收入比例（均从高到低，"
             "取自系统评分时的计算结果）；仍相同的，按提交时间先后排序。")
RANK_ORDER = (F("score").desc(nulls_last=True), F("rank_rate").desc(nulls_last=True),
              F("rank_intensity").desc(nulls_last=True), F("submitted_at").asc(nulls_last=True), F("pk").asc())


def in_rank_order(queryset):
    """``queryset`` in ranking order (``RANK_RULE``)."""
    return queryset.order_by(*RANK_ORDER)


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
    return in_rank_order(queryset)


def rank_positions(*, user: User, batch_id) -> dict[int, int]:
    """Each application's place in the user's whole ranked list of the batch (1 = first), whatever filter a page
    or an export applies, so a rank number means the same everywhere."""
    pks = ranked_list(user=user).filter(batch_id=batch_id).values_list("pk", flat=True)
    return {pk: place for place, pk in enumerate(pks, start=1)}


def default_batch(user: User) -> Batch | None:
    """The batch a ranked list opens on: the most recent call the user can see."""
    return Batch.objects.visible_to(user).order_by("-opens_on", "-id").first()
