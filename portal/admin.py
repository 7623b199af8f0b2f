from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEntry, Job, Notification, Organisation, Region, User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("机构", {"fields": ("organisation", "full_name", "phone")}))
    list_display = ("username", "full_name", "organisation", "is_active", "last_login")
    list_select_related = ("organisation",)
    search_fields = ("username", "full_name", "organisation__name")
    autocomplete_fields = ("organisation",)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "uscc")
    list_filter = ("kind",)
    search_fields = ("name", "uscc")
    autocomplete_fields = ("region",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: entries are written by the services alone (the database refuses changes on PostgreSQL)."""

    list_display = ("seq", "created_at", "actor_name", "action", "target_repr", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_name", "target_repr")
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Notification)
admin.site.register(Job)
admin.site.site_header = "培育库 系统管理"
