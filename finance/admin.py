from django.contrib import admin

from .models import (
    BankCase,
    Consent,
    FinancePolicy,
    FinancingNeed,
    FundMovement,
    Loan,
    Lookup,
    PartnerBank,
    PledgeRegistration,
    Publication,
    PublicationDownload,
    PublicationEntry,
    RiskClaim,
    RiskFund,
    SubsidyApplication,
    Whitelist,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are never edited by hand: published whitelists, consents, downloads, fund movements."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FinancePolicy)
class FinancePolicyAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "version", "region_code", "is_active", "created_at"]


@admin.register(PartnerBank)
class PartnerBankAdmin(admin.ModelAdmin):
    list_display = ["bank", "region", "joined_on", "active"]
    list_filter = ["active", "region"]
    raw_id_fields = ["bank"]


@admin.register(FinancingNeed)
class FinancingNeedAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "amount", "term_months", "growth_stage", "status", "created_at"]
    list_filter = ["status", "growth_stage"]
    raw_id_fields = ["enterprise", "membership", "declared_by"]
    readonly_fields = ["pledge_assets"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "all_banks", "text_version", "given_at", "revoked_at"]


@admin.register(Whitelist)
class WhitelistAdmin(ReadOnlyAdmin):
    list_display = ["pk", "region", "status", "candidate_count", "eligible_count", "excluded_count", "created_at"]


class EntryInline(admin.TabularInline):
    model = PublicationEntry
    fields = ["position", "enterprise_name", "uscc", "need_amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """A published whitelist can be read in the admin, never changed or deleted (a correction is a new
    version)."""

    list_display = ["title", "number", "published_on", "publisher_name", "entry_count", "content_hash"]
    inlines = [EntryInline]


@admin.register(PublicationDownload)
class PublicationDownloadAdmin(ReadOnlyAdmin):
    list_display = ["publication", "bank", "user", "file_format", "entry_count", "withheld_count", "downloaded_at"]


@admin.register(BankCase)
class BankCaseAdmin(admin.ModelAdmin):
    list_display = ["enterprise_name", "bank", "contacted_on", "credit_amount", "credit_granted_on"]
    raw_id_fields = ["bank", "enterprise", "entry", "created_by"]


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = ["contract_no", "bank", "enterprise", "amount", "annual_rate", "start_on", "end_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["case", "bank", "enterprise", "created_by"]


@admin.register(PledgeRegistration)
class PledgeRegistrationAdmin(admin.ModelAdmin):
    list_display = ["registration_no", "bank", "enterprise", "registered_on", "pledged_value", "loan_amount"]
    raw_id_fields = ["loan", "bank", "enterprise", "created_by"]


@admin.register(Lookup)
class LookupAdmin(ReadOnlyAdmin):
    list_display = ["bank", "user", "day", "code_count", "listed_count", "created_at"]


@admin.register(SubsidyApplication)
class SubsidyApplicationAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "loan", "year", "requested_amount", "granted_amount", "status"]
    list_filter = ["status", "year"]


@admin.register(RiskFund)
class RiskFundAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "balance", "updated_at"]
    readonly_fields = ["balance"]  # moves only through deposits and approved claims


@admin.register(FundMovement)
class FundMovementAdmin(ReadOnlyAdmin):
    list_display = ["fund", "kind", "amount", "balance_after", "claim", "created_at"]


@admin.register(RiskClaim)
class RiskClaimAdmin(ReadOnlyAdmin):
    list_display = ["bank", "loan", "amount", "status", "created_at"]
