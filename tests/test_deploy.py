"""The production shape: docker-compose.yml, the Dockerfile and the example environment agree with each other."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_SETTINGS = {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example_env() -> dict:
    pairs = [line.split("=", 1) for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return {key.strip(): value.strip() for key, value in pairs}


def command_of(service: dict) -> str:
    command = service["command"]
    return " ".join(command.split()) if isinstance(command, str) else " ".join(command)


def test_the_five_services_are_there(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis"}


@pytest.mark.parametrize(("service", "expected"), [
    ("web", r"gunicorn portal\.wsgi:application --bind 0\.0\.0\.0:8000"),
    ("web", r"manage\.py migrate --noinput"),
    ("worker", r"^celery -A portal worker\b"),
    ("beat", r"^celery -A portal beat\b"),
    ("redis", r"^redis-server\b"),
])
def test_service_commands(compose, service, expected):
    assert re.search(expected, command_of(compose["services"][service]))


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_share_the_image_env_volume_and_wait_for_the_stores(compose, name):
    service = compose["services"][name]
    assert service["build"] == "." and service["env_file"] == ".env"
    assert "portal-var:/app/var" in service["volumes"]
    assert {dep: cond["condition"] for dep, cond in service["depends_on"].items()} == {
        "postgres": "service_healthy", "redis": "service_healthy"}


def test_stores_keep_their_data_and_report_health(compose):
    for name, mount in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        service = compose["services"][name]
        assert any(v.endswith(f":{mount}") for v in service["volumes"]) and "healthcheck" in service


def test_dockerfile_builds_on_python_311_slim_with_a_cjk_font_and_weasyprint_libraries():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    assert "fonts-noto-cjk" in dockerfile
    assert "libpango-1.0-0" in dockerfile and "libharfbuzz-subset0" in dockerfile
    assert re.search(r"pip install \.", dockerfile)
    assert "collectstatic --noinput" in dockerfile


def test_example_env_names_every_setting_the_compose_file_needs(compose, example_env):
    referenced = set(re.findall(r"\$\{(\w+)", (ROOT / "docker-compose.yml").read_text(encoding="utf-8")))
    assert REQUIRED_SETTINGS | referenced <= set(example_env)
    database = example_env["DATABASE_URL"]
    assert database.startswith("postgres://") and "@postgres:5432/" in database
    assert example_env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")


def test_example_env_yields_production_settings(example_env):
    # The example's placeholder key is refused at start (tests/portal/test_security_deploy.py): a real one here.
    env = {"PATH": os.environ["PATH"], **example_env, "SECRET_KEY": "k" * 30 + "Zq8#pL2@xW5!vN7$mR4^tB9&cD1*"}
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.SESSION_COOKIE_SECURE)")
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    env["PORTAL_VAR_DIR"] = "/tmp/portal-deploy-probe"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.postgresql", "False", "True"]


def test_readme_documents_every_environment_variable_the_settings_read():
    settings_source = (ROOT / "portal" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"""(?:environ\.get\(|environ\[|env_bool\()\s*["'](\w+)["']""", settings_source))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert REQUIRED_SETTINGS <= read
    assert sorted(name for name in read if f"`{name}`" not in readme) == []


def test_readme_names_the_demo_password_and_every_demo_login():
    from django.conf import settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{settings.DEMO_PASSWORD}`" in readme
    for login in ("demo_enterprise", "demo_county", "demo_city", "demo_province", "demo_bank", "demo_supplier"):
        assert f"`{login}`" in readme
