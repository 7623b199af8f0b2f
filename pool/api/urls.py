from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("applications", views.ApplicationViewSet, basename="pool-application")
router.register("batches", views.BatchViewSet, basename="pool-batch")

urlpatterns = [*router.urls]
