"""The same extreme values sent over HTTP, as the demo user who writes to each endpoint, on the demo data: never
a 5xx, and every message of a refusal (at the field or as the detail) is Chinese."""

import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from portal.models import User
from tests.sweeps.api_inputs import extremes_for, payload, writable_fields, write_endpoints, writer_of

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")
PER_FIELD = 6  # the first values of each kind: exponents, > 64-bit, far dates, NUL, long text


def messages_of(body) -> list[str]:
    if isinstance(body, dict):
        return [m for value in body.values() for m in messages_of(value)]
    if isinstance(body, list):
        return [m for value in body for m in messages_of(value)]
    return [str(body)]


def first_id(client, path: str):
    listing = client.get(path.split("{id}")[0])
    if listing.status_code != 200:
        return None
    body = listing.json()
    items = body.get("results", body) if isinstance(body, dict) else body
    return next((item["id"] for item in items if isinstance(item, dict) and "id" in item), None)


def test_every_write_endpoint_answers_extreme_values_without_a_server_error(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    problems, exercised = [], set()
    for endpoint in write_endpoints():
        client = APIClient()
        username = writer_of(endpoint.path)
        if username:
            client.force_authenticate(User.objects.get(username=username))
        url = endpoint.path
        if "{id}" in url:
            pk = first_id(client, url)
            if pk is None:
                continue  # nothing of this kind in the demo data: the serializer sweep still covers the body
            url = url.replace("{id}", str(pk))
        serializer = endpoint.serializer()
        for name, field in writable_fields(serializer).items():
            for value in extremes_for(field)[:PER_FIELD]:
                response = getattr(client, endpoint.method.lower())(url, payload(serializer, (name,), value),
                                                                    format="json")
                exercised.add(endpoint.path)
                where = f"{endpoint.method} {url} {name}={value!r:.40}"
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                elif response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
                    english = [m for m in messages_of(response.json()) if not CJK.search(m)]
                    if english:
                        problems.append(f"{where}: {response.status_code} {english[:2]}")
    assert len(exercised) >= 25, sorted(exercised)
    assert not problems, "\n".join(sorted({p.split(" ", 2)[1] + " " + p.rsplit(": ", 1)[1] for p in problems})[:40]
                                    + problems[:10])
