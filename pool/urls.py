from django.urls import path

from .views import applications, attachments, batches, members, ranking, review

app_name = "pool"

urlpatterns = [
    path("applications/", applications.ApplicationListView.as_view(), name="application-list"),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application-edit"),
    path("applications/<int:pk>/autosave/", applications.application_autosave_view, name="application-autosave"),
    path("applications/<int:pk>/submit/", applications.application_submit_view, name="application-submit"),
    path("applications/<int:pk>/evaluation/", applications.evaluation_detail, name="application-evaluation"),
    path("applications/<int:pk>/revisions/<int:number>/", applications.revision_detail, name="revision-detail"),
    path("applications/<int:pk>/attachments/", attachments.attachment_upload_view, name="attachment-upload"),
    path("applications/<int:pk>/patents/import/", attachments.patent_import_view, name="patent-import"),
    path("attachments/<int:pk>/download/", attachments.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/remove/", attachments.attachment_remove_view, name="attachment-remove"),
    path("patents/template.xlsx", attachments.patent_template, name="patent-template"),
    path("batches/", batches.BatchListView.as_view(), name="batch-list"),
    path("batches/new/", batches.batch_create_view, name="batch-create"),
    path("batches/<int:pk>/", batches.batch_detail, name="batch-detail"),
    path("batches/<int:pk>/edit/", batches.batch_edit_view, name="batch-edit"),
    path("batches/<int:pk>/apply/", applications.application_start, name="application-start"),
    path("batches/<int:pk>/score/", batches.batch_score_view, name="batch-score"),
    # review: county queue and decisions, city / province ranked lists, exports and PDFs
    path("review/", review.ReviewQueueView.as_view(), name="review-queue"),
    path("review/batch/", review.review_batch_view, name="review-batch"),
    path("review/export/", review.review_queue_export, name="review-export"),
    path("review/<int:pk>/", review.review_detail, name="review-detail"),
    path("review/<int:pk>/decide/", review.review_decide, name="review-decide"),
    path("review/<int:pk>/criteria/<int:number>/", review.criterion_review_view, name="review-criterion"),
    path("applications/<int:pk>/pdf/", review.application_pdf, name="application-pdf"),
    path("ranking/", ranking.RankingView.as_view(), name="ranking"),
    path("ranking/export/", ranking.ranking_export, name="ranking-export"),
    path("ranking/letter/", ranking.recommendation_letter, name="recommendation-letter"),
    # members: the member list, the enterprise timeline, the replenishment ledger, follow-up cultivation
    path("members/", members.MemberListView.as_view(), name="membership-list"),
    path("members/export/", members.member_export, name="membership-export"),
    path("members/mine/", members.my_membership, name="membership-mine"),
    path("members/<int:pk>/", members.membership_detail, name="membership-detail"),
    path("members/<int:pk>/step/", members.membership_step_view, name="membership-step"),
    path("members/<int:pk>/milestones/", members.milestone_create_view, name="milestone-create"),
    path("ledger/", members.LedgerView.as_view(), name="ledger"),
    path("ledger/export/", members.ledger_export, name="ledger-export"),
    path("follow-up/", members.MilestoneListView.as_view(), name="milestone-list"),
    path("follow-up/export/", members.milestone_export, name="milestone-export"),
]
