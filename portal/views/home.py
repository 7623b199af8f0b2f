from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..models import Notification
from ..navigation import home_panels_for, nav_items_for


@login_required
def home(request):
    user = request.user
    return render(request, "portal/home.html", {
        "panels": home_panels_for(user),
        "quick_links": [i for i in nav_items_for(user) if i["url_name"] != "home"],
        "recent_notifications": Notification.objects.visible_to(user)[:5],
    })
