import io

import pytest
from django.template import engines
from pypdf import PdfReader

from portal.pdf import render_pdf


@pytest.fixture
def pdf_template(tmp_path, settings):
    (tmp_path / "pdf_probe.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>{{ title }}</h1>'
        "<table><tr><th>企业名称</th><td>{{ name }}</td></tr></table>{% endblock %}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    engines._engines = {}
    yield "pdf_probe.html"
    engines._engines = {}


def test_chinese_renders_as_text_not_boxes(pdf_template):
    data = render_pdf(pdf_template, {"title": "专利产业化样板企业培育库入库申报书", "name": "黄石示范智能装备有限公司"})
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "入库申报书" in text
    assert "黄石示范智能装备有限公司" in text
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts, "the PDF embeds a font"
    names = " ".join(str(page["/Resources"]["/Font"][k].get_object()["/BaseFont"]) for page in reader.pages
                     for k in page["/Resources"]["/Font"])
    assert "CJK" in names
