"""Extreme input to every API serializer that accepts writes (enumerated from the routers): never an exception,
a Chinese message at the field, and what validates is a value that may be stored."""

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sweeps.api_inputs import (
    errors_at,
    extremes_for,
    field_paths,
    payload,
    plausible,
    write_serializers,
)

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")
SERIALIZERS = write_serializers()
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_the_sweep_finds_the_write_serializers_of_every_app():
    apps = {s.__module__.split(".")[0] for s in SERIALIZERS}
    assert apps >= {"criteria", "finance", "matching", "pool", "portal"}, apps
    assert len(SERIALIZERS) >= 20


def _sign_in(serializer_class) -> bool:
    from rest_framework.authtoken.serializers import AuthTokenSerializer

    return issubclass(serializer_class, AuthTokenSerializer)


@pytest.mark.parametrize("serializer_class", [s for s in SERIALIZERS if not _sign_in(s)],
                         ids=lambda s: s.__name__)  # the token sign-in (DRF's: a name, a password, a code) aside
def test_every_write_serializer_reads_through_the_bounded_fields(serializer_class):
    """``portal.api.bounded``: a serializer that accepts writes declares no limit it could forget."""
    from portal.api.bounded import BoundedFields

    assert issubclass(serializer_class, BoundedFields), f"{serializer_class.__module__} 未使用 portal.api.bounded"


@pytest.fixture
def request_context(rf):
    from rest_framework.request import Request

    from tests.factories import user_with_role

    request = Request(rf.post("/api/"))
    request.user = user_with_role("province", "420000")
    return {"request": request}


def check(serializer_class, path, value, context):
    serializer = serializer_class(data=payload(serializer_class(context=context), path, value), context=context)
    started = time.monotonic()
    valid = serializer.is_valid()
    # generous for a shared machine: what it catches (a million-digit exponent expanded) takes minutes
    assert time.monotonic() - started < 10, f"{serializer_class.__name__}.{'.'.join(path)} = {value!r:.60} is slow"
    if valid:
        assert plausible(serializer.validated_data), (serializer_class.__name__, path, repr(value)[:80],
                                                      repr(serializer.validated_data)[:200])
        return
    messages = errors_at(serializer.errors, path)
    assert all(CJK.search(m) for m in messages), (serializer_class.__name__, path, repr(value)[:80], messages)


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda s: s.__name__)
def test_every_extreme_value_at_every_field_is_refused_in_chinese_or_plausible(serializer_class, request_context):
    for path, field in field_paths(serializer_class(context=request_context)):
        for value in extremes_for(field):
            check(serializer_class, path, value, request_context)


@SETTINGS
@given(data=st.data())
def test_random_text_and_numbers_at_any_field(data, request_context):
    serializer_class = data.draw(st.sampled_from(SERIALIZERS))
    path, _field = data.draw(st.sampled_from(field_paths(serializer_class(context=request_context))))
    value = data.draw(st.one_of(st.text(max_size=300), st.integers(min_value=-10**60, max_value=10**60),
                                st.floats(allow_nan=True, allow_infinity=True), st.none(), st.booleans(),
                                st.dates().map(str)))
    check(serializer_class, path, value, request_context)
