from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import kpi, views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("organisations", views.OrganisationViewSet)
router.register("users", views.UserViewSet)
router.register("jobs", views.JobViewSet)
router.register("notifications", views.NotificationViewSet)

urlpatterns = [path("me/", views.me, name="api-me"),
               path("privacy/reveal/", views.personal_data_reveal, name="api-personal-data-reveal"), path("kpi/", include(kpi)), *router.urls]
