"""账号安全: the person's own API token (issue, withdraw) and second factor (enrol, verify)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from .. import privacy
from ..http import client_ip
from ..security.tokens import token_expires_at, token_lifetime
from ..services.accounts import api_token_issue, api_token_revoke


def _page(request, **extra):
    token = Token.objects.filter(user=request.user).first()
    return render(request, "portal/account_security.html", {
        "token": token, "token_expires_at": token_expires_at(token) if token else None,
        "token_hours": round(token_lifetime().total_seconds() / 3600), **extra})


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
