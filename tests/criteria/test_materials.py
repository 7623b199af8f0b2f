"""The supporting documents each criterion needs: data of the criteria app that a criteria set may restate
(versioned with the set), shown beside each criterion of the pre-check and as a printable checklist."""

import pytest
from django.urls import reverse

from criteria.models import CriteriaSet
from criteria.rules import RulesError, build_rules, default_materials
from criteria.services import default_criteria_set

pytestmark = pytest.mark.django_db


def rules_with(**materials):
    shipped = default_criteria_set()
    return build_rules(code=shipped.code, version=shipped.version,
                       parameters={**shipped.parameters, "materials": materials}, weights=shipped.weights)


def test_every_criterion_has_its_materials_by_default():
    assert set(default_materials()) == set(range(1, 11))
    assert "营业执照（副本）复印件" in default_materials()[1]
    assert "商标注册证" in default_materials()[8]
    assert any("审计报告" in m for m in default_materials()[6])


def test_a_criteria_set_restates_the_materials_of_a_criterion_and_keeps_the_others(shipped):
    rules = rules_with(**{"6": ["研发费用加计扣除申报表"]})
    assert rules.materials[6] == ("研发费用加计扣除申报表",)
    assert rules.materials[1] == default_materials()[1]


@pytest.mark.parametrize("materials", [{"11": ["营业执照"]}, {"3": "营业执照"}, {"3": [""]}, {"x": ["营业执照"]}])
def test_a_malformed_materials_parameter_is_refused_in_chinese(shipped, materials):
    with pytest.raises(RulesError, match="materials"):
        rules_with(**materials)


def test_the_printable_checklist_lists_each_criterion_with_its_materials(client, shipped, enterprise_user):
    criteria_set = CriteriaSet.objects.get(pk=default_criteria_set().pk)
    client.force_login(enterprise_user)
    page = client.get(reverse("criteria:set-materials", args=[criteria_set.pk])).content.decode()
    assert "申报材料清单" in page and "data-print" in page
    for number in range(1, 11):
        assert f'id="materials-{number}"' in page
    assert "营业执照（副本）复印件" in page and "专利证书" in page and "产品销售证明" in page
    detail = client.get(reverse("criteria:set-detail", args=[criteria_set.pk])).content.decode()
    assert reverse("criteria:set-materials", args=[criteria_set.pk]) in detail


def test_the_precheck_beside_the_form_names_each_criterions_materials(client, shipped):
    from tests.factories import user_with_role
    from tests.pool.helpers import make_application, make_batch

    user = user_with_role("enterprise", "420202")
    application = make_application(user, make_batch())
    client.force_login(user)
    page = client.get(reverse("pool:application-edit", args=[application.pk])).content.decode()
    assert page.count('class="criterion-materials"') == 10 and "商标注册证" in page
    assert reverse("criteria:set-materials", args=[application.batch.criteria_set_id]) in page
    saved = client.post(reverse("pool:application-autosave", args=[application.pk]),
                        {"_section": "rnd", "rnd.rnd_staff": "5"}).json()
    assert "审计报告" in saved["precheck_html"]  # still there after an autosave
