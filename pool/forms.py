"""Forms of the pool pages (the application form itself is rendered from ``pool.schema``)."""

from django import forms

from criteria.models import CriteriaSet
from portal.models import Region

from .models import AttachmentKind, Batch, MilestoneKind
from .policy import ATTACHMENT_MAX_BYTES
from .services.lifecycle.follow_up import LEVEL_CHOICES
from .services.patent_import import APPEND, REPLACE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = ["name", "year", "criteria_set", "opens_on", "closes_on", "province_quota", "replenishment",
                  "description"]
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


class MilestoneForm(forms.Form):
    """接续培育节点 — what a graduate obtained on its way to 专精特新“小巨人” and 单项冠军 (checked by the service)."""

    prefix = "milestone"
    kind = forms.ChoiceField(label="取得的资质", choices=[("", "请选择"), *MilestoneKind.choices])
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "—"), *LEVEL_CHOICES])
    certificate_no = forms.CharField(label="证书编号", required=False, max_length=60)
    obtained_on = forms.DateField(label="取得日期", widget=DateInput(),
                                  error_messages={"invalid": "请填写正确的日期（如 2025-06-30）。",
                                                  "required": "请填写取得日期。"})
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = "请选择取得的资质。"


from .lifecycle.policy import MisconductKind  # noqa: E402


class MisconductForm(forms.Form):
    """违规失信记录 — what a county learned of a member of its county from outside the monitoring report (the
    service checks the dates and who records)."""

    membership = forms.ModelChoiceField(label="入库企业", queryset=None, empty_label="请选择企业",
                                        error_messages={"required": "请选择企业。",
                                                        "invalid_choice": "请选择本辖区培育中的企业。"})
    kind = forms.ChoiceField(label="情形", choices=[("", "请选择"), *MisconductKind.CHOICES],
                             error_messages={"required": "请选择违规失信情形。"})
    occurred_on = forms.DateField(label="发生日期", required=False, widget=DateInput(),
                                  error_messages={"invalid": "请填写正确的日期（如 2025-06-30）。"})
    known_on = forms.DateField(label="知悉日期", widget=DateInput(), help_text="自知悉之日起计入退库评估",
                               error_messages={"invalid": "请填写正确的日期（如 2025-06-30）。",
                                               "required": "请填写知悉日期。"})
    description = forms.CharField(label="情况说明", widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="事实经过、认定文书名称与文号等",
                                  error_messages={"required": "请填写情况说明（事实、依据文书等）。"})

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = members
        self.fields["membership"].label_from_instance = lambda m: f"{m.enterprise_name}（{m.uscc}）"


class ReportingYearForm(forms.Form):
    """开启年度监测 — the province's call for one year's monitoring reports (checked by the service)."""

    prefix = "year"
    year = forms.IntegerField(label="监测年度", min_value=2000, max_value=2100,
                              error_messages={"required": "请填写监测年度。", "invalid": "请填写四位年份，如 2025。",
                                              "min_value": "请填写四位年份，如 2025。",
                                              "max_value": "请填写四位年份，如 2025。"})
    opens_on = forms.DateField(label="填报开始日期", widget=DateInput(),
                               error_messages={"required": "请填写填报开始日期。",
                                               "invalid": "请填写正确的日期（如 2026-01-15）。"})
    deadline = forms.DateField(label="填报截止日期", widget=DateInput(),
                               error_messages={"required": "请填写填报截止日期。",
                                               "invalid": "请填写正确的日期（如 2026-03-31）。"})
    note = forms.CharField(label="填报说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReportVerifyForm(forms.Form):
    """县级核实 — accept a submitted monitoring report, or return it with what to correct. The choices are the
    county's steps of ``monitoring_schema.REPORT_STEPS`` (target status and button label)."""

    prefix = "verify"
    decision = forms.ChoiceField(label="核实结果", widget=forms.RadioSelect,
                                 error_messages={"required": "请选择核实结果。",
                                                 "invalid_choice": "请选择核实通过或退回修改。"})
    comment = forms.CharField(label="县级意见", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="退回修改时必填，请写明需要修改的内容。")

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(s.target, s.label) for s in steps]
