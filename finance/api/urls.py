from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("needs", views.NeedViewSet, basename="finance-need")
router.register("consents", views.ConsentViewSet, basename="finance-consent")
router.register("whitelists", views.WhitelistViewSet, basename="finance-whitelist")
router.register("publications", views.PublicationViewSet, basename="finance-publication")
router.register("cases", views.CaseViewSet, basename="finance-case")
router.register("loans", views.LoanViewSet, basename="finance-loan")
router.register("lookups", views.LookupViewSet, basename="finance-lookup")
router.register("subsidies", views.SubsidyViewSet, basename="finance-subsidy")
router.register("claims", views.ClaimViewSet, basename="finance-claim")

urlpatterns = [path("figures/", views.FiguresView.as_view(), name="finance-figures"), *router.urls]
