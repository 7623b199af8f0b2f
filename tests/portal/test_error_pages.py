"""With DEBUG off, 400, 403 (CSRF), 404 and 500 are the portal's own pages in Chinese, not Django's English ones."""

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


def _text(response) -> str:
    return response.content.decode()


def test_404_is_chinese(production, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in _text(response) and "返回首页" in _text(response)
    assert "Not Found" not in _text(response)


def test_csrf_failure_is_chinese(production):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in _text(response)
    assert "CSRF" not in _text(response) and "Forbidden" not in _text(response)


@pytest.mark.parametrize(("view", "status", "title"), [
    (defaults.server_error, 500, "系统暂时出错"),
    (defaults.bad_request, 400, "请求无法处理"),
    (defaults.permission_denied, 403, "无权访问"),
])
def test_error_views_render_the_portal_pages(production, view, status, title):
    request = RequestFactory().get("/")
    response = view(request) if view is defaults.server_error else view(request, Exception("x"))
    assert response.status_code == status
    assert title in _text(response)
    assert "favicon.svg" in _text(response)
