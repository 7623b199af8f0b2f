from rest_framework.routers import SimpleRouter

from . import review, views

router = SimpleRouter()
router.register("applications", views.ApplicationViewSet, basename="pool-application")
router.register("batches", views.BatchViewSet, basename="pool-batch")
router.register("review", review.ReviewQueueViewSet, basename="pool-review")
router.register("ranking", review.RankingViewSet, basename="pool-ranking")

urlpatterns = [*router.urls]
