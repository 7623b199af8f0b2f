from importlib import import_module

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .api.views import TokenView
from .views import accounts, home, security, system

# Every app contributes its pages under its own prefix and its API under /api/<app>/ (see <app>/api/urls.py).
APPS = [("pool", "pool"), ("criteria", "criteria"), ("matching", "matching"), ("finance", "finance")]

handler500 = "portal.middleware.server_error"

portal_patterns = [
    path("organisations/", accounts.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<int:pk>/", accounts.organisation_detail, name="organisation-detail"),
    path("users/<int:pk>/", accounts.user_detail, name="user-detail"),
    path("staff/", accounts.StaffListView.as_view(), name="staff-list"),
    path("staff/new/", accounts.StaffCreateView.as_view(), name="staff-create"),
    path("audit/", accounts.AuditListView.as_view(), name="audit-list"),
    path("jobs/<int:pk>/", system.job_status, name="job-status"),
    path("jobs/<int:pk>/download/", system.job_download, name="job-download"),
    path("notifications/", system.notification_list, name="notification-list"),
    path("notifications/<int:pk>/read/", system.notification_read, name="notification-read"),
    path("kpi/", include("portal.views.kpi")),
]

api_patterns = [
    path("", include("portal.api.urls")),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The page and its script are separate responses, so the Content-Security-Policy allows no inline script.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
]
for app, prefix in APPS:
    api_patterns.append(path(f"{prefix}/", include(import_module(f"{app}.api.urls"))))

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", accounts.register, name="register"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("account/", security.account_security, name="account-security"),
    path("account/otp/setup/", security.otp_setup, name="account-otp-setup"),
    path("account/otp/verify/", security.otp_verify, name="account-otp-verify"),
    path("privacy/reveal/", security.personal_data_reveal, name="personal-data-reveal"),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("healthz", system.healthz, name="healthz"),
    path("portal/", include((portal_patterns, "portal"))),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]
for app, prefix in APPS:
    urlpatterns.append(path(f"{prefix}/", include(f"{app}.urls")))
