from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from ..filters import AuditFilter, OrganisationFilter, UserFilter
from ..forms import EnterpriseRegistrationForm, LoginForm, StaffAccountForm
from ..models import AuditEntry, Organisation, User
from ..scoping import get_visible_or_404
from ..security import backends
from ..security.otp import confirmed_device
from ..services.accounts import (
    UNLOCK_ROLES,
    account_locked,
    account_password_reset,
    account_unlock,
    enterprise_register,
    otp_device_reset,
    staff_account_create,
    user_password_changed,
)
from ..services.audit import client_ip
from .mixins import FilteredListView, RoleRequiredMixin


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=self.request.user, ip_address=client_ip(self.request))
        messages.success(self.request, "密码已修改。")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """忘记密码: a one-time link by e-mail (Django's token: it expires after ``PASSWORD_RESET_TIMEOUT`` and once the
    password changes). The page says the same whether or not the address is known, so it reveals no account."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        account_password_reset(user=form.user, ip_address=client_ip(self.request))
        return response


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError at the field it names, keeping everything the user typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error("password1" if "password1" in form.fields else None, error)


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = enterprise_register(
                uscc=data["uscc"], name=data["name"], region=data["region"], contact_person=data["contact_person"],
                contact_phone=data["contact_phone"], username=data["username"], password=data["password1"],
                email=data["email"], ip_address=client_ip(request),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            login(request, user, backend=backends.PATH)
            messages.success(request, "注册成功，欢迎使用培育库。")
            return redirect("home")
    return render(request, "registration/register.html", {"form": form})


class OrganisationListView(FilteredListView):
    model = Organisation
    filterset_class = OrganisationFilter
    roles = ("county", "city", "province", "admin")
    template_name = "portal/organisation_list.html"

    def base_queryset(self):
        return super().base_queryset().select_related("region")


class StaffListView(FilteredListView):
    model = User
    filterset_class = UserFilter
    roles = ("city", "province", "admin")
    template_name = "portal/staff_list.html"

    def base_queryset(self):
        return super().base_queryset().exclude(organisation__kind="enterprise").select_related(
            "organisation", "organisation__region").order_by("organisation__region_id", "username")


class AuditListView(FilteredListView):
    model = AuditEntry
    filterset_class = AuditFilter
    roles = ("city", "province", "admin")
    template_name = "portal/audit_list.html"


@login_required
def organisation_detail(request, pk):
    organisation = get_visible_or_404(Organisation.objects.select_related("region"), request.user, pk=pk)
    users = User.objects.visible_to(request.user).filter(organisation=organisation)
    return render(request, "portal/organisation_detail.html", {"organisation": organisation, "users": users})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    person = get_visible_or_404(User.objects.select_related("organisation__region"), request.user, pk=pk)
    may_unlock = request.user.role in UNLOCK_ROLES and request.user.pk != person.pk
    if request.method == "POST" and may_unlock:
        resetting = request.POST.get("action") == "otp_reset"
        try:
            if resetting:
                otp_device_reset(actor=request.user, user=person, reason=request.POST.get("reason", ""))
            else:
                account_unlock(actor=request.user, user=person, reason=request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            done = "重置两步验证" if resetting else "解除登录锁定"
            messages.success(request, f"已为 {person.username} {done}。")
        return redirect("portal:user-detail", pk=person.pk)
    return render(request, "portal/user_detail.html", {
        "person": person, "locked": account_locked(person), "may_unlock": may_unlock,
        "has_otp": confirmed_device(person) is not None})


class StaffCreateView(RoleRequiredMixin, auth_views.FormView):
    roles = ("city", "province", "admin")
    template_name = "portal/staff_form.html"
    form_class = StaffAccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creator": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = staff_account_create(creator=self.request.user, region=data["region"], username=data["username"],
                                        password=data["password"], full_name=data["full_name"], phone=data["phone"],
                                        email=data["email"])
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {"password": error.error_list}).items():
                form.add_error(field if field in form.fields else "password", errors)
            return self.form_invalid(form)
        messages.success(self.request, f"已为 {user.organisation} 创建账号 {user.username}。")
        return redirect("portal:staff-list")
