"""The form renderer writes the commonest widgets in Python: byte for byte what Django's templates write."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from portal.form_renderer import FormRenderer

CHOICES = [("", "全部状态"), ("submitted", "已提交"), ("a&b", '<引号"与&>'), (3, 2024)]


class Everything(forms.Form):
    text = forms.CharField(label="关键词", help_text="企业名称", max_length=20)
    number = forms.DecimalField(label="评分", min_value=0, max_value=100, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"placeholder": '"a" & <b>',
                                                                            "autofocus": True, "disabled": False}))
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField(required=False)
    status = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(required=False, choices=[("", "—"), ("省", [("42", "湖北"), ("43", "湖南")]),
                                                         ("市", [("4201", mark_safe("武汉<b>市</b>"))])])
    safe = forms.CharField(required=False, widget=forms.TextInput(attrs={"data-x": mark_safe("<i>&amp;</i>")}))


@pytest.mark.parametrize("data", [
    None,
    {"text": '<script>"x"&', "number": "12.5", "hidden": "h&", "email": "a@b.cn", "date": "2026-12-03",
     "agree": "on", "status": "a&b", "many": ["submitted", "3"], "grouped": "43", "safe": "1"},
    {"number": "zz", "status": "nonesuch", "grouped": "4201", "date": "bad"},
])
def test_widgets_render_as_the_templates_do(data):
    fast, slow = FormRenderer(), DjangoTemplates()
    assert fast.stock_templates
    initial = {"date": datetime.date(2026, 1, 2), "number": Decimal("7.50")}
    quick, templated = (Everything(data, initial=initial, renderer=r) for r in (fast, slow))
    for name in quick.fields:
        assert str(quick[name]) == str(templated[name]), name
    assert str(quick) == str(templated)


def test_the_portal_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "portal.form_renderer.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)


def test_other_widgets_go_through_their_templates():
    class Notes(forms.Form):
        notes = forms.CharField(widget=forms.Textarea)
        when = forms.SplitDateTimeField()
        pick = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)

    quick, templated = Notes({"notes": "<x>"}, renderer=FormRenderer()), Notes({"notes": "<x>"},
                                                                                renderer=DjangoTemplates())
    assert str(quick) == str(templated)
