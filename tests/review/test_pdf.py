"""The application form (申报书) and the city's recommendation letter (推荐函) as PDF, with Chinese as text."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pool.models import ApplicationStatus
from pool.services.review import application_recommend
from tests.review.helpers import advanced, no_filing, submitted

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def test_the_application_form_pdf_carries_the_submitted_facts_in_chinese(client, batch, county):
    application = submitted(batch, change=no_filing, name="黄石示范精密制造有限公司")
    client.force_login(county)
    text = _text(client.get(reverse("pool:application-pdf", args=[application.pk])))
    assert "专利产业化样板企业培育库入库申报书" in text
    assert "黄石示范精密制造有限公司" in text
    assert application.uscc in text
    assert "一种智能分拣装置" in text and "智能分拣机" in text  # the patent list and the products
    assert "原则上不符合" in text  # criterion 4 as the machine judged it


def test_the_recommendation_letter_lists_the_citys_recommended_enterprises(client, batch, city):
    first = advanced(batch, S.COUNTY_APPROVED, name="黄石推荐甲有限公司")
    advanced(batch, S.COUNTY_APPROVED, name="黄石未推荐乙有限公司")
    application_recommend(application=first, reviewer=city)
    client.force_login(city)
    text = _text(client.get(reverse("pool:recommendation-letter"), {"batch": batch.pk}))
    assert "关于推荐专利产业化样板企业培育库入库企业的函" in text
    assert "湖北省知识产权局" in text
    assert "黄石推荐甲有限公司" in text and "黄石未推荐乙有限公司" not in text
    assert "现推荐以下1家企业" in text


def test_only_a_city_writes_a_recommendation_letter(client, batch, county):
    client.force_login(county)
    assert client.get(reverse("pool:recommendation-letter"), {"batch": batch.pk}).status_code == 404
