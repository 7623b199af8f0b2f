"""The patent list fits beside the pre-check at 1366 pixels: the licence columns appear only once a row is licensed
in (without scripts, every column shows)."""

import pytest
from django.urls import reverse

from tests.browser_support import login
from tests.pool.helpers import make_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflow(page) -> int:
    return page.evaluate("() => { const t = document.querySelector('[data-rows=patents] .table-scroll');"
                         " return t.scrollWidth - t.clientWidth; }")


def test_the_patent_list_needs_no_sideways_scrolling_until_a_licence_is_listed(live_server, page, applicant, batch):
    application = make_application(applicant, batch, data={"patents": []})
    login(page, live_server, applicant.username)
    page.goto(live_server.url + reverse("pool:application-edit", args=[application.pk]) + "?tab=patents")
    page.wait_for_selector("#sec-patents.active")
    assert _overflow(page) <= 1
    licence = page.locator('[data-rows="patents"] thead th', has_text="许可类型")
    assert licence.is_hidden()
    row = page.locator('[data-rows="patents"] tbody tr.row').first
    assert row.locator('[data-field="used_in_product"]').is_visible()
    row.locator('[data-field="ownership"]').select_option("licensed_in")
    assert licence.is_visible() and row.locator('[data-field="licence_kind"]').is_visible()
    # Let the autosave the change started finish before the test database is emptied.
    page.wait_for_function("() => document.getElementById('save-state').textContent.includes('草稿已自动保存')"
                           " && !window.poolApplicationForm.pending()")
