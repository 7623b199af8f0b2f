"""Hot reads of a fixed shape, turned into SQL once per process instead of on every request.

Compiling a queryset — its joins, the columns of every ``select_related`` model, the WHERE tree — costs more
Python than running it: the review page's scoped read of one application spends two thirds of its time in the
compiler. A ``Read`` names a queryset whose SQL depends only on a *shape* (e.g. the person's role) and whose
*values* (ids, a region prefix) are only parameters. The first call of a shape builds the queryset with stand-in
values and compiles it; every call then puts its own values where the stand-ins' parameters were and runs the
same SQL, the rows turned into objects by the ORM's own code (``select_related`` and all).

On PostgreSQL the compiled SQL is also a prepared statement of each connection (``PreparingConnection``):
PostgreSQL parses and plans it once per connection instead of on every request. Planning was most of the
database's work for these reads (the review page's read of an application with its batch, criteria set, region
chain and revision: 1.0 ms of planning, 0.1 ms of execution). Django's own statements stay unprepared, as Django
leaves them (``prepare_threshold=None``: prepared statements and connection poolers in transaction mode do not mix;
these reads are few and fixed, so they fit the per-connection cache).

The ORM stays the only author of the SQL. Whatever a stand-in cannot stand for goes through the ORM as before: a
value that is None or of another type than the stand-in (it could change the SQL, ``IS NULL``), a value that
would need escaping inside a LIKE pattern, a shape whose SQL holds a stand-in in its text or that cannot match.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models.query import MAX_GET_RESULTS

# Far outside any id or number the portal stores, so that a parameter equal to one is that stand-in.
INT_STAND_IN = -7_316_402_918_000
STR_STAND_IN = "Zq7StandIn{}xJ"


class Unshapely(Exception):
    """The read cannot be reused with other values: it always goes through the ORM."""


def stand_in(value, index: int):
    if type(value) is int:
        return INT_STAND_IN - index
    if type(value) is str:
        return STR_STAND_IN.format(index)
    raise Unshapely


def _slot(param, stand_ins: tuple) -> tuple:
    """Where a compiled parameter comes from: ``(index, None)`` a value as given, ``(index, (before, after))`` a
    value inside a pattern (``LIKE 'value%'``), ``(None, param)`` a constant of the shape."""
    for index, standing in enumerate(stand_ins):
        if type(param) is type(standing) and param == standing:
            return index, None
        if isinstance(param, str) and isinstance(standing, str) and standing in param:
            before, _, after = param.partition(standing)
            return index, (before, after)
    # A stand-in inside a list, or changed on its way (lower-cased, made a date), is no plain parameter.
    if any(str(standing).lower() in str(param).lower() for standing in stand_ins):
        raise Unshapely
    return None, param


def _fits_pattern(value: str) -> bool:
    """A value the ORM puts into a pattern as it is (no LIKE wildcard or escape to double)."""
    return value.isascii() and value.isalnum()


@dataclass(frozen=True)
class Compiled:
    queryset: object  # built with the stand-ins; never evaluated itself
    compiler: object  # ``as_sql`` done: its select, klass_info and converters are the shape's
    sql: str
    slots: tuple

    @classmethod
    def of(cls, queryset, stand_ins: tuple) -> Compiled:
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except Exception as error:  # e.g. an empty result set: nothing to run
            raise Unshapely from error
        if not sql or any(str(standing) in sql for standing in stand_ins):
            raise Unshapely
        return cls(queryset, compiler, sql, tuple(_slot(p, stand_ins) for p in params))

    def params(self, values: tuple) -> tuple | None:
        params = []
        for index, pattern in self.slots:
            if index is None:
                params.append(pattern)
            elif pattern is None:
                params.append(values[index])
            elif _fits_pattern(values[index]):
                params.append(pattern[0] + values[index] + pattern[1])
            else:
                return None
        return tuple(params)

    def queryset_for(self, params: tuple):
        """A fresh queryset of the shape that runs the compiled SQL with ``params``; only ever evaluated here (a
        queryset chained from it would carry the compiler along)."""
        queryset = self.queryset._chain()
        connection = connections[queryset.db]
        if queryset.query.select_for_update and connection.get_autocommit():
            return None  # the ORM's own error: select_for_update outside a transaction
        compiler = copy.copy(self.compiler)
        compiler.connection = preparing(connection)  # the thread's own connection
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return queryset


class PreparingConnection:
    """The thread's connection as a compiler sees it, whose cursors run their statements prepared."""

    def __init__(self, connection):
        self._connection = connection

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def cursor(self):
        from .prepared import cursor

        return cursor(self._connection)


def preparing(connection):
    if connection.vendor == "postgresql" and getattr(settings, "PREPARE_COMPILED_READS", False):
        from .prepared import available

        if available():
            return PreparingConnection(connection)
    return connection


def _as_get(queryset):
    """What ``QuerySet.get`` runs: no ordering, at most ``MAX_GET_RESULTS`` rows."""
    if queryset.query.can_filter() and not queryset.query.distinct_fields:
        queryset = queryset.order_by()
    if not queryset.query.select_for_update or connections[queryset.db].features.supports_select_for_update_with_limit:
        queryset.query.set_limits(high=MAX_GET_RESULTS)
    return queryset


class Read:
    """A read of fixed shape: ``build(shape, *values)`` returns its queryset, whose SQL may depend on ``shape``
    (hashable) and only through parameters on ``values`` (ints and strings)."""

    def __init__(self, build, *, get: bool = False):
        self.build, self.get_one = build, get
        self.compiled: dict = {}

    def queryset(self, shape, values: tuple):
        if self.get_one:
            return _as_get(self.build(shape, *values))
        return self.build(shape, *values)

    def _compiled(self, shape, values: tuple) -> Compiled | None:
        key = (shape, tuple(type(v) for v in values))
        if key not in self.compiled:
            try:
                stand_ins = tuple(stand_in(v, i) for i, v in enumerate(values))
                self.compiled[key] = Compiled.of(self.queryset(shape, stand_ins), stand_ins)
            except (Unshapely, AttributeError, TypeError, ValueError):
                self.compiled[key] = None
        return self.compiled[key]

    def _ready(self, shape, values: tuple):
        compiled = self._compiled(shape, values)
        params = compiled.params(values) if compiled is not None else None
        queryset = compiled.queryset_for(params) if params is not None else None
        return queryset if queryset is not None else self.queryset(shape, values)

    def fetch(self, shape, *values) -> list:
        return list(self._ready(shape, values))

    def get(self, shape, *values):
        """``QuerySet.get``: the one object, else ``DoesNotExist`` / ``MultipleObjectsReturned``."""
        rows = self.fetch(shape, *values)
        if len(rows) == 1:
            return rows[0]
        queryset = self.queryset(shape, values)
        if not rows:
            raise queryset.model.DoesNotExist(f"{queryset.model._meta.object_name} matching query does not exist.")
        raise queryset.model.MultipleObjectsReturned(f"get() returned more than one {queryset.model._meta.object_name}")
