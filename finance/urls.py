from django.urls import path

from .views import enterprise, feedback, figures, publications, risk, subsidies, what_if, whitelists

app_name = "finance"

urlpatterns = [
    # what-if: the province's drafts of a policy's whitelist rules, their simulation and publishing
    path("what-if/", what_if.finance_draft_list, name="draft-list"),
    path("what-if/<int:pk>/", what_if.finance_draft_detail, name="draft-detail"),
    path("what-if/<int:pk>/edit/", what_if.finance_draft_edit, name="draft-edit"),
    path("what-if/<int:pk>/simulate/", what_if.finance_simulation_new, name="simulation-new"),
    path("what-if/<int:pk>/publish/", what_if.finance_draft_publish_view, name="draft-publish"),
    path("what-if/<int:pk>/discard/", what_if.finance_draft_discard_view, name="draft-discard"),
    path("what-if/simulations/<int:pk>/", what_if.finance_simulation_detail, name="simulation-detail"),
    # the enterprise: need, consent, its own status
    path("my/", enterprise.financing_home, name="my"),
    path("need/", enterprise.need_edit, name="need-edit"),
    path("consent/", enterprise.consent_view, name="consent"),
    path("consent/revoke/", enterprise.consent_revoke_view, name="consent-revoke"),
    # the city / province: drafts, review, publishing
    path("whitelists/", whitelists.WhitelistListView.as_view(), name="whitelist-list"),
    path("whitelists/generate/", whitelists.whitelist_generate_view, name="whitelist-generate"),
    path("whitelists/<int:pk>/", whitelists.whitelist_detail, name="whitelist-detail"),
    path("whitelists/<int:pk>/publish/", whitelists.whitelist_publish_view, name="whitelist-publish"),
    path("whitelists/<int:pk>/discard/", whitelists.whitelist_discard_view, name="whitelist-discard"),
    path("candidates/<int:pk>/exclude/", whitelists.candidate_exclude_view, name="candidate-exclude"),
    path("candidates/<int:pk>/include/", whitelists.candidate_include_view, name="candidate-include"),
    # publications, downloads, the bank's feedback on one enterprise
    path("publications/", publications.PublicationListView.as_view(), name="publication-list"),
    path("publications/<int:pk>/", publications.publication_detail, name="publication-detail"),
    path("publications/<int:pk>/excel/", publications.publication_excel, name="publication-excel"),
    path("publications/<int:pk>/pdf/", publications.publication_pdf, name="publication-pdf"),
    path("enterprises/<int:pk>/", publications.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/<slug:step>/", publications.enterprise_feedback, name="enterprise-feedback"),
    path("loans/<int:pk>/<slug:step>/", publications.loan_feedback, name="loan-feedback"),
    path("cases/", feedback.CaseListView.as_view(), name="case-list"),
    path("loans/", feedback.LoanListView.as_view(), name="loan-list"),
    path("feedback/template.xlsx", feedback.feedback_template, name="feedback-template"),
    path("feedback/import/", feedback.feedback_import_view, name="feedback-import"),
    path("lookups/", feedback.LookupListView.as_view(), name="lookup-list"),
    path("lookups/<int:pk>/", feedback.lookup_detail, name="lookup-detail"),
    path("lookups/template.xlsx", feedback.lookup_template, name="lookup-template"),
    # subsidies
    path("subsidies/", subsidies.SubsidyListView.as_view(), name="subsidy-list"),
    path("subsidies/new/", subsidies.subsidy_create, name="subsidy-create"),
    path("subsidies/<int:pk>/", subsidies.subsidy_detail, name="subsidy-detail"),
    path("subsidies/<int:pk>/decide/", subsidies.subsidy_decide, name="subsidy-decide"),
    path("subsidies/<int:pk>/pay/", subsidies.subsidy_pay_view, name="subsidy-pay"),
    path("subsidies/<int:pk>/notice.pdf", subsidies.subsidy_notice, name="subsidy-notice"),
    path("evidence/<int:pk>/", subsidies.evidence_download, name="evidence-download"),
    # risk compensation
    path("claims/", risk.ClaimListView.as_view(), name="claim-list"),
    path("claims/new/", risk.claim_create, name="claim-create"),
    path("claims/<int:pk>/", risk.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/decide/", risk.claim_decide, name="claim-decide"),
    path("funds/<int:pk>/", risk.fund_detail, name="fund-detail"),
    path("funds/<int:pk>/deposit/", risk.fund_deposit_view, name="fund-deposit"),
    # figures
    path("figures/", figures.figures_view, name="figures"),
]
