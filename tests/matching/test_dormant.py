"""The dormant-patent rule (沉睡专利) is data: the policy in force decides, the catalogue follows it."""

import pytest
from django.utils import timezone

from matching.models import MatchingPolicy, SupplyPatent
from matching.services.supply import dormancy_refresh, is_dormant
from tests.matching.factories import SupplyPatentFactory, make_patent_no

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("changes", "dormant"), [
    ({}, True),
    ({"legal_status": "examining"}, False),
    ({"legal_status": "lapsed"}, False),
    ({"ever_licensed": True}, False),
    ({"ever_used": True}, False),
    ({"patent_type": "design"}, False),
    ({"patent_type": "utility_model"}, True),
])
def test_default_rule_granted_valid_never_licensed_or_used(changes, dormant):
    patent = SupplyPatentFactory.build(**changes)
    assert is_dormant(patent, MatchingPolicy.current()) is dormant


@pytest.mark.parametrize(("years_ago", "dormant"), [(3, True), (2, False)])
def test_minimum_age_boundary(years_ago, dormant):
    policy = MatchingPolicy(dormant_min_years=3)
    patent = SupplyPatentFactory.build(application_no=make_patent_no(5, timezone.localdate().year - years_ago))
    assert is_dormant(patent, policy) is dormant


def test_a_new_rule_is_applied_to_the_whole_catalogue():
    old = SupplyPatentFactory(application_no=make_patent_no(1, 2015), is_dormant=True)
    young = SupplyPatentFactory(application_no=make_patent_no(2, timezone.localdate().year), is_dormant=True)
    MatchingPolicy.objects.create(name="申请满 5 年", dormant_min_years=5)
    assert dormancy_refresh() == 1
    assert set(SupplyPatent.objects.filter(is_dormant=True)) == {old}
    young.refresh_from_db()
    assert young.is_dormant is False


def test_relaxed_rule_counts_licensed_patents_too():
    policy = MatchingPolicy.objects.create(dormant_requires_unlicensed=False)
    licensed = SupplyPatentFactory(ever_licensed=True)
    assert is_dormant(licensed, policy) and "从未许可" not in policy.dormant_rule_text()


def test_operator_adds_a_rule_in_admin_and_the_catalogue_follows(client):
    from tests.factories import user_with_role

    young = SupplyPatentFactory(application_no=make_patent_no(3, timezone.localdate().year), is_dormant=True)
    client.force_login(user_with_role("admin"))
    response = client.post("/admin/matching/matchingpolicy/add/", {
        "name": "申请满 2 年", "dormant_legal_statuses": '["valid"]', "dormant_patent_types": '["invention"]',
        "dormant_min_years": "2", "dormant_requires_unlicensed": "on", "dormant_requires_unused": "on",
        "top_k_per_demand": "20", "top_k_per_patent": "20", "min_score": "0.1", "engine_weights": "{}"})
    assert response.status_code == 302
    assert MatchingPolicy.current().name == "申请满 2 年"
    young.refresh_from_db()
    assert young.is_dormant is False
