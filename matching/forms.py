"""Forms of the matching pages. They only collect input; the services validate rules and write."""

from django import forms
from django.utils import timezone

from portal.models import Organisation, OrganisationKind
from portal.tables import MAX_IMPORT_BYTES

from .choices import DealMode
from .models import Deal, Demand, MatchmakingEvent, SupplyPatent

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SupplyPatentForm(forms.ModelForm):
    class Meta:
        model = SupplyPatent
        fields = ["application_no", "external_id", "title", "abstract", "ipc_main", "ipc_other", "holder_name",
                  "holder_type", "legal_status", "offer_type", "price", "payment_terms", "open_licence_fee",
                  "industry_chain", "ever_licensed", "ever_used"]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"application_no": "12 位数字 + “.” + 校验位，如 201719081250.3",
                      "ipc_main": "如 B22D17/22", "ipc_other": "多个以分号分隔"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["application_no"].disabled = True

    def validate_unique(self):
        """Uniqueness of the application number is the service's job (it reports it at the field)."""


class DemandForm(forms.ModelForm):
    enterprise = forms.ModelChoiceField(label="需求企业", queryset=Organisation.objects.none(), required=True,
                                        help_text="代本辖区企业填报")

    class Meta:
        model = Demand
        fields = ["enterprise", "title", "description", "industry_chain", "industry_field", "ipc_hint", "budget",
                  "cooperation_mode"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6, "placeholder": "用自己的话描述遇到的问题、"
                                                          "想达到的效果，不必使用专业术语"})}
        help_texts = {"ipc_hint": "知道的话可填 IPC 小类（如 B22D），不知道可不填",
                      "budget": "以元为单位，可不填"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.role in ("county", "city", "province", "admin") and not self.instance.pk:
            self.fields["enterprise"].queryset = Organisation.objects.visible_to(user).filter(
                kind=OrganisationKind.ENTERPRISE).order_by("name")
        else:
            del self.fields["enterprise"]


class DealForm(forms.ModelForm):
    class Meta:
        model = Deal
        fields = ["mode", "contract_amount", "amount_received", "signed_on", "note"]
        widgets = {"signed_on": DATE_INPUT}

    def __init__(self, *args, default_mode: str = DealMode.TRANSFER, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("mode", default_mode)
        kwargs["initial"].setdefault("signed_on", timezone.localdate())
        kwargs["initial"].setdefault("amount_received", 0)
        super().__init__(*args, **kwargs)


class ReceivedForm(forms.Form):
    amount_received = forms.DecimalField(label="已到账金额（元）", max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label="备注", max_length=300, required=False)


class EventForm(forms.ModelForm):
    class Meta:
        model = MatchmakingEvent
        fields = ["title", "industry_chain", "held_on", "place", "description"]
        widgets = {"held_on": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 4})}


class ImportForm(forms.Form):
    file = forms.FileField(label="导入文件", help_text=f"CSV（UTF-8）或 Excel（.xlsx），不超过 "
                                                       f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    enterprise = forms.ModelChoiceField(label="需求企业", queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprises is None:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = enterprises
            self.fields["enterprise"].required = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before parsing: the size is known from the upload itself.
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"文件超过 {MAX_IMPORT_BYTES // (1024 * 1024)} MB 上限，未读取。请拆分后分批导入。")
        return upload


class DigestPreferenceForm(forms.Form):
    weekly = forms.BooleanField(label="接收每周匹配推送（站内消息和电子邮件）", required=False)
    profile = forms.BooleanField(label="入库企业：即使没有发布需求，也按本企业的专利和产品推送相关新专利",
                                 required=False)
