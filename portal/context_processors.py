from .navigation import nav_items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from .models import Notification

    return {
        "nav_items": nav_items_for(user),
        "unread_notifications": Notification.objects.visible_to(user).unread().count(),
    }
