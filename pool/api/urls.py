from rest_framework.routers import SimpleRouter

from . import members, monitoring, proposals, review, views

router = SimpleRouter()
router.register("applications", views.ApplicationViewSet, basename="pool-application")
router.register("batches", views.BatchViewSet, basename="pool-batch")
router.register("review", review.ReviewQueueViewSet, basename="pool-review")
router.register("ranking", review.RankingViewSet, basename="pool-ranking")
router.register("members", members.MembershipViewSet, basename="pool-membership")
router.register("ledger", members.LedgerViewSet, basename="pool-ledger")
router.register("milestones", members.MilestoneViewSet, basename="pool-milestone")
router.register("reporting-years", monitoring.ReportingYearViewSet, basename="pool-reporting-year")
router.register("monitoring", monitoring.MonitoringReportViewSet, basename="pool-monitoring")
router.register("proposals", proposals.ProposalViewSet, basename="pool-proposal")
router.register("graduations", proposals.GraduationViewSet, basename="pool-graduation")
router.register("removals", proposals.RemovalViewSet, basename="pool-removal")
router.register("misconduct", proposals.MisconductViewSet, basename="pool-misconduct")

urlpatterns = [*router.urls]
