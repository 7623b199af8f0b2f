"""The pre-check says whether a code is on a list (and why) only for the user's own organisation or for an
enterprise whose application the staff user may see; any other code gets the same answer listed or not."""

import pytest
from rest_framework.test import APIClient

from criteria.examples import EXAMPLE_FACTS
from criteria.models import ListEntry, ListImport
from tests.factories import make_uscc, user_with_role

pytestmark = pytest.mark.django_db
URL = "/api/criteria/precheck/"
REASON = "失信被执行人（2024）第123号"


def _list(uscc: str) -> None:
    source = ListImport.objects.create(list_type="serious_dishonesty", file_name="名单.csv")
    ListEntry.objects.create(list_type="serious_dishonesty", uscc=uscc, name="某公司", reason=REASON,
                             source_import=source)


def _precheck(user, uscc: str) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    facts = {**EXAMPLE_FACTS, "identity": {**EXAMPLE_FACTS["identity"], "uscc": uscc}}
    response = client.post(URL, {"facts": facts, "on": "2025-06-01"}, format="json")
    assert response.status_code == 200
    return response.json()


def _without_dates(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ("evaluated_at",)}


@pytest.mark.parametrize("role,region", [
    ("bank", "420200"), ("supplier", "420200"), ("enterprise", "420202"), ("county", "420202"),
    ("city", "420200"), ("province", "420000"), ("county", "430102"), ("province", "430000"),
])
def test_another_code_gets_no_list_information(shipped, role, region):
    user = user_with_role(role, region)
    listed, unlisted = make_uscc(900071, "420202"), make_uscc(900072, "420202")
    _list(listed)
    body_listed, body_unlisted = _precheck(user, listed), _precheck(user, unlisted)
    assert REASON not in str(body_listed)
    assert body_listed["results"][9]["outcome"] == body_unlisted["results"][9]["outcome"] == "pass"
    assert body_listed["results"][9]["explanation"] == body_unlisted["results"][9]["explanation"]
    assert body_listed["results"][9]["evidence"] == body_unlisted["results"][9]["evidence"]
    assert body_listed["verdict"] == body_unlisted["verdict"]


def test_the_own_organisation_sees_its_hit_and_the_reason(shipped):
    user = user_with_role("enterprise", "420202")
    _list(user.organisation.uscc)
    result = _precheck(user, user.organisation.uscc)["results"][9]
    assert result["outcome"] == "fail" and REASON in result["explanation"]


def _application_of(region: str):
    from tests.pool.helpers import enterprise_login, make_application, make_batch

    applicant = enterprise_login(region)
    return make_application(applicant, make_batch())


@pytest.mark.parametrize("role,region,sees", [
    ("county", "420202", True), ("city", "420200", True), ("province", "420000", True),
    ("county", "420203", False), ("city", "420500", False), ("province", "430000", False), ("bank", "420200", False),
])
def test_staff_see_hits_only_for_applications_they_may_see(shipped, role, region, sees):
    application = _application_of("420202")
    _list(application.uscc)
    result = _precheck(user_with_role(role, region), application.uscc)["results"][9]
    assert (result["outcome"] == "fail") is sees
    assert (REASON in str(result)) is sees


def test_the_draft_pre_check_looks_up_the_registered_code_only(shipped):
    from pool.services.scoring import precheck

    application = _application_of("420202")
    other = make_uscc(900073, "420202")
    _list(other)
    data = {**application.data, "identity": {**application.data["identity"], "uscc": other}}
    result = precheck(application, data=data).to_dict()["results"][9]
    assert result["outcome"] == "pass" and REASON not in str(result)
