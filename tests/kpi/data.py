"""A small hand-checked data set for the indicators.

Deals (SME = the demand's enterprise; the patent's region is the holder's):

| deal | SME (county)   | holder, region            | signed      | contract | received | match   |
|------|----------------|---------------------------|-------------|----------|----------|---------|
| d1   | e1 (420202)    | university, 420200 黄石   | 2026-03-31  | 100000   | 40000    | deal    |
| d6   | e1 (420202)    | university, 420200        | 2026-01-10  | 50000    | 10000    | deal    |
| d2   | e2 (420202)    | institute, 420500 宜昌    | 2026-04-01  | 200000   | 50000    | deal    |
| d3   | e3 (420203)    | SOE, 420200               | 2026-02-15  | 300000   | 0        | deal    |
| d4   | e4 (420502)    | university, 420200        | 2026-05-10  | 500000   | 500000   | deal    |
| d5   | e1 (420202)    | enterprise, 420202        | 2025-03-01  | 80000    | 80000    | deal    |
| dx   | e2 (420202)    | university, 420200        | 2026-03-01  | 999999   | 999999   | dropped |

e1 has a product filing (专利产品备案材料) on an application; e2, e3, e4 have none.
"""

from datetime import date
from decimal import Decimal

from matching.choices import DealMode, HolderType, MatchStatus
from matching.models import Deal, Match
from pool.models import Attachment, AttachmentKind
from tests.factories import OrganisationFactory
from tests.matching.factories import DemandFactory, SupplyPatentFactory
from tests.pool.helpers import make_application


def deal(enterprise, *, holder: str, patent_region: str, signed: date, contract: int, received: int,
         status: str = MatchStatus.DEAL, mode: str = DealMode.TRANSFER) -> Deal:
    supplier = OrganisationFactory(kind="supplier", region_id=patent_region)
    patent = SupplyPatentFactory(holder_type=holder, supplier=supplier, region_id=patent_region)
    demand = DemandFactory(enterprise=enterprise, region_id=enterprise.region_id)
    match = Match.objects.create(demand=demand, patent=patent, score=0.8, rank=1, status=status)
    return Deal.objects.create(match=match, mode=mode, contract_amount=Decimal(contract),
                               amount_received=Decimal(received), signed_on=signed)


def build_deals(batch=None) -> dict:
    e1 = OrganisationFactory(kind="enterprise", region_id="420202", name="一号企业")
    e2 = OrganisationFactory(kind="enterprise", region_id="420202", name="二号企业")
    e3 = OrganisationFactory(kind="enterprise", region_id="420203", name="三号企业")
    e4 = OrganisationFactory(kind="enterprise", region_id="420502", name="四号企业")
    U, INST, S, E = HolderType.UNIVERSITY, HolderType.INSTITUTE, HolderType.SOE, HolderType.ENTERPRISE
    deals = {
        "d1": deal(e1, holder=U, patent_region="420200", signed=date(2026, 3, 31), contract=100000, received=40000),
        "d6": deal(e1, holder=U, patent_region="420200", signed=date(2026, 1, 10), contract=50000, received=10000,
                   mode=DealMode.LICENCE),
        "d2": deal(e2, holder=INST, patent_region="420500", signed=date(2026, 4, 1), contract=200000, received=50000,
                   mode=DealMode.LICENCE),
        "d3": deal(e3, holder=S, patent_region="420200", signed=date(2026, 2, 15), contract=300000, received=0,
                   mode=DealMode.SHARES),
        "d4": deal(e4, holder=U, patent_region="420200", signed=date(2026, 5, 10), contract=500000,
                   received=500000),
        "d5": deal(e1, holder=E, patent_region="420202", signed=date(2025, 3, 1), contract=80000, received=80000),
        "dx": deal(e2, holder=U, patent_region="420200", signed=date(2026, 3, 1), contract=999999,
                   received=999999, status=MatchStatus.DROPPED),
    }
    if batch is not None:
        from tests.factories import UserFactory

        application = make_application(UserFactory(organisation=e1), batch)
        Attachment.objects.create(application=application, kind=AttachmentKind.PRODUCT_FILING,
                                  file="attachments/x.pdf", original_name="备案.pdf", extension="pdf", size=1,
                                  sha256="0" * 64)
        other = make_application(UserFactory(organisation=e2), batch)
        Attachment.objects.create(application=other, kind=AttachmentKind.PRODUCT_FILING, file="attachments/y.pdf",
                                  original_name="撤回.pdf", extension="pdf", size=1, sha256="1" * 64,
                                  removed_at="2026-01-01T00:00:00+08:00")
    return {"enterprises": (e1, e2, e3, e4), **deals}
