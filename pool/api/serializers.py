from portal.api import bounded as serializers  # DRF's, with every input field bounded

from ..models import Application, ApplicationRevision, Batch, BatchCityQuota, Evaluation
from ..policy import PROVINCE_QUOTA_DEFAULT


class BatchCityQuotaSerializer(serializers.ModelSerializer):
    city_name = serializers.CharField(source="city.name", read_only=True)

    class Meta:
        model = BatchCityQuota
        fields = ["city", "city_name", "quota"]


class BatchSerializer(serializers.ModelSerializer):
    # The ceiling is checked by the batch service (the model's validator), so the policy's own message is shown.
    province_quota = serializers.IntegerField(label="全省推荐名额", min_value=1, default=PROVINCE_QUOTA_DEFAULT)
    state = serializers.SerializerMethodField()
    criteria_set_code = serializers.CharField(source="criteria_set.code", read_only=True)
    criteria_set_version = serializers.IntegerField(source="criteria_set.version", read_only=True)
    city_quotas = BatchCityQuotaSerializer(many=True, read_only=True)

    class Meta:
        model = Batch
        fields = ["id", "name", "year", "region", "criteria_set", "criteria_set_code", "criteria_set_version",
                  "opens_on", "closes_on", "state", "province_quota", "city_quotas", "replenishment", "description",
                  "created_at"]
        read_only_fields = ["region", "created_at"]

    def get_state(self, batch) -> str:
        return batch.state()


class ApplicationSerializer(serializers.ModelSerializer):
    batch_name = serializers.CharField(source="batch.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "batch", "batch_name", "enterprise", "enterprise_name", "uscc", "region", "region_name",
                  "industry_code", "status", "status_label", "verdict", "verdict_label", "score",
                  "criteria_set_version", "revision_number", "submitted_at", "updated_at"]


class ApplicationDetailSerializer(ApplicationSerializer):
    data = serializers.SerializerMethodField(help_text="最近一次提交的申报内容；草稿为当前填写内容（仅本企业可见）。")

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "data"]

    def get_data(self, application) -> dict:
        request = self.context.get("request")
        if request is not None and application.draft_visible_to(request.user):
            return application.data
        return application.current_revision.data if application.current_revision_id else {}


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationRevision
        fields = ["number", "submitted_at", "data", "attachments"]


class EvaluationSerializer(serializers.ModelSerializer):
    criteria_set_code = serializers.CharField(source="criteria_set.code", read_only=True)
    revision_number = serializers.IntegerField(source="revision.number", read_only=True, default=None)
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = Evaluation
        fields = ["application", "revision_number", "criteria_set", "criteria_set_code", "criteria_set_version",
                  "verdict", "verdict_label", "score", "results", "evaluated_on", "evaluated_at"]
