from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import kpi, views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("organisations", views.OrganisationViewSet)
router.register("users", views.UserViewSet)
router.register("jobs", views.JobViewSet)
router.register("notifications", views.NotificationViewSet)

urlpatterns = [path("me/", views.me, name="api-me"), path("kpi/", include(kpi)), *router.urls]
