from django.db import models
from django.db.models import Q

from portal.scoping import ScopedQuerySet

from ..choices import TRANSITIONS, DealMode, MatchStatus


class MatchQuerySet(ScopedQuerySet):
    """A match belongs to the demand's enterprise and region; the patent's supplier sees it too."""

    scope_region = "demand__region"
    scope_organisation = "demand__enterprise"

    def extra_scope_q(self, user) -> Q:
        if user.role == "supplier":
            return Q(patent__supplier_id=user.organisation_id)
        return Q(pk__in=[])

    def followed_by(self, user):
        """The matches a person follows up: a supplier every match of its own patents; an enterprise or bureau
        its demands' current suggestions and anything already acted on (an unranked, untouched suggestion has
        dropped out of the demand's top list)."""
        qs = self.visible_to(user)
        if user.role != "supplier":
            qs = qs.filter(Q(rank__isnull=False) | ~Q(status=MatchStatus.SUGGESTED))
        return qs


class Match(models.Model):
    """供需匹配 — a patent suggested for a demand by the engine, with the explanation of its score, and the
    follow-up of the pair (suggested → contacted → negotiating → deal | dropped).

    ``rank`` is the patent's place in the demand's list, ``patent_rank`` the demand's place in the patent's
    list; a pair is kept while it is in either top list or once someone has acted on it."""

    demand = models.ForeignKey("matching.Demand", verbose_name="需求", on_delete=models.CASCADE,
                               related_name="matches")
    patent = models.ForeignKey("matching.SupplyPatent", verbose_name="专利", on_delete=models.CASCADE,
                               related_name="matches")
    score = models.FloatField("匹配度")
    rank = models.PositiveSmallIntegerField("需求内排名", null=True, blank=True)
    patent_rank = models.PositiveSmallIntegerField("专利内排名", null=True, blank=True)
    explanation = models.JSONField("匹配说明", default=dict)
    status = models.CharField("跟进状态", max_length=16, choices=MatchStatus.choices,
                              default=MatchStatus.SUGGESTED, db_index=True)
    run = models.ForeignKey("matching.MatchingRun", verbose_name="匹配批次", null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    status_changed_at = models.DateTimeField("状态更新时间", null=True, blank=True)
    # 牵线: one party asks to be put in touch, the other accepts (or a bureau brokers it); only then does each
    # see the other's contact person and phone.
    introduction_requested_by = models.ForeignKey("portal.User", verbose_name="申请对接人", null=True, blank=True,
                                                  on_delete=models.SET_NULL, related_name="+")
    introduction_requested_at = models.DateTimeField("申请对接时间", null=True, blank=True)
    introduced_by = models.ForeignKey("portal.User", verbose_name="同意或促成对接人", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    introduced_at = models.DateTimeField("双方同意对接时间", null=True, blank=True)
    # A database default too: bulk COPY of new suggestions (services.store) names only the engine's columns.
    introduction_brokered = models.BooleanField("由主管部门促成", default=False, db_default=False)
    created_at = models.DateTimeField("推荐时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = "供需匹配"
        verbose_name_plural = "供需匹配"
        ordering = ["demand_id", "rank", "-score", "id"]
        constraints = [models.UniqueConstraint(fields=["demand", "patent"], name="match_demand_patent")]
        indexes = [models.Index(fields=["demand", "rank"]), models.Index(fields=["patent", "patent_rank"])]

    def __str__(self) -> str:
        return f"{self.demand} ↔ {self.patent}"

    def next_statuses(self) -> dict[str, dict]:
        return TRANSITIONS.get(self.status, {})

    @property
    def score_percent(self) -> int:
        return round(min(max(self.score, 0.0), 1.0) * 100)


class MatchCandidate(models.Model):
    """候选匹配 — a pair a chunk of a fanned-out full run kept for the second stage: in its demand's new list
    (``rank``) or among the chunk's best of its patent (``patent_best``: each chunk keeps its own top
    ``top_k_per_patent`` per patent, so the union holds the overall best). ``explanation`` (JSON text) only for a
    pair not yet stored. The patents' stage ranks them, writes the pairs' rows and deletes them. Plain ids, no
    foreign keys: a scratch table written by COPY and read once."""

    run = models.ForeignKey("matching.MatchingRun", verbose_name="匹配批次", on_delete=models.CASCADE,
                            related_name="+", db_index=False)
    demand_id = models.BigIntegerField("需求")
    patent_id = models.BigIntegerField("专利")
    score = models.FloatField("匹配度")
    rank = models.PositiveSmallIntegerField("需求内排名", null=True)
    patent_best = models.BooleanField("分片内专利前列", default=False)
    explanation = models.TextField("匹配说明", null=True)

    class Meta:
        verbose_name = "候选匹配"
        verbose_name_plural = "候选匹配"
        indexes = [models.Index(fields=["run", "demand_id"]), models.Index(fields=["run", "patent_id"])]

    def __str__(self) -> str:
        return f"{self.demand_id} ↔ {self.patent_id}"


class DealQuerySet(ScopedQuerySet):
    scope_region = "match__demand__region"
    scope_organisation = "match__demand__enterprise"

    def extra_scope_q(self, user) -> Q:
        if user.role == "supplier":
            return Q(match__patent__supplier_id=user.organisation_id)
        return Q(pk__in=[])

    def with_parties(self):
        return self.select_related("match__demand__enterprise", "match__demand__region",
                                   "match__patent__supplier")


class Deal(models.Model):
    """专利转化成交 — the contract a match ended in: transfer, licence or shares, its amounts and date. The
    deals make up the conversion list (专利转化清单)."""

    match = models.OneToOneField(Match, verbose_name="匹配", on_delete=models.PROTECT, related_name="deal")
    mode = models.CharField("转化方式", max_length=16, choices=DealMode.choices)
    contract_amount = models.DecimalField("合同金额（元）", max_digits=14, decimal_places=2)
    amount_received = models.DecimalField("已到账金额（元）", max_digits=14, decimal_places=2, default=0)
    signed_on = models.DateField("签约日期")
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey("portal.User", verbose_name="登记人", null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        verbose_name = "专利转化成交"
        verbose_name_plural = "专利转化成交"
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()}：{self.match.patent.title}"
