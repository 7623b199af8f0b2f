from portal.api import bounded as serializers  # DRF's, with every input field bounded

from ..choices import DealMode, MatchStatus
from ..models import Deal, Demand, Match, MatchmakingEvent, SupplyPatent


class SupplyPatentSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    ipc_codes = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = SupplyPatent
        fields = ["id", "application_no", "external_id", "patent_type", "title", "abstract", "ipc_main", "ipc_other",
                  "ipc_codes", "holder_name", "holder_type", "supplier", "supplier_name", "legal_status",
                  "offer_type", "price", "payment_terms", "open_licence_fee", "industry_chain", "ever_licensed",
                  "ever_used", "is_dormant", "is_listed", "created_at", "updated_at"]
        read_only_fields = ["patent_type", "supplier", "is_dormant", "is_listed", "created_at", "updated_at"]
        extra_kwargs = {"application_no": {"validators": []}}


class DemandSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    match_count = serializers.IntegerField(
        read_only=True, default=None, allow_null=True,
        help_text="为该需求推荐的专利数（供方只计本方的专利）；创建或修改需求的响应中为空（匹配在后台进行）")

    class Meta:
        model = Demand
        fields = ["id", "enterprise", "enterprise_name", "region", "reference", "title", "description",
                  "industry_field", "ipc_hint", "industry_chain", "budget", "cooperation_mode", "is_open",
                  "match_count", "created_at", "updated_at"]
        read_only_fields = ["region", "is_open", "created_at", "updated_at"]
        extra_kwargs = {"enterprise": {"required": False}}


class MatchSerializer(serializers.ModelSerializer):
    demand_title = serializers.CharField(source="demand.title", read_only=True)
    enterprise_name = serializers.CharField(source="demand.enterprise.name", read_only=True)
    patent_title = serializers.CharField(source="patent.title", read_only=True)
    application_no = serializers.CharField(source="patent.application_no", read_only=True)
    holder_name = serializers.CharField(source="patent.holder_name", read_only=True)

    class Meta:
        model = Match
        fields = ["id", "demand", "demand_title", "enterprise_name", "patent", "patent_title", "application_no",
                  "holder_name", "score", "rank", "patent_rank", "explanation", "status", "status_changed_at",
                  "created_at"]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[c for c in MatchStatus.choices if c[0] != MatchStatus.SUGGESTED])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DealSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="match.demand.enterprise.name", read_only=True)
    patent_title = serializers.CharField(source="match.patent.title", read_only=True)
    application_no = serializers.CharField(source="match.patent.application_no", read_only=True)
    holder_name = serializers.CharField(source="match.patent.holder_name", read_only=True)
    mode = serializers.ChoiceField(choices=DealMode.choices)

    class Meta:
        model = Deal
        fields = ["id", "match", "mode", "contract_amount", "amount_received", "signed_on", "note",
                  "enterprise_name", "patent_title", "application_no", "holder_name", "created_at"]
        read_only_fields = ["match", "created_at"]


class EventSerializer(serializers.ModelSerializer):
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)

    class Meta:
        model = MatchmakingEvent
        fields = ["id", "title", "industry_chain", "held_on", "place", "description", "organiser",
                  "organiser_name", "region", "created_at"]
        read_only_fields = ["organiser", "region", "created_at"]
