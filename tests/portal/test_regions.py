"""The region table is the whole country from GB/T 2260 (python-stdnum's table), current codes only."""

import pytest
from django.core.management import call_command

from portal.models import Region

pytestmark = pytest.mark.django_db


def test_whole_country_is_loaded():
    counts = {level: Region.objects.filter(level=level).count() for level in ("province", "city", "county")}
    assert counts["province"] == 34
    assert counts["city"] > 330 and counts["county"] > 2800
    assert Region.objects.filter(code__in=["110101", "540102", "650102", "460108"]).count() == 4


def test_huangshi_has_exactly_its_current_counties():
    counties = dict(Region.objects.filter(parent_id="420200").values_list("code", "name"))
    assert counties == {"420202": "黄石港区", "420203": "西塞山区", "420204": "下陆区", "420205": "铁山区",
                        "420222": "阳新县", "420281": "大冶市"}


def test_abolished_codes_and_placeholders_are_left_out():
    assert not Region.objects.filter(code__in=["420221", "420211", "420201", "420220"]).exists()


def test_county_level_cities_under_the_province_hang_from_the_province():
    xiantao = Region.objects.get(code="429004")
    assert (xiantao.name, xiantao.level, xiantao.parent_id) == ("仙桃市", "county", "420000")
    assert Region.objects.get(code="420000").contains(xiantao)


def test_full_name_and_scope_prefix():
    county = Region.objects.get(code="420202")
    assert county.full_name() == "湖北省黄石市黄石港区"
    assert (county.scope_prefix, county.parent.scope_prefix, county.parent.parent.scope_prefix) == ("420202", "4202", "42")


def test_loading_again_changes_nothing():
    before = Region.objects.count()
    call_command("load_regions", verbosity=0)
    assert Region.objects.count() == before


def test_region_names_are_in_simplified_characters():
    from portal.regions_source import region_rows

    names = {row.code: row.name for row in region_rows()}
    assert names["810000"] == "香港特别行政区"
    assert names["820000"] == "澳门特别行政区"
    assert names["232761"] == "加格达奇区"
    assert names["610424"] == "乾县"  # a place name whose 乾 is not the traditional form of 干
    assert not any(ch in name for name in names.values() for ch in "區別門達嶺縣灣鄉龍陽東區")

