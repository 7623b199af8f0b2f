from portal.api import bounded as serializers  # DRF's, with every input field bounded
from portal.api.base import IdField
from portal.privacy import PersonalField

from ..models import (
    BankCase,
    Candidate,
    Consent,
    FinancingNeed,
    GrowthStage,
    Loan,
    LoanStatus,
    Lookup,
    PledgeRegistration,
    Publication,
    PublicationEntry,
    RiskClaim,
    SubsidyApplication,
    Whitelist,
)


class NeedSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    growth_stage_label = serializers.CharField(source="get_growth_stage_display", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = FinancingNeed
        fields = ["id", "enterprise", "enterprise_name", "region", "amount", "purpose", "term_months", "growth_stage",
                  "growth_stage_label", "pledge_assets", "status", "status_label", "created_at", "updated_at"]
        read_only_fields = fields


class NeedInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(label="融资金额（元）", max_digits=14, decimal_places=2)
    purpose = serializers.CharField(label="融资用途", max_length=200)
    term_months = serializers.IntegerField(label="期限（月）")
    growth_stage = serializers.ChoiceField(label="成长阶段", choices=GrowthStage.choices)
    assets = serializers.ListField(label="可质押知识产权（patent:<申请号> 或 trademark:<注册号>）",
                                   child=serializers.CharField(), required=False, default=list)


class ConsentSerializer(serializers.ModelSerializer):
    banks = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    in_force = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consent
        fields = ["id", "enterprise", "region", "all_banks", "banks", "text_version", "text", "text_hash", "given_at",
                  "revoked_at", "in_force"]
        read_only_fields = fields


class ConsentInputSerializer(serializers.Serializer):
    all_banks = serializers.BooleanField(label="全部合作银行")
    banks = serializers.ListField(label="选定银行（机构编号）", child=IdField(), required=False,
                                  default=list)
    agree = serializers.BooleanField(label="已阅读并同意授权书")

    def validate_agree(self, value):
        if not value:
            raise serializers.ValidationError("须同意授权书。")
        return value


class WhitelistSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    publication = serializers.SerializerMethodField()

    class Meta:
        model = Whitelist
        fields = ["id", "region", "policy", "status", "status_label", "evaluated_on", "job", "candidate_count",
                  "eligible_count", "excluded_count", "created_at", "generated_at", "publication"]
        read_only_fields = fields

    def get_publication(self, whitelist) -> int | None:
        publication = getattr(whitelist, "publication", None)
        return publication.pk if publication is not None else None


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "whitelist", "enterprise", "enterprise_name", "uscc", "region", "membership_status",
                  "need_amount", "eligible", "summary", "results", "excluded", "exclusion_reason"]
        read_only_fields = fields


class PublishInputSerializer(serializers.Serializer):
    banks = serializers.ListField(label="合作银行（机构编号）", child=IdField())
    change_note = serializers.CharField(label="更正说明", required=False, allow_blank=True, default="")


class PublicationSerializer(serializers.ModelSerializer):
    banks = serializers.SerializerMethodField()
    visible_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Publication
        fields = ["id", "region", "number", "title", "published_on", "published_at", "publisher_name", "policy",
                  "previous", "changes", "change_note", "entry_count", "visible_count", "content_hash", "banks"]
        read_only_fields = fields

    def get_banks(self, publication) -> list[int]:
        return [r.bank_id for r in publication.recipients.all()]


class EntrySerializer(serializers.ModelSerializer):
    contact_person = PersonalField()
    contact_phone = PersonalField()

    class Meta:
        model = PublicationEntry
        fields = ["id", "publication", "position", "enterprise", "enterprise_name", "uscc", "region", "region_name",
                  "membership_status", "need_amount", "need_term_months", "need_purpose", "growth_stage",
                  "pledge_assets", "contact_person", "contact_phone"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    bank_name = serializers.CharField(source="bank.name", read_only=True)
    loan_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = BankCase
        fields = ["id", "bank", "bank_name", "enterprise", "enterprise_name", "uscc", "region", "entry",
                  "contacted_on", "credit_amount", "credit_granted_on", "note", "loan_count", "updated_at"]
        read_only_fields = fields


class PledgeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PledgeRegistration
        fields = ["registration_no", "registered_on", "pledged_assets", "pledged_value", "loan_amount"]
        read_only_fields = fields


class LoanSerializer(serializers.ModelSerializer):
    bank_name = serializers.CharField(source="bank.name", read_only=True)
    enterprise_name = serializers.CharField(source="case.enterprise_name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    pledge = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = ["id", "bank", "bank_name", "enterprise", "enterprise_name", "region", "contract_no", "amount",
                  "annual_rate", "term_months", "start_on", "end_on", "status", "status_label", "repaid_on",
                  "overdue_since", "pledge"]
        read_only_fields = fields

    def get_pledge(self, loan) -> dict | None:
        pledge = getattr(loan, "pledge", None)
        return PledgeSerializer(pledge).data if pledge is not None else None


class LoanInputSerializer(serializers.Serializer):
    enterprise = IdField(label="企业（机构编号）")
    contract_no = serializers.CharField(label="贷款合同编号", max_length=60)
    amount = serializers.DecimalField(label="放款金额（元）", max_digits=14, decimal_places=2)
    annual_rate = serializers.DecimalField(label="年利率（%）", max_digits=6, decimal_places=4)
    term_months = serializers.IntegerField(label="期限（月）")
    start_on = serializers.DateField(label="起始日")
    end_on = serializers.DateField(label="到期日")


class PledgeInputSerializer(serializers.Serializer):
    registration_no = serializers.CharField(label="质押登记编号", max_length=60)
    registered_on = serializers.DateField(label="登记日期")
    pledged_assets = serializers.ListField(label="质押物", child=serializers.CharField())
    pledged_value = serializers.DecimalField(label="质押物评估价值（元）", max_digits=14, decimal_places=2)


class LoanStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(label="还款状态", choices=LoanStatus.choices)
    on = serializers.DateField(label="结清或逾期日期", required=False, allow_null=True, default=None)


class LookupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lookup
        fields = ["id", "bank", "file_name", "day", "code_count", "listed_count", "results", "created_at"]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(label="Excel 或 CSV 文件")


class SubsidySerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    contract_no = serializers.CharField(source="loan.contract_no", read_only=True)

    class Meta:
        model = SubsidyApplication
        fields = ["id", "enterprise", "region", "loan", "contract_no", "policy", "year", "period_from", "period_to",
                  "interest_paid", "evaluation_fee", "insurance_fee", "guarantee_fee", "requested_amount",
                  "granted_amount", "computation", "eligibility", "status", "status_label", "notice_number", "paid_on",
                  "payment_reference", "created_at"]
        read_only_fields = fields


class DecisionInputSerializer(serializers.Serializer):
    to = serializers.CharField(label="目标状态")
    comment = serializers.CharField(label="意见", required=False, allow_blank=True, default="")


class PaymentInputSerializer(serializers.Serializer):
    paid_on = serializers.DateField(label="拨付日期")
    payment_reference = serializers.CharField(label="拨付凭证号", max_length=60)


class ClaimSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RiskClaim
        fields = ["id", "bank", "loan", "fund", "region", "policy", "loss_amount", "share", "amount", "overdue_days",
                  "explanation", "status", "status_label", "decided_at", "decision_comment", "created_at"]
        read_only_fields = fields


class ClaimInputSerializer(serializers.Serializer):
    loan = IdField(label="贷款编号")
    loss_amount = serializers.DecimalField(label="损失金额（元）", max_digits=14, decimal_places=2)
