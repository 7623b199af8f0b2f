"""Forms of the finance pages. They only read and check input; every change is a service."""

import copy
from decimal import Decimal

from django import forms

from criteria.facts import ListKind
from portal.models import Organisation

from .figures import LEVELS, PERIODS
from .models import EvidenceKind, GrowthStage, Loan, LoanStatus
from .policy import ASSET_KIND_LABELS, MEMBERSHIP_STATUS_LABELS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def money(label: str, required: bool = True, min_value: Decimal = Decimal("0"), **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=min_value, max_digits=14,
                              decimal_places=2, **kwargs)


class NeedForm(forms.Form):
    amount = money("融资金额（元）", min_value=Decimal("0.01"))
    purpose = forms.CharField(label="融资用途", max_length=200, help_text="如：购置生产设备、补充流动资金、研发投入")
    term_months = forms.IntegerField(label="期限（月）", min_value=1, max_value=360)
    growth_stage = forms.ChoiceField(label="成长阶段", choices=GrowthStage.choices)
    assets = forms.MultipleChoiceField(label="可质押的专利、商标", required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text="从贵企业入库申报书中的自有专利和商标中选择")

    def __init__(self, *args, available=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].choices = [
            (a["key"], f"{'专利' if a['kind'] == 'patent' else '商标'} {a['number']} {a['title']}"
             + ("" if a["kind"] != "patent" else ("（已授权、有效）" if a["granted"] and a["valid"] else "（未授权或已失效）")))
            for a in available]


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label="授权范围", widget=forms.RadioSelect, initial="all",
                              choices=[("all", "全部合作银行"), ("chosen", "仅下列选定银行")])
    banks = forms.ModelMultipleChoiceField(label="选定银行", queryset=Organisation.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    agree = forms.BooleanField(label="本企业已阅读上述授权书，同意按其内容向银行提供企业信息", required=True,
                               error_messages={"required": "请勾选同意授权书后再提交。"})

    def __init__(self, *args, banks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if banks is not None:
            self.fields["banks"].queryset = banks

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "chosen" and not cleaned.get("banks"):
            self.add_error("banks", "请选择至少一家银行。")
        return cleaned


class ExcludeForm(forms.Form):
    reason = forms.CharField(label="排除理由", max_length=300)


class PublishForm(forms.Form):
    banks = forms.ModelMultipleChoiceField(label="发布给以下合作银行", queryset=Organisation.objects.none(),
                                           widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "请选择至少一家合作银行。"})
    change_note = forms.CharField(label="更正说明（选填）", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="如本版用于更正上一版，请说明更正内容；系统另会自动列出新增、移出和变更的企业。")

    def __init__(self, *args, banks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if banks is not None:
            self.fields["banks"].queryset = banks


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label="对接日期", widget=DateInput())
    note = forms.CharField(label="备注", max_length=300, required=False)


class CreditForm(forms.Form):
    credit_amount = money("授信金额（元）", min_value=Decimal("0.01"))
    credit_granted_on = forms.DateField(label="授信日期", widget=DateInput())


class LoanForm(forms.Form):
    contract_no = forms.CharField(label="贷款合同编号", max_length=60)
    amount = money("放款金额（元）", min_value=Decimal("0.01"))
    annual_rate = forms.DecimalField(label="年利率（%）", max_digits=6, decimal_places=4, min_value=Decimal("0.0001"),
                                     help_text="按百分数填写，如 3.85")
    term_months = forms.IntegerField(label="期限（月）", min_value=1, max_value=360)
    start_on = forms.DateField(label="起始日", widget=DateInput())
    end_on = forms.DateField(label="到期日", widget=DateInput())


class PledgeForm(forms.Form):
    registration_no = forms.CharField(label="质押登记编号", max_length=60)
    registered_on = forms.DateField(label="登记日期", widget=DateInput())
    pledged_assets = forms.CharField(label="质押物（专利号/商标注册号）", max_length=1000,
                                     help_text="多个以分号或逗号分隔")
    pledged_value = money("质押物评估价值（元）", min_value=Decimal("0.01"))

    def clean_pledged_assets(self):
        import re

        return [a for a in re.split(r"[;；,，、\s]+", self.cleaned_data["pledged_assets"]) if a]


class LoanStatusForm(forms.Form):
    status = forms.ChoiceField(label="还款状态", choices=LoanStatus.choices)
    on = forms.DateField(label="结清或逾期日期", required=False, widget=DateInput())


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）或 CSV 文件")


class SubsidyForm(forms.Form):
    loan = forms.ModelChoiceField(label="质押贷款", queryset=Loan.objects.none(), empty_label=None)
    period_from = forms.DateField(label="计息起始日", required=False, widget=DateInput())
    period_to = forms.DateField(label="计息截止日", required=False, widget=DateInput())
    interest_paid = money("实际支付利息（元）", required=False)
    evaluation_fee = money("评估费（元）", required=False)
    insurance_fee = money("保险费（元）", required=False)
    guarantee_fee = money("担保费（元）", required=False)
    contract = forms.FileField(label="借款合同", help_text="PDF 或图片")
    interest_voucher = forms.FileField(label="付息凭证", required=False)
    fee_invoice = forms.FileField(label="评估、保险、担保费发票", required=False)

    def __init__(self, *args, loans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if loans is not None:
            self.fields["loan"].queryset = loans
            self.fields["loan"].label_from_instance = (
                lambda loan: f"{loan.bank.name} {loan.contract_no}（{loan.amount:,.2f} 元，{loan.start_on:%Y-%m-%d} 起）")

    def evidence(self) -> list:
        pairs = [(EvidenceKind.CONTRACT, "contract"), (EvidenceKind.INTEREST_VOUCHER, "interest_voucher"),
                 (EvidenceKind.FEE_INVOICE, "fee_invoice")]
        return [(kind, self.cleaned_data[field]) for kind, field in pairs if self.cleaned_data.get(field)]


class DecisionForm(forms.Form):
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label="拨付日期", widget=DateInput())
    payment_reference = forms.CharField(label="拨付凭证号", max_length=60)


class ClaimForm(forms.Form):
    loan = forms.ModelChoiceField(label="逾期贷款", queryset=Loan.objects.none(), empty_label=None)
    loss_amount = money("损失金额（未偿本息，元）", min_value=Decimal("0.01"))

    def __init__(self, *args, loans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if loans is not None:
            self.fields["loan"].queryset = loans
            self.fields["loan"].label_from_instance = (
                lambda loan: f"{loan.case.enterprise_name} {loan.contract_no}（{loan.overdue_since:%Y-%m-%d} 起逾期）")


class DepositForm(forms.Form):
    amount = money("注入金额（元）", min_value=Decimal("0.01"))
    note = forms.CharField(label="说明", max_length=200, required=False)


class FigureForm(forms.Form):
    period = forms.ChoiceField(label="统计周期", choices=[(k, v[0]) for k, v in PERIODS.items()], initial="year",
                               required=False)
    level = forms.ChoiceField(label="按地区", choices=[(k, v[0]) for k, v in LEVELS.items()], initial="city",
                              required=False)
    since = forms.DateField(label="起始日期", required=False, widget=DateInput())
    until = forms.DateField(label="截止日期", required=False, widget=DateInput())


class FinanceDraftForm(forms.Form):
    """A financing policy's whitelist rules, as the province edits them in a draft."""

    name = forms.CharField(label="草案名称", max_length=100)
    membership_statuses = forms.MultipleChoiceField(
        label="可进入白名单的入库状态", widget=forms.CheckboxSelectMultiple,
        choices=[(k, v) for k, v in MEMBERSHIP_STATUS_LABELS.items() if k != "removed"])
    list_types = forms.MultipleChoiceField(label="核查的名单", choices=ListKind.CHOICES,
                                           widget=forms.CheckboxSelectMultiple)
    asset_kinds = forms.MultipleChoiceField(label="计入的可质押知识产权", choices=list(ASSET_KIND_LABELS.items()),
                                            widget=forms.CheckboxSelectMultiple)
    min_assets = forms.IntegerField(label="至少应有的可质押知识产权（件）", min_value=1, max_value=100)

    FIELDS = ("membership_statuses", "list_types", "asset_kinds", "min_assets")

    def __init__(self, *args, draft, **kwargs):
        self.draft = draft
        part = draft.parameters.get("whitelist", {})
        super().__init__(*args, initial={"name": draft.name, **{k: part.get(k) for k in self.FIELDS}}, **kwargs)

    def to_parameters(self) -> dict:
        params = copy.deepcopy(self.draft.parameters)
        params["whitelist"] = {**params.get("whitelist", {}), **{k: self.cleaned_data[k] for k in self.FIELDS}}
        return params
