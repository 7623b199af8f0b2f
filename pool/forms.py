"""Forms of the pool pages (the application form itself is rendered from ``pool.schema``)."""

from django import forms

from criteria.models import CriteriaSet
from portal.models import Region

from .models import AttachmentKind, Batch
from .policy import ATTACHMENT_MAX_BYTES
from .services.patent_import import APPEND, REPLACE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = ["name", "year", "criteria_set", "opens_on", "closes_on", "province_quota", "description"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(is_active=True).order_by("code", "-version")

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "截止日期不能早于开始日期。")
        return cleaned


class CityQuotaForm(forms.Form):
    city = forms.ModelChoiceField(label="市（州）", queryset=Region.objects.none())
    quota = forms.IntegerField(label="推荐名额", min_value=1, required=False,
                               help_text="留空表示取消该市的单独名额。")

    def __init__(self, *args, batch: Batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = Region.objects.filter(level="city", code__startswith=batch.region.code[:2])


class AttachmentForm(forms.Form):
    prefix = "attachment"
    kind = forms.ChoiceField(label="材料类别", choices=AttachmentKind.choices)
    file = forms.FileField(label="文件", help_text=f"PDF、JPG、PNG、Excel（xlsx）、Word（docx），单个不超过 {ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB")


class PatentImportForm(forms.Form):
    prefix = "import"
    file = forms.FileField(label="专利清单（Excel）")
    mode = forms.ChoiceField(label="导入方式", choices=[(REPLACE, "替换现有清单"), (APPEND, "追加到现有清单")],
                             initial=REPLACE, widget=forms.RadioSelect)
