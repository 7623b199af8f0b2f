"""The weekly digest: a person's past digests and settings, and unsubscribing from an e-mail without logging in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ..forms import DigestPreferenceForm
from ..models import DigestDelivery
from ..services import digest

DIGEST_ROLES = ("enterprise", "supplier")


@login_required
@require_http_methods(["GET", "POST"])
def digest_list(request):
    if request.user.role not in DIGEST_ROLES:
        raise Http404("页面不存在")
    preference = digest.preference_of(request.user)
    form = DigestPreferenceForm(request.POST or None,
                                initial={"weekly": preference.weekly, "profile": preference.profile})
    if request.method == "POST" and form.is_valid():
        digest.digest_preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, "推送设置已保存。")
        return redirect("matching:digest-list")
    deliveries = DigestDelivery.objects.filter(recipient=request.user).order_by("-week")[:52]
    return render(request, "matching/digest_list.html", {"form": form, "deliveries": deliveries,
                                                          "is_enterprise": request.user.role == "enterprise"})


@login_required
def digest_detail(request, pk):
    delivery = get_object_or_404(DigestDelivery.objects.prefetch_related("items"), pk=pk, recipient=request.user)
    return render(request, "matching/digest_detail.html", {"delivery": delivery})


@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request, token):
    """Works without a session: the signed token names the person. GET only asks, so a mail scanner following
    the link does not unsubscribe anybody; the button posts."""
    user = digest.user_from_token(token)
    if user is None:
        return render(request, "matching/digest_unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        digest.digest_unsubscribe(user=user, via_token=True)
        done = True
    return render(request, "matching/digest_unsubscribe.html", {"person": user, "done": done})
