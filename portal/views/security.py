"""账号安全: the person's own API token (issue, withdraw) and second factor (enrol, verify); revealing contact data."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from .. import privacy
from ..http import client_ip
from ..security import otp
from ..security.tokens import token_expires_at, token_lifetime
from ..services.accounts import api_token_issue, api_token_revoke, otp_device_enrolled
from ..services.audit import audit


def _page(request, **extra):
    token = Token.objects.filter(user=request.user).first()
    return render(request, "portal/account_security.html", {
        "token": token, "token_expires_at": token_expires_at(token) if token else None,
        "token_hours": round(token_lifetime().total_seconds() / 3600),
        "otp_role": request.user.role in otp.SECOND_FACTOR_ROLES, "otp_device": otp.confirmed_device(request.user),
        **extra})


@login_required
@require_http_methods(["GET", "POST"])
def account_security(request):
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "token_issue":
            token = api_token_issue(user=request.user, ip_address=client_ip(request))
            # Shown once, on this response only: never put into a message stored in the session.
            return _page(request, new_token=token.key)
        if action == "token_revoke":
            if api_token_revoke(user=request.user, reason="by_user", ip_address=client_ip(request)):
                messages.success(request, "接口令牌已吊销，使用它的程序将无法再访问。")
        return redirect("account-security")
    return _page(request)


@login_required
@require_POST
def personal_data_reveal(request):
    """Reveal one record's contact data with a reason (audited); back to the page it was asked on."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    obj = privacy.revealable_object(request.user, request.POST.get("kind", ""), request.POST.get("pk"))
    if obj is None:
        raise Http404("未找到该记录")
    reason = (request.POST.get("reason") or "").strip()
    if len(reason) < 2:
        messages.error(request, "请填写查看完整联系方式的原因。")
    else:
        privacy.reveal(request=request, obj=obj, kind=request.POST["kind"], reason=reason)
        messages.info(request, f"已显示完整联系方式（{settings.PERSONAL_DATA_REVEAL_MINUTES} 分钟内有效），本次查看已记录。")
    return redirect(target)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), then confirm with one code."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if otp.confirmed_device(request.user):
        return redirect(f"{reverse('account-otp-verify')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="身份验证器", confirmed=False)
    error = ""
    if request.method == "POST":
        if otp.check_code(device, request.POST.get("code", "")):
            otp_device_enrolled(user=request.user, device=device, ip_address=client_ip(request))
            otp_login(request, device)
            messages.success(request, "两步验证已启用，今后登录时需输入身份验证器中的动态码。")
            return redirect(_next(request))
        error = "动态码不正确或已过期，请输入身份验证器当前显示的 6 位数字。"
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "portal/otp_setup.html", {
        "qr_svg": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, title="两步验证二维码")),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), "error": error,
        "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of a staff login: a code from the enrolled app."""
    from django_otp import login as otp_login

    device = otp.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('account-otp-setup')}?{urlencode({'next': _next(request)})}")
    error = ""
    if request.method == "POST":
        if otp.check_code(device, request.POST.get("code", "")):
            otp_login(request, device)
            return redirect(_next(request))
        audit(actor=request.user, action="user.otp_failed", target=request.user, ip_address=client_ip(request))
        # django-otp makes each further try wait longer (1 s, 2 s, 4 s …) after a wrong code.
        error = ("动态码不正确或已过期，请重新输入。" if device.throttling_failure_count < 3
                 else "动态码多次输错，请稍候再试；如身份验证器丢失，请联系上级主管部门重置两步验证。")
    return render(request, "portal/otp_verify.html", {"error": error, "next": _next(request)})
