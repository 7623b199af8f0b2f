"""Factories of the matching app."""

from decimal import Decimal

import factory

from matching.choices import CooperationMode, HolderType, LegalStatus, OfferType, PatentType
from matching.models import Demand, SupplyPatent
from portal.validators import patent_check_digit
from tests.factories import OrganisationFactory


def make_patent_no(serial: int, year: int = 2019, kind: str = "1") -> str:
    """A valid application number: year, type digit, 7-digit serial, check digit."""
    digits = f"{year}{kind}{serial:07d}"
    return f"{digits}.{patent_check_digit(digits)}"


class SupplyPatentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplyPatent

    application_no = factory.Sequence(lambda n: make_patent_no(n + 1))
    patent_type = PatentType.INVENTION
    title = factory.Sequence(lambda n: f"一种压铸件气孔控制方法{n}")
    abstract = "本发明公开了一种压铸件气孔控制方法，采用真空压铸和局部挤压，减少铝合金压铸件内部气孔和缩松。"
    ipc_main = "B22D17/22"
    holder_name = "湖北理工学院"
    holder_type = HolderType.UNIVERSITY
    supplier = factory.SubFactory(OrganisationFactory, kind="supplier", region_id="420200")
    region_id = factory.LazyAttribute(lambda o: o.supplier.region_id)
    legal_status = LegalStatus.VALID
    offer_type = OfferType.TRANSFER
    price = Decimal("200000")
    industry_chain = "铸造"


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    enterprise = factory.SubFactory(OrganisationFactory, kind="enterprise", region_id="420202")
    region_id = factory.LazyAttribute(lambda o: o.enterprise.region_id)
    title = factory.Sequence(lambda n: f"电机壳压铸漏气{n}")
    description = "电机壳加工后冒小孔、打压漏气，废品率高，想找能解决压铸气孔问题的技术。"
    industry_chain = "铸造"
    budget = Decimal("300000")
    cooperation_mode = CooperationMode.ANY
