from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("sets", views.CriteriaSetViewSet, basename="criteria-set")
router.register("list-imports", views.ListImportViewSet, basename="criteria-list-import")
router.register("list-entries", views.ListEntryViewSet, basename="criteria-list-entry")

urlpatterns = [path("precheck/", views.precheck, name="criteria-precheck"), *router.urls]
