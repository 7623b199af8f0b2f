"""The review queue's rows, the criterion table, the revision's sections and the decision forms are written by
template tags in Python (pool/templatetags/pool_review.py), not by the template engine: whatever an enterprise or
a reviewer typed must still reach the reviewer's page as text, never as markup."""

import pytest

from tests.review.helpers import submitted

pytestmark = pytest.mark.django_db

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def _hostile(data):
    data["patents"][0]["title"] = f"一种装置{PAYLOAD}"


def _assert_text_only(page: str) -> None:
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_what_an_enterprise_typed_reaches_the_queue_and_the_detail_page_as_text(client, batch, county):
    application = submitted(batch, change=_hostile, name=f"恶意企业{PAYLOAD}")
    client.force_login(county)
    assert client.post(f"/pool/review/{application.pk}/criteria/1/",
                       {"outcome": "", "justification": f"已核对{PAYLOAD}"}).status_code == 302
    queue = client.get("/pool/review/?status=submitted").content.decode()
    assert application.enterprise_name[:4] in queue
    _assert_text_only(queue)
    detail = client.get(f"/pool/review/{application.pk}/").content.decode()
    _assert_text_only(detail)
    assert detail.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # name, a section's value, the comment


@pytest.mark.parametrize("value", [PAYLOAD, "a & b 'c'", 5, None, "", "专利 <b>", "<b>lazy</b>", "safe", "format"])
def test_the_criterion_rows_escape_exactly_as_the_template_engine(value):
    from django.utils.functional import lazy
    from django.utils.html import conditional_escape, format_html
    from django.utils.safestring import mark_safe

    from pool.templatetags.pool_review import _html

    if value == "<b>lazy</b>":
        value = lazy(lambda: "<b>lazy</b>", str)()  # a translated label
    elif value == "safe":
        value = mark_safe("<b>已核对</b>")  # noqa: S308  (markup the code wrote)
    elif value == "format":
        value = format_html("<i>{}</i>", PAYLOAD)
    assert _html(value) == conditional_escape(value)
