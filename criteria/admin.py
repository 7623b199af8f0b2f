"""Admin views of the criteria data. Published criteria sets and imported lists are read-only here: a change to a
set is a new version (``load_criteria_sets``) and a list changes by importing a file, so every change is audited."""

from django.contrib import admin

from .models import CriteriaSet, ListEntry, ListImport, PatentIntensiveIndustry, SmeSizeThreshold


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "name", "is_active", "created_at")
    list_filter = ("code", "is_active")
    readonly_fields = ("code", "version", "name", "description", "parameters", "weights", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SmeSizeThreshold)
class SmeSizeThresholdAdmin(ReadOnlyAdmin):
    list_display = ("table_version", "name", "employees_below", "revenue_below", "total_assets_below")
    list_filter = ("table_version",)


@admin.register(PatentIntensiveIndustry)
class PatentIntensiveIndustryAdmin(ReadOnlyAdmin):
    list_display = ("table_version", "industry_code", "industry_name", "category_name", "partial")
    list_filter = ("table_version", "category_name")
    search_fields = ("industry_code", "industry_name")


@admin.register(ListImport)
class ListImportAdmin(ReadOnlyAdmin):
    list_display = ("imported_at", "list_type", "file_name", "rows_imported", "replace", "imported_by")
    list_filter = ("list_type",)


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "name", "list_type", "listed_on", "source_import")
    list_filter = ("list_type",)
    search_fields = ("uscc", "name")
    list_select_related = ("source_import",)
