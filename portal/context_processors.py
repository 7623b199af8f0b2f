from .navigation import nav_menu_html


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu_html": ""}
    from .models import Notification

    return {
        "nav_menu_html": nav_menu_html(user, request.path),
        "unread_notifications": Notification.objects.visible_to(user).unread().count(),
    }
