"""API serializers. The facts serializers document (in the OpenAPI schema) and type-check the JSON shape of
``criteria.facts.ApplicationFacts``: every field is optional, so a half-filled draft can be pre-checked, but a
field that is given must have the right type."""

from portal.api import bounded as serializers  # DRF's, with every input field bounded

from ..facts import (
    LegalForm,
    LicenceKind,
    Ownership,
    PartnerType,
    PatentType,
    QualificationLevel,
    QualificationType,
)
from ..models import CriteriaSet, ListEntry, ListImport
from ..presentation import describe

MONEY = {"max_digits": 18, "decimal_places": 2, "required": False, "allow_null": True, "coerce_to_string": True}
COUNT = {"required": False, "allow_null": True, "min_value": 0}
DATE = {"required": False, "allow_null": True}
FLAG = {"required": False, "allow_null": True}


def text(max_length=200, **extra):
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=max_length, **extra)


def choice(choices, **extra):
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True, allow_null=True, **extra)


class IdentitySerializer(serializers.Serializer):
    name = text(help_text="企业名称")
    uscc = text(50, help_text="统一社会信用代码（校验位错误不返回 400，而是第 1 项不符合）")
    region_code = text(12, help_text="注册地行政区划代码（6 位，GB/T 2260）")
    legal_form = choice(LegalForm.CHOICES, help_text="法人类型")
    registration_date = serializers.DateField(**DATE, help_text="成立日期")
    industry_code = text(10, help_text="主营行业代码（GB/T 4754 小类，如 C3973）")
    employees = serializers.IntegerField(**COUNT, help_text="上年度从业人员数")
    revenue = serializers.DecimalField(**MONEY, help_text="上年度营业收入（元）")
    total_assets = serializers.DecimalField(**MONEY, help_text="上年末资产总额（元）")


class QualificationSerializer(serializers.Serializer):
    type = choice(QualificationType.CHOICES, help_text="资格类型")
    level = choice(QualificationLevel.CHOICES, help_text="级别")
    certificate_no = text(100)
    valid_from = serializers.DateField(**DATE)
    valid_to = serializers.DateField(**DATE, help_text="有效期至（含当日）；空为长期")


class PatentSerializer(serializers.Serializer):
    application_no = text(30, help_text="专利申请号，如 201910123456.7")
    title = text(300)
    patent_type = choice(PatentType.CHOICES)
    granted = serializers.BooleanField(**FLAG, help_text="是否已授权")
    valid = serializers.BooleanField(**FLAG, help_text="是否有效")
    ownership = choice(Ownership.CHOICES)
    licence_kind = choice(LicenceKind.CHOICES)
    licence_from = serializers.DateField(**DATE)
    licence_to = serializers.DateField(**DATE)
    used_in_product = serializers.BooleanField(**FLAG, help_text="是否用于在售产品")


class ProductSerializer(serializers.Serializer):
    name = text()
    core_patents = serializers.ListField(child=serializers.CharField(max_length=30), required=False,
                                         help_text="核心专利的申请号（须在专利清单中）")
    filing_no = text(50, help_text="专利产品备案号")
    sales = serializers.DecimalField(**MONEY)
    profit = serializers.DecimalField(**MONEY)
    patent_intensive = serializers.BooleanField(**FLAG, help_text="是否认定为专利密集型产品")


class TrademarkSerializer(serializers.Serializer):
    registration_no = text(30)
    name = text(100)
    owned = serializers.BooleanField(**FLAG)
    used_on_products = serializers.BooleanField(**FLAG)
    registered_on = serializers.DateField(**DATE, help_text="注册日期（注册公告日）；未填或晚于核验日的不计为注册商标")
    valid_to = serializers.DateField(**DATE)


class CooperationSerializer(serializers.Serializer):
    partner = text()
    partner_type = choice(PartnerType.CHOICES)
    valid_from = serializers.DateField(**DATE)
    valid_to = serializers.DateField(**DATE)
    agreement_attached = serializers.BooleanField(**FLAG)


class RnDSerializer(serializers.Serializer):
    rnd_expense = serializers.DecimalField(**MONEY, help_text="上年度研发投入（元）")
    rnd_staff = serializers.IntegerField(**COUNT)
    total_staff = serializers.IntegerField(**COUNT)
    leader_name = text(50, help_text="科研带头人")
    cooperations = CooperationSerializer(many=True, required=False)


class IPManagementSerializer(serializers.Serializer):
    system = serializers.BooleanField(**FLAG, help_text="制度")
    organisation = serializers.BooleanField(**FLAG, help_text="机构")
    personnel = serializers.BooleanField(**FLAG, help_text="人员")
    safeguard = serializers.BooleanField(**FLAG, help_text="保障")
    evidence = text(2000)
    gbt29490_certified = serializers.BooleanField(**FLAG)
    gbt29490_certificate_no = text(50)


class IntegritySerializer(serializers.Serializer):
    declared = serializers.BooleanField(**FLAG, help_text="已承诺无非正常专利申请、重大事故、违法违规及严重失信")
    note = text(1000)


class FactsSerializer(serializers.Serializer):
    """An application's facts (``criteria.facts.ApplicationFacts``); imported-list hits are never taken from
    the input, they are looked up by 统一社会信用代码."""

    identity = IdentitySerializer(required=False)
    qualifications = QualificationSerializer(many=True, required=False)
    patents = PatentSerializer(many=True, required=False)
    products = ProductSerializer(many=True, required=False)
    trademarks = TrademarkSerializer(many=True, required=False)
    rnd = RnDSerializer(required=False)
    ip_management = IPManagementSerializer(required=False)
    integrity = IntegritySerializer(required=False)


class PrecheckRequestSerializer(serializers.Serializer):
    facts = FactsSerializer()
    # The blank default makes a missing field go through validate_criteria_set too, which resolves it.
    criteria_set = serializers.SlugField(required=False, allow_blank=True, default="",
                                         help_text="入库标准代码，如 national-2024、huangshi-2024；默认国家标准的最新可用版本")
    on = serializers.DateField(required=False, allow_null=True, help_text="核验日期，默认今天")

    def validate_criteria_set(self, value):
        from ..services import default_criteria_set

        criteria_set = default_criteria_set(value or None)
        if criteria_set is None:
            raise serializers.ValidationError(f"没有可用的入库标准“{value}”。" if value else "系统中没有可用的入库标准。")
        return criteria_set


class CriterionResultSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["pass", "fail", "warn", "manual"])
    outcome_label = serializers.CharField()
    explanation = serializers.CharField()
    evidence = serializers.DictField()
    kind = serializers.ChoiceField(choices=["hard", "in_principle"])


class ScoreTermSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    points = serializers.CharField()
    explanation = serializers.CharField()


class EvaluationResultSerializer(serializers.Serializer):
    """``EvaluationResult.to_dict()``: the shape stored with every evaluation."""

    criteria_set = serializers.DictField(help_text="{code, version}")
    evaluated_on = serializers.DateField()
    verdict = serializers.ChoiceField(choices=["eligible", "conditional", "ineligible"])
    verdict_label = serializers.CharField()
    score = serializers.CharField(help_text="综合评分 0–100，两位小数")
    counts = serializers.DictField(child=serializers.IntegerField())
    results = CriterionResultSerializer(many=True)
    score_terms = ScoreTermSerializer(many=True)


class CriteriaSetSerializer(serializers.ModelSerializer):
    parameters_display = serializers.SerializerMethodField(help_text="阈值参数的中文说明")
    weights_display = serializers.SerializerMethodField(help_text="综合评分权重及计分方法")

    class Meta:
        model = CriteriaSet
        fields = ["id", "code", "version", "name", "description", "is_active", "created_at", "parameters", "weights",
                  "parameters_display", "weights_display"]

    def get_parameters_display(self, obj) -> list[dict]:
        return [{"label": label, "value": value} for label, value in describe(obj)["parameters"]]

    def get_weights_display(self, obj) -> list[dict]:
        return [{**row, "weight": str(row["weight"])} for row in describe(obj)["weights"]]


class ListImportSerializer(serializers.ModelSerializer):
    imported_by = serializers.CharField(source="imported_by.username", default=None, read_only=True)

    class Meta:
        model = ListImport
        fields = ["id", "list_type", "file_name", "replace", "rows_imported", "rows_replaced", "imported_by",
                  "organisation", "region", "imported_at"]


class ListEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ListEntry
        fields = ["id", "list_type", "uscc", "name", "reason", "listed_on", "source_import"]
