"""Login lock-out: per account *and* address, plus a throttle per address.

django-axes counts failures per (username, address): a sprayer elsewhere can no longer lock ``demo_province`` out
of their own office. One address that fails too often across any accounts (password spraying) is refused on its
own, at a higher limit, since a whole bureau may share one outgoing address.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone


def address_failures(ip_address: str | None) -> int:
    """Failed logins from one address within the cool-off, whatever the usernames."""
    if not ip_address:
        return 0
    since = timezone.now() - get_cool_off()
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"))["n"]
    return total or 0


def address_throttled(request) -> bool:
    return address_failures(get_client_ip_address(request)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class PortalAxesHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if address_throttled(request):
            # axes flags only its own lock for the middleware's lock-out page; this one is flagged here, and the
            # page tells the address apart from the account.
            request.portal_address_throttled = True
            request.axes_locked_out = True
            return True
        return False


@receiver(user_locked_out)
def _tell_the_owner(sender, request, username, ip_address, **kwargs):
    """The account owner hears of the lock at once (in the portal and by mail), once per lock."""
    from ..models import User
    from ..services.audit import audit
    from ..services.notifications import notify_on_commit

    if getattr(request, "axes_failures_since_start", None) != get_failure_limit(request, None):
        return  # a further failure during the lock, or an address throttle: already told
    user = User.objects.filter(username=username).first()
    if user is None:
        return
    minutes = round(get_cool_off().total_seconds() / 60)
    audit(actor=None, actor_name=username, action="user.locked", target=user, ip_address=ip_address,
          data={"minutes": minutes})
    notify_on_commit(
        recipients=[user], verb="account.locked", title="您的账号因多次输错密码已被临时锁定",
        body=(f"有人从地址 {ip_address or '未知'} 连续 {get_failure_limit(request, None)} 次输错您账号的密码，"
              f"该地址对您账号的登录已锁定 {minutes} 分钟；您从其他地址仍可登录。如非本人操作，请尽快修改密码，"
              "或请上级主管部门解除锁定。"),
        url=reverse("password_change"),
    )
