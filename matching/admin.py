from django.contrib import admin

from .models import (
    Deal,
    Demand,
    EventInvitation,
    Match,
    MatchingPolicy,
    MatchingRun,
    MatchmakingEvent,
    SupplyPatent,
)
from .services.supply import dormancy_refresh


@admin.register(MatchingPolicy)
class MatchingPolicyAdmin(admin.ModelAdmin):
    """The rules of matching are data: a change is saved as a new row and applied to the catalogue at once."""

    list_display = ("name", "created_at", "top_k_per_demand", "top_k_per_patent", "min_score", "dormant_min_years")
    readonly_fields = ("created_at",)

    def has_change_permission(self, request, obj=None):
        return False  # a rule that was in force stays as it was; change it by adding a new one

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        dormancy_refresh(actor=request.user, policy=obj)


@admin.register(SupplyPatent)
class SupplyPatentAdmin(admin.ModelAdmin):
    list_display = ("application_no", "title", "holder_name", "supplier", "offer_type", "price", "is_dormant",
                    "is_listed")
    list_filter = ("offer_type", "holder_type", "legal_status", "is_dormant", "is_listed")
    search_fields = ("application_no", "title", "holder_name")
    list_select_related = ("supplier",)
    readonly_fields = ("is_dormant", "patent_type", "created_at", "updated_at")
    raw_id_fields = ("supplier", "region")


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = ("title", "enterprise", "region", "industry_chain", "is_open", "created_at")
    list_filter = ("is_open", "cooperation_mode")
    search_fields = ("title", "description", "enterprise__name")
    list_select_related = ("enterprise", "region")
    raw_id_fields = ("enterprise", "region", "entered_by")


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ("demand", "patent", "score", "rank", "patent_rank", "status")
    list_filter = ("status",)
    list_select_related = ("demand", "patent")
    raw_id_fields = ("demand", "patent", "run")
    readonly_fields = ("status", "status_changed_at")


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ("match", "mode", "contract_amount", "amount_received", "signed_on")
    list_filter = ("mode",)
    raw_id_fields = ("match", "recorded_by")


class InvitationInline(admin.TabularInline):
    model = EventInvitation
    raw_id_fields = ("organisation",)
    extra = 0


@admin.register(MatchmakingEvent)
class MatchmakingEventAdmin(admin.ModelAdmin):
    list_display = ("title", "industry_chain", "held_on", "organiser")
    raw_id_fields = ("organiser", "region", "created_by")
    inlines = [InvitationInline]


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "status", "demand_count", "patent_count", "created_count", "seconds")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in MatchingRun._meta.fields]
