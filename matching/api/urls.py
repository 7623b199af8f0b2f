from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("patents", views.SupplyPatentViewSet, basename="matching-patent")
router.register("demands", views.DemandViewSet, basename="matching-demand")
router.register("matches", views.MatchViewSet, basename="matching-match")
router.register("deals", views.DealViewSet, basename="matching-deal")
router.register("events", views.EventViewSet, basename="matching-event")

urlpatterns = [*router.urls]
