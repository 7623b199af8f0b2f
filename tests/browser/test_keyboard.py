"""Each role's main journey with the keyboard alone, in Chromium: Tab / Shift+Tab to move, Enter / Space to act,
arrows in a list or a menu, typing into what has the focus — no pointer, no filling of a field not reached by Tab.
Wherever the focus lands it is visible (an outline or a ring)."""

from __future__ import annotations

import pytest

from pool.models import Application, ApplicationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db]  # data from demo_site, see conftest

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 24);
  return {what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} 「${label}」`,
          visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none'};
}"""


def focused(page) -> str:
    """What has the focus; fails unless it shows that it has."""
    state = page.evaluate(_FOCUSED)
    assert state is not None, f"焦点丢失（{page.url}）"
    assert state["visible"], f"获得焦点的 {state['what']} 没有可见的焦点样式（{page.url}）"
    return state["what"]


def press(page, key: str) -> None:
    page.keyboard.press(key)
    focused(page)


def tab_to(page, selector: str, *, back: bool = False, limit: int = 150) -> None:
    """Tab (or Shift+Tab) until the focus is on ``selector``, checking the focus is visible at every stop."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        path.append(focused(page))
        if is_focused(page, selector):
            return
    pytest.fail(f"按 Tab {limit} 次未到达 {selector}（{page.url}），经过：{' → '.join(path[-12:])}")


def is_focused(page, selector: str) -> bool:
    """``selector`` in Playwright's syntax (``:text-is()`` included)."""
    return page.locator(selector).evaluate_all("els => els.includes(document.activeElement)")


def type_over(page, text: str) -> None:
    """Replace what the focused field holds, as a person does: select all, type."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def sign_in(page, site, username: str) -> None:
    """The sign-in form has the focus on arrival."""
    page.goto(f"{site.url}/login/")
    assert is_focused(page, "#id_username")
    page.keyboard.type(username)
    press(page, "Tab")
    page.keyboard.type("Peiyu#2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("h1.home-title")


def open_menu_entry(page, group: str, entry: str) -> None:
    """Tab to a menu group, open it with Enter, go down to the entry with the arrow keys, follow it with Enter."""
    tab_to(page, f".mainnav summary:text-is('{group}')")
    press(page, "Enter")
    assert page.locator(f".mainnav details:has(summary:text-is('{group}'))").get_attribute("open") is not None
    for _ in range(12):
        press(page, "ArrowDown")
        if is_focused(page, f".mainnav .submenu a:text-is('{entry}')"):
            break
    else:
        pytest.fail(f"菜单“{group}”中没有“{entry}”")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_enterprise_opens_its_application_changes_a_field_and_saves_the_section(demo_site, page):
    draft = demo_site.state.draft
    sign_in(page, demo_site, "demo_enterprise")
    tab_to(page, f"a[href='/pool/applications/{draft}/edit/']")  # 继续填写 on the home page
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#application-form")

    tab_to(page, ".tabs a[data-tab='rnd']")
    press(page, "Enter")
    assert is_focused(page, "#sec-rnd"), "打开栏目后焦点应进入该栏目"
    tab_to(page, "#f-rnd-rnd_staff")
    type_over(page, "66")
    press(page, "Tab")
    page.wait_for_function("() => !window.poolApplicationForm.pending()"
                           " && document.getElementById('save-state').textContent.includes('草稿已自动保存')")
    assert "实时预审" in page.inner_text("#save-state")  # the live region tells the verdict too

    tab_to(page, "#save-draft")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#application-form")
    assert Application.objects.get(pk=draft).data["rnd"]["rnd_staff"] == "66"
    assert page.input_value("#f-rnd-rnd_staff") == "66"


def test_the_county_reviewer_returns_a_queued_application_from_the_keyboard(demo_site, page):
    queued = Application.objects.get(pk=demo_site.state.queued)
    sign_in(page, demo_site, "demo_county")
    open_menu_entry(page, "申报审核", "审核队列")
    page.wait_for_selector("#queue-table")
    tab_to(page, f"#queue-table a[href^='/pool/review/{queued.pk}/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#review-actions")

    form = "form.decision[data-action='returned']"
    tab_to(page, f"{form} summary")  # 分栏目意见 fold out
    press(page, "Space")
    assert page.locator(f"{form} details").get_attribute("open") is not None
    tab_to(page, f"{form} #section-rnd")
    page.keyboard.type("研发投入与审计报告不一致，请核实")
    tab_to(page, "#comment-returned")
    page.keyboard.type("请按分栏目意见修改")
    tab_to(page, "#action-returned")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("text=已办理：退回修改")
    queued.refresh_from_db()
    assert queued.status == ApplicationStatus.RETURNED
    assert queued.transitions.last().comment == "请按分栏目意见修改"


def test_the_city_recommends_from_its_ranking_with_the_keyboard(demo_site, page):
    ranked = Application.objects.get(pk=demo_site.state.ranked)
    sign_in(page, demo_site, "demo_city")
    open_menu_entry(page, "申报审核", "推荐排序")
    page.wait_for_selector("#ranking-table")
    tab_to(page, f"#ranking-table input[name=ids][value='{ranked.pk}']")
    press(page, "Space")
    assert page.is_checked(f"#ranking-table input[name=ids][value='{ranked.pk}']")
    tab_to(page, "#batch-to")
    for _ in range(6):  # a closed list moves its choice with the arrow keys
        if page.input_value("#batch-to") == ApplicationStatus.RECOMMENDED:
            break
        press(page, "ArrowDown")
    assert page.input_value("#batch-to") == ApplicationStatus.RECOMMENDED
    tab_to(page, "#batch-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#batch-report")
    assert "成功 1 件" in page.inner_text("#batch-report")
    ranked.refresh_from_db()
    assert ranked.status == ApplicationStatus.RECOMMENDED


def test_menus_open_and_close_from_the_keyboard(demo_site, page):
    sign_in(page, demo_site, "demo_city")
    press(page, "Tab")
    assert is_focused(page, ".skip-link") and page.locator(".skip-link").bounding_box()["x"] >= 0  # shown on focus

    group = ".mainnav details:has(summary:text-is('申报审核'))"
    tab_to(page, f"{group} summary")
    press(page, "Enter")
    assert page.locator(f"{group} .submenu").is_visible()
    press(page, "Escape")  # closes, the focus back on the group
    assert page.locator(group).get_attribute("open") is None and is_focused(page, f"{group} summary")

    press(page, "Space")
    press(page, "Tab")
    assert is_focused(page, f"{group} .submenu a")
    press(page, "Shift+Tab")
    assert is_focused(page, f"{group} summary") and page.locator(group).get_attribute("open") is not None
    press(page, "Enter")  # Enter on an open group closes it
    assert page.locator(group).get_attribute("open") is None

    press(page, "ArrowDown")  # opens at the first entry
    assert is_focused(page, f"{group} .submenu li:first-child a")
    press(page, "ArrowUp")
    assert is_focused(page, f"{group} summary")
    press(page, "ArrowDown")
    entries = page.locator(f"{group} .submenu a").count()
    for _ in range(entries):  # Tab past the last entry: the group closes behind the focus
        press(page, "Tab")
    assert page.locator(group).get_attribute("open") is None
    assert is_focused(page, ".mainnav details:has(summary:text-is('培育库')) summary")
