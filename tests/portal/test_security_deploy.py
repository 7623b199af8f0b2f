"""Headers and deploy checks (issue 13, finding 13): `check --deploy` clean with production settings, the example's
placeholder key refused, CSP / Permissions-Policy / no-store, the API schema and docs for signed-in people only."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import user_with_role

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "Vq3#" + "x7Lp9Rt2Wm5Kz8Nb4Hc6Jd1Fg0Sa" * 2


def example_env() -> dict:
    pairs = [line.split("=", 1) for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return {key.strip(): value.strip() for key, value in pairs}


def run_manage(*args, **env_overrides):
    env = {"PATH": os.environ["PATH"], **example_env(), "PORTAL_VAR_DIR": "/tmp/portal-deploy-probe",
           "STATIC_ROOT": "/tmp/portal-deploy-probe/static", **env_overrides}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_with_production_settings_is_clean():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=REAL_KEY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert re.search(r"\(0 silenced\)", result.stdout), result.stdout


@pytest.mark.parametrize("key", [
    "change-me-to-a-long-random-string",  # the .env.example placeholder
    "dev-only-insecure-key",               # the development key
    "Vq3#x7Lp9Rt2Wm5Kz8Nb4Hc6Jd1Fg0Sa",    # random but only 32 characters
    "django-insecure-" + "a1B2c3D4e5" * 5,  # Django's own marker of a generated development key
])
def test_a_weak_or_example_secret_key_is_refused_at_start_in_production(key):
    result = run_manage("check", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY must be a random string of at least 50 characters" in result.stderr


def test_the_example_env_names_the_security_settings():
    env = example_env()
    assert env["DEBUG"] == "false" and env["SECURE_COOKIES"] == "true"
    assert "change-me" in env["SECRET_KEY"]  # a placeholder that cannot be deployed as is


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/account/", "/api/me/"])
def test_pages_of_a_signed_in_person_are_never_cached(client, path):
    client.force_login(user_with_role("county", "420202"))
    cache_control = client.get(path)["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


@pytest.mark.django_db
def test_api_calls_with_a_token_are_never_cached(client):
    person = user_with_role("bank")
    key = client.post(reverse("api-token"), {"username": person.username,
                                             "password": settings.DEMO_PASSWORD}).json()["token"]
    assert "no-store" in client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")["Cache-Control"]


@pytest.mark.django_db
def test_the_api_schema_and_docs_need_a_login(client):
    assert client.get("/api/schema/").status_code == 401
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))
    client.force_login(user_with_role("enterprise"))
    assert client.get("/api/schema/", {"format": "json"}).status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_production_settings_turn_https_on_and_tests_stay_on_http():
    assert not settings.SECURE_SSL_REDIRECT  # the suite runs on plain HTTP
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE, "
             "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)")
    env = {"PATH": os.environ["PATH"], **example_env(), "SECRET_KEY": REAL_KEY, "DJANGO_SETTINGS_MODULE": "portal.settings",
           "PORTAL_VAR_DIR": "/tmp/portal-deploy-probe", "STATIC_ROOT": "/tmp/portal-deploy-probe/static"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["True", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"], \
        result.stderr


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"|javascript:", re.I)


def test_no_template_served_to_a_browser_has_inline_script_or_style():
    # PDFs (templates/**/pdf/) are rendered by weasyprint on the server, never by a browser under the CSP.
    offenders = [str(path.relative_to(ROOT)) for path in ROOT.glob("templates/**/*.html")
                 if "pdf" not in path.parts and INLINE.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
