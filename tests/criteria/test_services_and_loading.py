"""DB-facing helpers (rules, reference data, list hits) and the loading of shipped data."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from criteria.examples import EXAMPLE_FACTS, EXAMPLE_USCC
from criteria.models import CriteriaSet, ListEntry, ListImport, PatentIntensiveIndustry
from criteria.services import default_criteria_set, evaluate_application_facts, reference_data, rules_for
from criteria.services.shipped import reference_from_files, shipped_criteria_set_files
from criteria.signals import criteria_set_published

pytestmark = pytest.mark.django_db


def national():
    return CriteriaSet.objects.get(code="national-2024", version=1)


def test_migrations_ship_both_criteria_sets_and_the_reference_tables(shipped):
    assert set(CriteriaSet.objects.values_list("code", flat=True)) == {"national-2024", "huangshi-2024"}
    reference = reference_data()
    assert reference.sme_tables["2011"].row_for("3973").name == "工业"
    assert "3973" in reference.industry_tables["2019"]
    assert reference.region_names["420202"] == "湖北省黄石市黄石港区"


def test_the_shipped_files_and_the_loaded_tables_give_the_same_fingerprinted_reference(shipped):
    from_files, from_tables = reference_from_files(), reference_data()
    assert from_files.sme_tables == from_tables.sme_tables
    assert from_files.industry_tables == from_tables.industry_tables
    assert from_files.digest and from_files.digest != reference_from_files(region_names={"420000": "湖北省"}).digest


def test_the_default_criteria_set_is_the_shipped_one_named_in_the_data(shipped):
    from criteria.services.evaluation import default_code

    assert default_code() in {json.loads(path.read_text(encoding="utf-8"))["code"]
                              for path in shipped_criteria_set_files()}
    assert default_criteria_set() == CriteriaSet.objects.get(code=default_code(), version=1)


def test_reference_data_is_loaded_once(shipped, django_assert_num_queries):
    reference_data()
    criteria_set = national()
    rules_for(criteria_set)
    with django_assert_num_queries(0):
        reference_data()
        rules_for(criteria_set)


def test_evaluating_stored_facts_on_the_database(shipped):
    result = evaluate_application_facts(EXAMPLE_FACTS, national(), on=date(2025, 6, 1))
    assert result.verdict == "eligible"
    assert (result.criteria_set_code, result.criteria_set_version) == ("national-2024", 1)


def test_list_hits_come_from_the_database_not_from_the_input(shipped):
    typed_hit = {**EXAMPLE_FACTS, "list_hits": [{"list_type": "serious_dishonesty"}]}
    assert evaluate_application_facts(typed_hit, national(), on=date(2025, 6, 1)).results[9].outcome == "pass"
    source = ListImport.objects.create(list_type="abnormal_filing", file_name="x.csv")
    ListEntry.objects.create(list_type="abnormal_filing", uscc=EXAMPLE_USCC, name="x", source_import=source)
    result = evaluate_application_facts(EXAMPLE_FACTS, national(), on=date(2025, 6, 1), trusted=True)
    assert result.results[9].outcome == "fail"
    assert result.verdict == "ineligible"


def test_loading_the_same_files_again_changes_nothing(shipped):
    call_command("load_criteria_sets", verbosity=0)
    assert CriteriaSet.objects.count() == 2


def test_a_changed_file_becomes_a_new_version_and_is_announced(shipped, tmp_path,
                                                              django_capture_on_commit_callbacks):
    data = json.loads(shipped_criteria_set_files()[1].read_text(encoding="utf-8"))
    data["parameters"]["industrialisation_rate_min"] = "0.55"
    path = tmp_path / "national.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    announced = []
    criteria_set_published.connect(receiver := lambda sender, criteria_set, **kw: announced.append(criteria_set))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_criteria_sets", str(path), verbosity=0)
    finally:
        criteria_set_published.disconnect(receiver)
    newest = CriteriaSet.objects.get(code="national-2024", version=2)
    assert newest.parameters["industrialisation_rate_min"] == "0.55"
    assert national().parameters["industrialisation_rate_min"] == "0.50"
    assert announced == [newest]
    assert rules_for(newest).industrialisation_rate_min != rules_for(national()).industrialisation_rate_min


def test_an_invalid_criteria_set_file_is_refused(shipped, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"code": "x", "name": "x", "parameters": {}, "weights": {}}), encoding="utf-8")
    with pytest.raises(CommandError, match="jurisdiction"):
        call_command("load_criteria_sets", str(path), verbosity=0)
    assert not CriteriaSet.objects.filter(code="x").exists()


def test_a_bureau_can_replace_the_industry_table(shipped, tmp_path):
    path = tmp_path / "industries.csv"
    path.write_text("# 官方全表\ntable_version,category_code,category_name,industry_code,industry_name,partial\n"
                    "2019,01,信息通信技术制造业,3973,集成电路制造,0\n2019,06,环保产业,3591,环境保护专用设备制造,1\n",
                    encoding="utf-8")
    before = reference_data()
    call_command("load_reference_data", "--patent-intensive", str(path), verbosity=0)
    assert PatentIntensiveIndustry.objects.filter(table_version="2019").count() == 2
    after = reference_data()
    assert set(after.industry_tables["2019"]) == {"3973", "3591"} and after.industry_tables["2019"]["3591"].partial
    assert after.digest != before.digest
    assert reference_data(refresh=True).digest == after.digest


def test_a_bad_reference_file_changes_nothing(shipped, tmp_path):
    path = tmp_path / "sme.csv"
    path.write_text("table_version,code,name,employees_below,revenue_below_wan,total_assets_below_wan,industry_codes\n"
                    "2011,industry,工业,many,40000,,13\n2011,retail,零售业,,,,52\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_reference_data", "--sme", str(path), verbosity=0)
    assert "第 2 行" in str(caught.value) and "第 3 行" in str(caught.value)
    assert reference_data(refresh=True).sme_tables["2011"].rows["industry"].employees_below == 1000
