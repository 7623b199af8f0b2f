"""The region filter of every list takes in the region's subtree by its level, not by trailing zeros."""

import pytest

from matching.filters import DemandFilter
from matching.models import Demand
from portal.filters import OrganisationFilter
from portal.models import Organisation
from tests.factories import OrganisationFactory
from tests.matching.factories import DemandFactory

pytestmark = pytest.mark.django_db


def filtered(filterset_class, queryset, code):
    filterset = filterset_class({"region": code}, queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


def test_a_county_code_ending_in_zero_leaves_out_its_neighbours():
    # 东丽区 120110 and its neighbour 西青区 120111: stripping the trailing zero took both in.
    dongli = DemandFactory(enterprise=OrganisationFactory(kind="enterprise", region_id="120110"))
    xiqing = DemandFactory(enterprise=OrganisationFactory(kind="enterprise", region_id="120111"))
    assert filtered(DemandFilter, Demand.objects.all(), "120110") == {dongli}
    assert filtered(DemandFilter, Demand.objects.all(), "120100") == {dongli, xiqing}
    assert filtered(OrganisationFilter, Organisation.objects.all(), "120110") == {dongli.enterprise}


def test_city_and_province_codes_take_in_their_counties():
    huangshigang = DemandFactory(enterprise=OrganisationFactory(kind="enterprise", region_id="420202"))
    dongli = DemandFactory(enterprise=OrganisationFactory(kind="enterprise", region_id="120110"))
    assert filtered(DemandFilter, Demand.objects.all(), "420200") == {huangshigang}
    assert filtered(DemandFilter, Demand.objects.all(), "420000") == {huangshigang}
    assert filtered(DemandFilter, Demand.objects.all(), "12") == {dongli}
