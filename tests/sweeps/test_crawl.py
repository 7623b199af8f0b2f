"""Every role, on the demo data, walks every page it can reach: no 5xx, no dead link, no raw data or English."""

import pytest
from django.core.management import call_command
from django.test import Client

from portal.models import User
from tests.sweeps.crawler import crawl

pytestmark = pytest.mark.django_db

ROLES = ("demo_enterprise", "demo_county", "demo_city", "demo_province", "demo_bank", "demo_supplier")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("username", ROLES)
def test_every_reachable_page_reads_clean(demo, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    findings = crawl(client, data_words=frozenset(User.objects.values_list("username", flat=True)))
    assert len(findings.visited) > 5, findings.visited
    assert not findings.problems, "\n".join(findings.problems[:40])


@pytest.mark.parametrize(("text", "kind"), [
    ("企业类型：company", "英文"), ("排序 提交时间 (descending)", "英文"), ("名单 ['abnormal_filing']", "Python 数据"),
    ("依据 national-2024 第 1 版", "代码"), ("动作 application.county_approved", "代码"), ("{{ value }}", "模板语法"),
    ("仅部分活动属于：False", "Python 数据"),
])
def test_the_crawler_sees_what_a_person_should_not(text, kind):
    from tests.sweeps.crawler import _text_problems

    assert any(problem.startswith(kind) for problem in _text_problems(text)), _text_problems(text)


def test_the_crawler_leaves_names_and_abbreviations_alone():
    from tests.sweeps.crawler import _text_problems

    assert _text_problems("LED 驱动电源 PCB 板 · 下载 Excel 模板 · 登录名 demo_city", frozenset({"demo_city"})) == []
