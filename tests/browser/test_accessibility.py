"""axe-core over the pages of each role's main journey on the demo data, in Chromium: no serious or critical
violation. One test per page (folds opened, a refused submission shown, a menu opened where the page has them), so
a failure names its page, and its message lists each rule, where it fails and why. The demo data is built once for
the module (``demo_site``); a page that changes it puts it back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from pool.schema import ATTACHMENTS_TAB, SECTIONS
from portal.models import User
from tests.browser.axe import blocking, report, violations
from tests.browser.demo_state import DemoState
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]  # data from demo_site, see conftest


def _first(model_path: str, username: str, **filters) -> int:
    from django.apps import apps

    model = apps.get_model(model_path)
    return model.objects.visible_to(User.objects.get(username=username)).filter(**filters).order_by("pk").first().pk


def _materials(application: int) -> str:
    from django.urls import reverse

    from pool.models import Application

    return reverse("criteria:set-materials", args=[Application.objects.get(pk=application).batch.criteria_set_id])


def _open_folds(page) -> None:
    page.eval_on_selector_all("main details", "folds => folds.forEach(d => { d.open = true; })")


def _open_menu(page) -> None:
    page.locator(".mainnav details summary").first.click()
    page.wait_for_selector(".mainnav details[open] .submenu a")


def _saved(page) -> None:
    page.wait_for_function("() => window.poolApplicationForm && !window.poolApplicationForm.pending()"
                           " && document.getElementById('save-state').textContent.includes('草稿已自动保存')")


def _refused_submission(page) -> None:
    """The enterprise blanks a required field and submits: the summary of what to fix, linked to the fields."""
    page.fill("#f-identity-employees", "")
    _saved(page)
    page.click("#submit-application")
    page.wait_for_selector("#submit-errors")


def _employees_back(page) -> None:
    page.locator("#submit-errors a").first.click()
    page.fill("#f-identity-employees", "200")
    _saved(page)


def _to_confirmation(page) -> None:
    page.click("#submit-application")
    page.wait_for_selector("#confirm-submit")


@dataclass(frozen=True)
class Page:
    name: str
    user: str | None  # None: not signed in
    path: Callable[[DemoState], str]
    ready: str = "main h1"
    act: Callable | None = None
    undo: Callable | None = None  # puts back what ``act`` changed in the data
    status: int = 200

    def __str__(self) -> str:
        return self.name


def _form(key: str, label: str) -> Page:
    ready = "#sec-attachments.active" if key == ATTACHMENTS_TAB[0] else f"#sec-{key}.active"
    return Page(f"企业·申报书·{label}", "demo_enterprise", lambda s: f"/pool/applications/{s.draft}/edit/?tab={key}",
                ready, _open_folds)  # the pre-check's lists of materials folded out too


VISITOR = [
    Page("登录", None, lambda s: "/login/"),
    Page("企业注册", None, lambda s: "/register/"),
    Page("忘记密码", None, lambda s: "/password/reset/"),
    Page("页面不存在（404）", "demo_enterprise", lambda s: "/pool/applications/99999999/", status=404),
]
ENTERPRISE = [
    Page("企业·工作台（菜单展开）", "demo_enterprise", lambda s: "/", act=_open_menu),
    *[_form(spec.key, spec.label) for spec in SECTIONS],
    _form(*ATTACHMENTS_TAB),
    Page("企业·申报书·提交确认", "demo_enterprise", lambda s: f"/pool/applications/{s.draft}/edit/",
         "#application-form", _to_confirmation),
    Page("企业·申报书·提交检查未通过", "demo_enterprise", lambda s: f"/pool/applications/{s.draft}/edit/?tab=identity",
         "#sec-identity.active", _refused_submission, _employees_back),
    Page("企业·预审结果", "demo_enterprise", lambda s: f"/pool/applications/{s.draft}/evaluation/"),
    Page("企业·申报材料清单", "demo_enterprise", lambda s: _materials(s.draft)),
    Page("企业·我的申报", "demo_enterprise", lambda s: "/pool/applications/"),
    Page("企业·申报详情", "demo_enterprise",
         lambda s: f"/pool/applications/{_first('pool.Application', 'demo_enterprise', status='admitted')}/",
         act=_open_folds),
    Page("企业·入库培育", "demo_enterprise", lambda s: "/pool/members/mine/"),
    Page("企业·年度监测报告", "demo_enterprise", lambda s: f"/pool/monitoring/{s.report}/edit/", "#application-form"),
    Page("企业·发布技术需求", "demo_enterprise", lambda s: "/matching/demands/new/"),
    Page("企业·匹配结果", "demo_enterprise", lambda s: "/matching/matches/"),
    Page("企业·匹配详情", "demo_enterprise",
         lambda s: f"/matching/matches/{_first('matching.Match', 'demo_enterprise')}/", act=_open_folds),
    Page("企业·专利检索", "demo_enterprise", lambda s: "/matching/patents/?q=装置"),
    Page("企业·融资", "demo_enterprise", lambda s: "/finance/my/"),
]
COUNTY = [
    Page("县级·工作台", "demo_county", lambda s: "/"),
    Page("县级·审核队列", "demo_county", lambda s: "/pool/review/"),
    Page("县级·审核详情与决定", "demo_county", lambda s: f"/pool/review/{s.queued}/", "#review-actions", _open_folds),
    Page("县级·培育企业", "demo_county", lambda s: "/pool/members/"),
    Page("县级·培育企业详情", "demo_county",
         lambda s: f"/pool/members/{_first('pool.Membership', 'demo_county')}/", act=_open_folds),
    Page("县级·年度监测汇总", "demo_county", lambda s: "/pool/monitoring/"),
]
CITY = [
    Page("市级·工作台", "demo_city", lambda s: "/"),
    Page("市级·推荐排序", "demo_city", lambda s: "/pool/ranking/", "#ranking-table"),
    Page("市级·推荐审核详情", "demo_city", lambda s: f"/pool/review/{s.ranked}/", "#review-actions", _open_folds),
    Page("市级·融资白名单", "demo_city", lambda s: "/finance/whitelists/"),
    Page("市级·白名单详情", "demo_city",
         lambda s: f"/finance/whitelists/{_first('finance.Whitelist', 'demo_city')}/", act=_open_folds),
]
PROVINCE = [
    Page("省级·工作台", "demo_province", lambda s: "/"),
    Page("省级·推荐排序", "demo_province", lambda s: "/pool/ranking/", "#ranking-table"),
    Page("省级·监测年度", "demo_province", lambda s: "/pool/monitoring/years/"),
    Page("省级·动态调整", "demo_province", lambda s: "/pool/proposals/"),
]
BANK = [
    Page("银行·工作台", "demo_bank", lambda s: "/"),
    Page("银行·白名单发布", "demo_bank", lambda s: "/finance/publications/"),
    Page("银行·白名单详情", "demo_bank",
         lambda s: f"/finance/publications/{_first('finance.Publication', 'demo_bank')}/", act=_open_folds),
    Page("银行·贷款反馈", "demo_bank", lambda s: "/finance/loans/"),
]
SUPPLIER = [
    Page("供给方·我的专利", "demo_supplier", lambda s: "/matching/patents/mine/"),
    Page("供给方·登记专利", "demo_supplier", lambda s: "/matching/patents/new/"),
    Page("供给方·匹配结果", "demo_supplier", lambda s: "/matching/matches/"),
]
PAGES = [*VISITOR, *ENTERPRISE, *COUNTY, *CITY, *PROVINCE, *BANK, *SUPPLIER]


@pytest.mark.parametrize("where", PAGES, ids=str)
def test_no_serious_or_critical_violation(demo_site, page, where):
    if where.user:
        login(page, demo_site, where.user)
    url = f"{demo_site.url}{where.path(demo_site.state)}"
    response = page.goto(url)
    assert response.status == where.status, f"{where}（{url}）：HTTP {response.status}"
    page.wait_for_selector(where.ready)
    if where.act:
        where.act(page)
    try:
        found = blocking(violations(page))
        assert not found, report(str(where), page.url, found)
    finally:
        if where.undo:
            where.undo(page)


def test_the_sweep_reports_page_rule_and_target(demo_site, page):
    """A page with an unlabelled field and grey-on-grey text fails, and the message says where and why."""
    login(page, demo_site, "demo_enterprise")
    page.goto(f"{demo_site.url}/pool/applications/{demo_site.state.draft}/edit/")
    page.evaluate("""() => {
      const main = document.querySelector('main');
      main.insertAdjacentHTML('beforeend', '<input type="text" id="unlabelled"><p id="faint">看不清的说明文字</p>');
      Object.assign(document.getElementById('faint').style, {color: '#bbb', background: '#fff'});  // CSP: no inline style
    }""")
    found = blocking(violations(page))
    assert {"label", "color-contrast"} <= {v["id"] for v in found}
    message = report("企业·申报书", page.url, found)
    assert "企业·申报书" in message and "#unlabelled" in message and "#faint" in message
