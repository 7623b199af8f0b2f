"""账号安全: the person's own API token (issue, withdraw) and second factor (enrol, verify)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

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
