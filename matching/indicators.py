"""The matching figures the bureaus report (seed 001 §三 2, targets 1–4): deals by signing date.

A deal counts when its match reached the deal status (a dropped or still open match never does). Deals to SMEs
are counted in the region of the SME's demand; deals from universities and institutes in the region of the patent
(the university's or institute's own region), whoever bought it.
"""

from django.db.models import Q

from portal.indicators import Indicator, Measure

from .choices import HolderType, MatchStatus
from .models import Deal

ACADEMIC = (HolderType.UNIVERSITY, HolderType.INSTITUTE)
DEAL_COLUMNS = (
    ("签约日期", "signed_on"),
    ("需求企业", "match.demand.enterprise.name"),
    ("企业所在地", "match.demand.region.name"),
    ("专利", "match.patent.title"),
    ("专利权人", "match.patent.holder_name"),
    ("权利人类型", "match.patent.get_holder_type_display"),
    ("转化方式", "get_mode_display"),
    ("合同金额（元）", "contract_amount"),
    ("已到账（元）", "amount_received"),
)
DEAL_RELATED = ("match__demand__enterprise", "match__demand__region", "match__patent")
TO_SME = "按需求企业所在地"
FROM_ACADEMIA = "按专利所在地（高校院所所在地）"
BY_SIGNING = "按签约日期"


def deals():
    """Deals that count: their match ended in a deal (the deal form is the only way there)."""
    return Deal.objects.filter(match__status=MatchStatus.DEAL)


ACADEMIC_Q = Q(match__patent__holder_type__in=ACADEMIC)


def has_product_filing() -> Q:
    """The SME has a product filing (专利产品备案材料) on one of its applications, not withdrawn. An ``IN`` over the
    filing enterprises, which the database reads once per query (a correlated ``EXISTS`` would run per row and
    per period)."""
    from pool.models import Attachment, AttachmentKind

    filed = Attachment.objects.filter(kind=AttachmentKind.PRODUCT_FILING, removed_at__isnull=True).values(
        "application__enterprise_id")
    return Q(match__demand__enterprise_id__in=filed)


#: a deal moves with its match (dropped), its demand (the SME, its region) and its patent (region, holder type)
DEAL_SOURCES = (("matching.Deal", ""), ("matching.Match", "match"), ("matching.Demand", "match__demand"),
                ("matching.SupplyPatent", "match__patent"))


def filing_changed(attachment) -> Q | None:
    """A product filing added or withdrawn changes whether its enterprise's deals count as filed."""
    from pool.models import AttachmentKind

    if attachment.kind != AttachmentKind.PRODUCT_FILING:
        return None
    return Q(match__demand__enterprise_id=attachment.application.enterprise_id)


def _deal(code, name, unit, measure, *, region="match__demand__region", region_note=TO_SME, order, aliases=(),
          denominator=None, group="专利转化", sources=DEAL_SOURCES):
    return Indicator(code=code, name=name, unit=unit, group=group, records=deals, date_field="signed_on",
                     region_field=region, measure=measure, denominator=denominator, period_note=BY_SIGNING,
                     region_note=region_note, order=order, aliases=aliases, columns=DEAL_COLUMNS,
                     select_related=DEAL_RELATED, filterset="matching.filters.DealFilter", sources=sources)


INDICATORS = [
    _deal("sme_deal_count", "中小微企业受让、许可、作价入股专利数量", "件", Measure("count"), order=10,
          aliases=("中小微企业接受相关主体转让、许可、作价入股的专利数量",)),
    _deal("sme_deal_amount", "中小微企业受让、许可、作价入股成交金额", "元", Measure("sum", "contract_amount"),
          order=11, aliases=("中小微企业接受相关主体转让、许可、作价入股的成交金额",)),
    _deal("sme_deal_received", "中小微企业受让、许可、作价入股实际到账金额", "元",
          Measure("sum", "amount_received"), order=12,
          aliases=("中小微企业接受相关主体转让、许可、作价入股的实际到账金额",)),
    _deal("academic_deal_count", "高校院所专利转让、许可、作价入股数量", "件", Measure("count", where=ACADEMIC_Q),
          order=20, region="match__patent__region", region_note=FROM_ACADEMIA,
          aliases=("高校院所专利转让、许可、作价入股的专利数量",)),
    _deal("academic_deal_amount", "高校院所专利转让、许可、作价入股成交金额", "元",
          Measure("sum", "contract_amount", where=ACADEMIC_Q), order=21, region="match__patent__region",
          region_note=FROM_ACADEMIA, aliases=("高校院所专利转让、许可、作价入股的成交金额",)),
    _deal("academic_deal_received", "高校院所专利转让、许可、作价入股实际到账金额", "元",
          Measure("sum", "amount_received", where=ACADEMIC_Q), order=22, region="match__patent__region",
          region_note=FROM_ACADEMIA, aliases=("高校院所专利转让、许可、作价入股的实际到账金额",)),
    _deal("sme_benefited", "政策惠及中小微企业数量", "家", Measure("distinct", "match__demand__enterprise"),
          order=30, aliases=("政策惠及的中小微企业数量",)),
    _deal("sme_filing_rate", "惠及企业专利产品备案率", "%",
          Measure("distinct", "match__demand__enterprise", where=has_product_filing), order=40,
          denominator=Measure("distinct", "match__demand__enterprise"),
          aliases=("中小微企业专利产品备案",), sources=(*DEAL_SOURCES, ("pool.Attachment", filing_changed))),
]
