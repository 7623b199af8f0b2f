"""API plumbing: health check, OpenAPI schema and docs served offline, token authentication."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.urls import reverse
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "engine": connection.vendor}
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert body["broker"] == {"ok": True, "mode": "eager"}
    else:  # CI: the real Redis answers
        assert body["broker"] == {"ok": True, "mode": "broker", "transport": "redis"}


def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"]["ok"] is True
    assert body["broker"]["ok"] is False and body["broker"]["error"]


def test_schema_is_valid_openapi_3_and_documents_the_lists(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/organisations/", "/api/users/", "/api/auth/token/", "/api/me/"} <= set(schema["paths"])


def test_docs_page_loads_vendored_assets_only(client, enterprise_user):
    client.force_login(enterprise_user)
    html = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', html)
    assert any("swagger-ui" in a for a in assets)
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), asset
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset


EXTERNAL_ASSET = re.compile(r"""(?:<script[^>]+src|<link[^>]+href|<img[^>]+src)\s*=\s*["'](?:https?:)?//"""
                            r"""|@import\s+(?:url\()?["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I)


def test_no_template_or_stylesheet_loads_anything_from_another_host():
    base = Path(settings.BASE_DIR)
    files = [*base.glob("templates/**/*.html"), *base.glob("*/templates/**/*.html"), *base.glob("static/css/**/*.css")]
    assert files
    offenders = [str(f.relative_to(base)) for f in files if EXTERNAL_ASSET.search(f.read_text(encoding="utf-8"))]
    assert offenders == []


def test_token_auth(client, enterprise_user):
    response = client.post(reverse("api-token"), {"username": enterprise_user.username,
                                                  "password": settings.DEMO_PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["username"] == enterprise_user.username and me.json()["role"] == "enterprise"


def test_token_is_refused_for_a_wrong_password_and_the_api_needs_a_login(client, enterprise_user):
    response = client.post(reverse("api-token"), {"username": enterprise_user.username, "password": "Wrong#pass1"})
    assert response.status_code == 400
    anonymous = client.get("/api/me/")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    assert client.get("/api/me/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_token_endpoint_shares_the_account_lockout(client, enterprise_user):
    for _ in range(6):
        client.post(reverse("api-token"), {"username": enterprise_user.username, "password": "Wrong#pass1"})
    response = client.post(reverse("api-token"), {"username": enterprise_user.username,
                                                  "password": settings.DEMO_PASSWORD})
    assert response.status_code == 429
    assert "token" not in response.content.decode()
