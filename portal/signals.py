"""Login, logout and failed logins go to the audit log; logout and a new password end the API token."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User
from .security import lockout  # noqa: F401  (tells the owner of a locked account)
from .security.tokens import mark_session_start
from .services.accounts import api_token_revoke
from .services.audit import audit, client_ip


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    mark_session_start(request)
    audit(actor=user, action="user.login", target=user, ip_address=client_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit(actor=user, action="user.logout", target=user, ip_address=client_ip(request))
        api_token_revoke(user=user, reason="logout", ip_address=client_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit(actor=None, actor_name=str(credentials.get("username", ""))[:150], action="user.login_failed",
          ip_address=client_ip(request))


@receiver(post_save, sender=User)
def _password_set(sender, instance, **kwargs):
    # Django keeps the new raw password on the instance until save() finishes: the password changed (by the person,
    # a reset link, the admin or a command), so a token issued under the old one stops working.
    if getattr(instance, "_password", None) is not None:
        api_token_revoke(user=instance, reason="password_changed")
