from django.contrib import admin

from .models import Application, ApplicationRevision, Attachment, Batch, BatchCityQuota, Evaluation


class BatchCityQuotaInline(admin.TabularInline):
    model = BatchCityQuota
    extra = 0


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "criteria_set", "opens_on", "closes_on", "province_quota"]
    inlines = [BatchCityQuotaInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["enterprise_name", "batch", "region", "status", "verdict", "score", "revision_number"]
    list_filter = ["status", "verdict", "batch"]
    search_fields = ["enterprise_name", "uscc"]
    raw_id_fields = ["enterprise", "current_revision", "created_by"]
    readonly_fields = ["verdict", "score", "criteria_set", "criteria_set_version", "evaluated_at"]


@admin.register(ApplicationRevision)
class ApplicationRevisionAdmin(admin.ModelAdmin):
    list_display = ["application", "number", "submitted_at"]
    raw_id_fields = ["application"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["application", "criteria_set", "criteria_set_version", "verdict", "score", "evaluated_at"]
    raw_id_fields = ["application", "revision"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "application", "kind", "size", "uploaded_at", "removed_at"]
    raw_id_fields = ["application"]

from .models import MonitoringReport, MonitoringRevision, ReportingYear  # noqa: E402  (yearly monitoring)


@admin.register(ReportingYear)
class ReportingYearAdmin(admin.ModelAdmin):
    list_display = ["year", "region", "opens_on", "deadline", "evaluated_at"]
    raw_id_fields = ["created_by"]


@admin.register(MonitoringReport)
class MonitoringReportAdmin(admin.ModelAdmin):
    list_display = ["membership", "year", "status", "revision_number", "submitted_at", "verified_at"]
    list_filter = ["status", "year"]
    search_fields = ["membership__enterprise_name", "membership__uscc"]
    raw_id_fields = ["membership", "reporting_year", "verified_by"]
    readonly_fields = ["figures", "revision_number", "submitted_at"]


@admin.register(MonitoringRevision)
class MonitoringRevisionAdmin(admin.ModelAdmin):
    list_display = ["report", "number", "submitted_at"]
    raw_id_fields = ["report", "submitted_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
