"""The portal's URLs plus ``/bench/one-query/``: one query, one small page, served by the same stack."""

from django.http import HttpResponse
from django.urls import include, path

handler500 = "portal.middleware.server_error"


def one_query(request):
    from portal.models import Region

    name = Region.objects.filter(code="420000").values_list("name", flat=True).first()
    return HttpResponse(f"<!doctype html><title>{name}</title><p>{name}</p>")


urlpatterns = [path("bench/one-query/", one_query), path("", include("portal.urls"))]
