from .navigation import nav_menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": []}
    from .models import Notification

    return {
        "nav_menu": nav_menu_for(user, request.path),
        "unread_notifications": Notification.objects.visible_to(user).unread().count(),
    }
