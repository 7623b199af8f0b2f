"""Policies are versioned data: shipped files are valid, a changed file becomes a new version, a broken one is
refused in Chinese, and the most specific region's newest version is in force."""

import json

import pytest
from django.core.management import CommandError, call_command

from finance.models import FinancePolicy
from finance.policy import PolicyError, build_rules, read_policy, shipped_policy_files
from finance.services.policies import NoPolicy, policy_for

pytestmark = pytest.mark.django_db


def test_the_shipped_policies_are_loaded_and_valid():
    codes = {(p.code, p.region_code) for p in FinancePolicy.objects.all()}
    assert {("huangshi-2026", "420200"), ("hubei-2026", "420000")} <= codes
    for path in shipped_policy_files():
        read_policy(path)


def test_the_most_specific_region_wins():
    assert policy_for("420202").code == "huangshi-2026"  # a Huangshi county: the city's policy
    assert policy_for("420502").code == "hubei-2026"  # Yichang has none: the province's
    with pytest.raises(NoPolicy, match="尚无适用的质押融资扶持政策"):
        policy_for("110101")


def test_a_changed_file_is_a_new_version_and_an_unchanged_one_is_not(tmp_path):
    source = json.loads(next(p for p in shipped_policy_files() if p.name == "huangshi-2026.json").read_text())
    call_command("load_finance_policies", verbosity=0)
    assert FinancePolicy.objects.filter(code="huangshi-2026").count() == 1
    source["parameters"]["subsidy"]["cap_per_enterprise_year"] = "30000.00"
    changed = tmp_path / "huangshi.json"
    changed.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    call_command("load_finance_policies", str(changed), verbosity=0)
    newest = policy_for("420202")
    assert newest.version == 2 and newest.rules().subsidy.cap_per_enterprise_year == 30000
    assert FinancePolicy.objects.get(code="huangshi-2026", version=1).parameters["subsidy"][
        "cap_per_enterprise_year"] == "25000.00"


@pytest.mark.parametrize(("path", "value", "message"), [
    (("subsidy", "interest_share"), "1.5", "参数 subsidy.interest_share 应在 0 到 1 之间"),
    (("risk_compensation", "overdue_days"), 0, "参数 risk_compensation.overdue_days 应为 1 到 3650 之间的整数"),
    (("whitelist", "membership_statuses"), ["removed"], "不能包含已退库"),
    (("lookup", "daily_cap"), "many", "参数 lookup.daily_cap 应为 1 到 100000 之间的整数"),
])
def test_a_broken_policy_is_refused_in_chinese(path, value, message, tmp_path):
    source = json.loads(shipped_policy_files()[0].read_text())
    source["parameters"][path[0]][path[1]] = value
    with pytest.raises(PolicyError, match=message):
        build_rules(code="x", version=1, parameters=source["parameters"])
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="无法载入政策"):
        call_command("load_finance_policies", str(broken), verbosity=0)
