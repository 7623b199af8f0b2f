from django.contrib import messages

from . import DEFERRED_MESSAGE, deferred


class OutboxNoticeMiddleware:
    """Tells the person when the work their change asked for could not be queued yet (it will run later)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = deferred.set([])
        try:
            response = self.get_response(request)
            if deferred.get() and hasattr(request, "_messages"):
                messages.warning(request, DEFERRED_MESSAGE)
                response.headers["X-Portal-Deferred"] = "1"
            return response
        finally:
            deferred.reset(token)
