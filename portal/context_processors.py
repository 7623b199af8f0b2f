from types import SimpleNamespace

from django.db.models import Count

from .navigation import nav_menu_html
from .precompiled import Read


def _unread(shape, user_id):
    from .models import Notification

    reader = SimpleNamespace(is_authenticated=True, pk=user_id)
    return (Notification.objects.visible_to(reader).unread().order_by()
            .values("recipient_id").annotate(unread=Count("pk")).values_list("unread", flat=True))


#: The badge's count, on every page a signed-in person opens: compiled once per process (``portal.precompiled``).
UNREAD = Read(_unread)


def unread_notifications(user) -> int:
    return next(iter(UNREAD.fetch(None, user.pk)), 0)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu_html": ""}
    return {"nav_menu_html": nav_menu_html(user, request.path), "unread_notifications": unread_notifications(user)}
