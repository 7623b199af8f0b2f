from django.urls import path

from . import views

app_name = "criteria"

urlpatterns = [
    path("sets/", views.CriteriaSetListView.as_view(), name="set-list"),
    path("sets/<int:pk>/", views.criteria_set_detail, name="set-detail"),
    path("sets/<int:pk>/materials/", views.criteria_set_materials, name="set-materials"),
    path("lists/imports/", views.ListImportListView.as_view(), name="list-imports"),
    path("lists/template.csv", views.list_template, name="list-template"),
    path("lists/", views.ListEntryListView.as_view(), name="list-entries"),
]
