"""Every API serializer that accepts writes, found from the routers through the OpenAPI generator (so a new
endpoint is swept without being listed here), and extreme values for each kind of field they declare."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from rest_framework import serializers

from portal.validators import MAX_ITEMS

WRITE_METHODS = ("POST", "PUT", "PATCH")
#: What no figure of the portal exceeds (a year, a head count, money in yuan, a percentage): a validated value
#: beyond it was not refused, and would be scored, printed, exported or overflow the database column.
MAX_MAGNITUDE = 10**15
EARLIEST, LATEST = date(1949, 10, 1), date(2100, 12, 31)

NUMBERS = ["1e1000000", "-1e1000000", "1e-1000000", "9" * 60, "0" * 500 + "1", 10**40, -(10**40), 1e308, -1,
           "NaN", "Infinity", "-Infinity", "１２３", "1,000", "0x10", "", " ", None, True, "a\x00b", [1], {"a": 1}]
DATES = ["0001-01-01", "9999-12-31", "1850-01-01", "2024-02-30", "99999-01-01", "-0001-01-01", "20240101",
         10**40, "", None, "2024-01-01\x00", "２０２４-０１-０１"]
TEXTS = ["a\x00b", "𠮷野家" * 3000, "\u202e42", "<script>alert(1)</script>", "'; DROP TABLE x; --", " ",
         "\U0001F600" * 50, "", None, 10**40, ["列表"], {"键": "值"}, "a" * 100_000]
FLAGS = ["maybe", 2, -1, "", None, "是的", [True], 10**40]
IDS = [10**40, -(10**40), -1, 0, "1e5", "abc", "", None, 1.5, [1], "9" * 5000]


@dataclass(frozen=True)
class WriteEndpoint:
    method: str
    path: str
    serializer: type


@lru_cache(maxsize=1)
def write_endpoints() -> tuple[WriteEndpoint, ...]:
    """Each write operation of the API with the serializer its request body is read with."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.plumbing import ComponentRegistry
    from drf_spectacular.settings import spectacular_settings

    generator = SchemaGenerator()
    generator._initialise_endpoints()  # what get_schema() does first; the views are not otherwise reachable
    registry = ComponentRegistry()
    found = []
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        if method not in WRITE_METHODS:
            continue
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        schema = view.schema
        schema.path, schema.path_regex, schema.path_prefix, schema.method, schema.registry = (
            path, path_regex, "", method, registry)
        serializer = schema.get_request_serializer()
        if serializer is None or isinstance(serializer, dict):  # no body, or a file upload (swept as imports)
            continue
        found.append(WriteEndpoint(method, path, serializer if isinstance(serializer, type) else type(serializer)))
    return tuple(found)


def write_serializers() -> list[type]:
    return sorted({e.serializer for e in write_endpoints()}, key=lambda s: f"{s.__module__}.{s.__name__}")


def writable_fields(serializer) -> dict[str, serializers.Field]:
    return {name: f for name, f in serializer.fields.items() if not f.read_only}


def extremes_for(field: serializers.Field) -> list:
    """Extreme values for one field, by what it declares."""
    if isinstance(field, serializers.ListSerializer):
        return [[], [{}] * 3, "列表", 10**40]
    if isinstance(field, serializers.BaseSerializer):
        return ["对象", [], 10**40, {"无此字段": 1}]
    if isinstance(field, (serializers.BooleanField,)):
        return FLAGS
    if isinstance(field, (serializers.IntegerField, serializers.DecimalField, serializers.FloatField)):
        return NUMBERS
    if isinstance(field, (serializers.DateField, serializers.DateTimeField)):
        return DATES
    if isinstance(field, (serializers.PrimaryKeyRelatedField, serializers.ManyRelatedField)):
        return IDS + [[10**40], ["abc"]]
    if isinstance(field, serializers.ListField):
        child = extremes_for(field.child)
        return [[value] for value in child] + ["不是列表", [None] * (MAX_ITEMS + 1)]
    if isinstance(field, serializers.DictField):
        return ["不是对象", {"键": 10**40}]
    return TEXTS


def plausible(value) -> bool:
    """A validated value that may be stored: numbers finite and bounded, dates in range, text without NUL."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, (int, Decimal, float)):
        try:
            return abs(value) < MAX_MAGNITUDE
        except (ArithmeticError, TypeError):
            return False
    if isinstance(value, date):
        return EARLIEST <= (value if type(value) is date else value.date()) <= LATEST
    if isinstance(value, str):
        return "\x00" not in value and len(value) <= 10_000
    if isinstance(value, dict):
        return all(plausible(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return len(value) <= 1000 and all(plausible(v) for v in value)
    return True


def field_paths(serializer, prefix: tuple = ()) -> list[tuple[tuple, serializers.Field]]:
    """Every writable leaf field, nested serializers (one object or a list of them) included, as a path."""
    paths = []
    for name, field in writable_fields(serializer).items():
        inner = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(inner, serializers.BaseSerializer):
            paths.append(((*prefix, name), field))
            paths.extend(field_paths(inner, (*prefix, name)))
        else:
            paths.append(((*prefix, name), field))
    return paths


def payload(serializer, path: tuple, value) -> dict:
    """A request body holding ``value`` at ``path`` (a nested list field gets one element)."""
    if len(path) == 1:
        return {path[0]: value}
    field = serializer.fields[path[0]]
    inner = field.child if isinstance(field, serializers.ListSerializer) else field
    nested = payload(inner, path[1:], value)
    return {path[0]: [nested] if isinstance(field, serializers.ListSerializer) else nested}


def errors_at(errors, path: tuple):
    """The messages a serializer gave for ``path`` (following nested dicts and lists), flattened."""
    node = errors
    for key in path:
        if isinstance(node, list):
            node = next((item for item in node if item), {})
        if not isinstance(node, dict) or key not in node:
            return []
        node = node[key]
    return list(flatten(node))


def flatten(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from flatten(value)
    elif isinstance(node, list):
        for value in node:
            yield from flatten(value)
    else:
        yield str(node)


#: Who writes to each endpoint on the demo data (the longest matching prefix wins; anyone else is refused before
#: the body is read, which the serializer sweep covers).
WRITERS = {
    "/api/auth/": None, "/api/criteria/": "demo_enterprise", "/api/kpi/": "demo_province",
    "/api/finance/claims/": "demo_bank", "/api/finance/consents/": "demo_enterprise",
    "/api/finance/needs/": "demo_enterprise", "/api/finance/loans/": "demo_bank",
    "/api/finance/subsidies/": "demo_county", "/api/finance/whitelists/": "demo_city",
    "/api/matching/demands/": "demo_enterprise", "/api/matching/matches/": "demo_enterprise",
    "/api/matching/patents/": "demo_supplier", "/api/pool/batches/": "demo_province",
    "/api/pool/reporting-years/": "demo_province", "/api/pool/monitoring/{id}/submit/": "demo_enterprise",
    "/api/pool/proposals/{id}/appeal/": "demo_enterprise", "/api/pool/": "demo_county",
    "/api/privacy/": "demo_county", "/api/": "demo_province",  # anything new: the province first
}


def writer_of(path: str) -> str | None:
    return WRITERS[max((p for p in WRITERS if path.startswith(p)), key=len)]
