"""The form a province edits a draft criteria set with: thresholds as percentages and yuan, the counted
qualification types, the registration rule and the score weights. It maps to and from the set's JSON."""

from __future__ import annotations

import copy
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from criteria.facts import PatentType, QualificationType

from .lifecycle.policy import ReplenishmentScope
from .models import Batch

HUNDRED = Decimal(100)
QUALIFICATIONS = [(c, label) for c, label in QualificationType.CHOICES if c != QualificationType.OTHER]
#: Ratio thresholds entered as percentages (the set stores fractions).
PERCENT_FIELDS = {
    "industrialisation_rate_min": "专利产业化率下限（%）",
    "rnd_ratio_min": "研发投入占营业收入比例下限（%）",
    "rnd_staff_ratio_min": "研发人员占职工总数比例下限（%）",
}
MAINLAND = {"label": "中国内地", "province_code_range": ["11", "65"]}


def _percent(label: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2,
                              validators=[MinValueValidator(Decimal(0), "不能为负数。"),
                                          MaxValueValidator(HUNDRED, "不能超过 100%%。")])


class DraftForm(forms.Form):
    name = forms.CharField(label="草案名称", max_length=100)
    industrialisation_rate_min = _percent(PERCENT_FIELDS["industrialisation_rate_min"])
    rnd_ratio_min = _percent(PERCENT_FIELDS["rnd_ratio_min"])
    rnd_amount_min = forms.DecimalField(label="研发投入金额下限（元）", max_digits=14, decimal_places=2,
                                        validators=[MinValueValidator(Decimal(0), "不能为负数。"),
                                                    MaxValueValidator(Decimal(10) ** 11, "金额过大。")])
    rnd_staff_ratio_min = _percent(PERCENT_FIELDS["rnd_staff_ratio_min"])
    qualification_types = forms.MultipleChoiceField(label="认可的资质类型（标准 2）", choices=QUALIFICATIONS,
                                                    widget=forms.CheckboxSelectMultiple)
    national_only_types = forms.MultipleChoiceField(label="仅认可国家级的资质类型", choices=QUALIFICATIONS,
                                                    required=False, widget=forms.CheckboxSelectMultiple)
    core_patent_types = forms.MultipleChoiceField(label="可作为核心专利的专利类型（标准 4）",
                                                  choices=PatentType.CHOICES, widget=forms.CheckboxSelectMultiple)
    jurisdiction_label = forms.CharField(label="注册地范围名称（标准 1）", max_length=40,
                                         help_text="如“中国内地”“黄石市”")
    jurisdiction_prefixes = forms.CharField(
        label="注册地行政区划代码前缀", max_length=200, required=False,
        help_text="多个以逗号分隔，如 4202；留空表示中国内地各省（区、市）")

    def __init__(self, *args, draft, **kwargs):
        self.draft = draft
        params, terms = draft.parameters, draft.weights.get("terms", [])
        initial = {
            "name": draft.name,
            **{key: Decimal(str(params.get(key, 0))) * HUNDRED for key in PERCENT_FIELDS},
            "rnd_amount_min": Decimal(str(params.get("rnd_amount_min", 0))),
            "qualification_types": params.get("qualification", {}).get("types", []),
            "national_only_types": params.get("qualification", {}).get("national_only_types", []),
            "core_patent_types": params.get("core_patent_types", []),
            "jurisdiction_label": params.get("jurisdiction", {}).get("label", ""),
            "jurisdiction_prefixes": "，".join(params.get("jurisdiction", {}).get("region_prefixes", [])),
        }
        for term in terms:
            initial[f"weight_{term['code']}"] = Decimal(str(term["weight"]))
        super().__init__(*args, initial=initial, **kwargs)
        for term in terms:
            self.fields[f"weight_{term['code']}"] = forms.DecimalField(
                label=f"权重：{term.get('label', term['code'])}", max_digits=5, decimal_places=2,
                validators=[MinValueValidator(Decimal(0), "不能为负数。"), MaxValueValidator(HUNDRED, "不能超过 100。")])

    def weight_fields(self):
        return [self[name] for name in self.fields if name.startswith("weight_")]

    def threshold_fields(self):
        return [self[name] for name in self.fields if name != "name" and not name.startswith("weight_")]

    def clean_jurisdiction_prefixes(self):
        text = self.cleaned_data["jurisdiction_prefixes"].replace("，", ",")
        prefixes = [p.strip() for p in text.split(",") if p.strip()]
        bad = [p for p in prefixes if not p.isdigit() or not 2 <= len(p) <= 6]
        if bad:
            raise forms.ValidationError(f"行政区划代码前缀应为 2–6 位数字：{'、'.join(bad)}")
        return prefixes

    def clean(self):
        data = super().clean()
        weights = [data.get(name) for name in self.fields if name.startswith("weight_")]
        if all(w is not None for w in weights) and sum(weights) != HUNDRED:
            raise forms.ValidationError(f"各评分项权重之和应为 100，现为 {sum(weights):g}。")
        national = set(data.get("national_only_types") or [])
        if national - set(data.get("qualification_types") or []):
            self.add_error("national_only_types", "“仅认可国家级”的资质类型须在认可的资质类型之中。")
        return data

    def to_parameters(self) -> tuple[dict, dict]:
        data = self.cleaned_data
        params = copy.deepcopy(self.draft.parameters)
        for key in PERCENT_FIELDS:
            params[key] = format((data[key] / HUNDRED).normalize(), "f")
        params["rnd_amount_min"] = format(data["rnd_amount_min"].quantize(Decimal(1)), "f")
        params.setdefault("qualification", {})
        params["qualification"]["types"] = list(data["qualification_types"])
        params["qualification"]["national_only_types"] = list(data["national_only_types"])
        params["core_patent_types"] = list(data["core_patent_types"])
        prefixes = data["jurisdiction_prefixes"]
        params["jurisdiction"] = ({"label": data["jurisdiction_label"], "region_prefixes": prefixes} if prefixes
                                  else {**MAINLAND, "label": data["jurisdiction_label"]})
        weights = copy.deepcopy(self.draft.weights)
        for term in weights.get("terms", []):
            term["weight"] = format(data[f"weight_{term['code']}"].normalize(), "f")
        return params, weights


class SimulationForm(forms.Form):
    batch = forms.ModelChoiceField(label="模拟的申报批次", queryset=Batch.objects.none(),
                                   empty_label=None)

    def __init__(self, *args, draft, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = (Batch.objects.visible_to(user)
                                         .filter(criteria_set__code=draft.base.code).order_by("-opens_on", "-id"))


class LifecycleDraftForm(forms.Form):
    """A lifecycle policy's parameters: growth and the rate margin as percentages, the rest as whole numbers."""

    name = forms.CharField(label="草案名称", max_length=100)
    growth_threshold = _percent("出库：认定产品销售额与利润的增长幅度（%）")
    require_rate_improved = forms.BooleanField(label="出库还须专利产业化率提升", required=False)
    rate_margin = _percent("专利产业化率须提升的幅度（百分点）")
    no_progress_years = forms.IntegerField(label="连续无实质进展即退库的年数", min_value=1, max_value=10)
    replenishment_factor = forms.IntegerField(label="每出库 1 家可增补的家数", min_value=0, max_value=10)
    replenishment_scope = forms.ChoiceField(label="增补名额的核算范围", choices=ReplenishmentScope.CHOICES)
    appeal_days = forms.IntegerField(label="退库决定后的申诉期（天）", min_value=1, max_value=365)

    PERCENTS = ("growth_threshold", "rate_margin")
    WHOLE = ("no_progress_years", "replenishment_factor", "appeal_days")

    def __init__(self, *args, draft, **kwargs):
        self.draft = draft
        params = draft.parameters
        initial = {"name": draft.name, "require_rate_improved": bool(params.get("require_rate_improved")),
                   "replenishment_scope": params.get("replenishment_scope"),
                   **{k: Decimal(str(params.get(k, 0))) * HUNDRED for k in self.PERCENTS},
                   **{k: params.get(k) for k in self.WHOLE}}
        super().__init__(*args, initial=initial, **kwargs)

    def to_parameters(self) -> dict:
        data = self.cleaned_data
        params = copy.deepcopy(self.draft.parameters)
        for key in self.PERCENTS:
            params[key] = format((data[key] / HUNDRED).normalize(), "f")
        params.update({k: data[k] for k in self.WHOLE})
        params["require_rate_improved"] = data["require_rate_improved"]
        params["replenishment_scope"] = data["replenishment_scope"]
        return params
