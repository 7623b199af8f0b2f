from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..models import Notification
from ..navigation import home_panels_for, todos_for


@login_required
def home(request):
    user = request.user
    return render(request, "portal/home.html", {
        "panels": home_panels_for(user),
        "todos": todos_for(user),
        "recent_notifications": Notification.objects.visible_to(user)[:5],
    })
