"""Cursors that keep their statements prepared on the PostgreSQL connection (psycopg 3), for the compiled reads of
``portal.precompiled``.

Django opens its connections with ``prepare_threshold=None`` (nothing prepared) and client-side binding. A prepared
cursor binds its parameters on the server and asks for the statement to be prepared: the first run on a connection
parses and plans it under a name, later runs on that connection only execute it (PostgreSQL switches to a generic
plan after five runs when it costs no more than the custom ones). The connection's threshold is lifted only for
the statement being run, so that Django's statements are neither prepared nor counted.
"""

from __future__ import annotations

import functools


@functools.cache
def available() -> bool:
    try:
        from django.db.backends.postgresql.psycopg_any import is_psycopg3
    except ImportError:
        return False
    return is_psycopg3


@functools.cache
def _cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            connection = self.connection
            threshold = connection.prepare_threshold
            connection.prepare_threshold = 0
            try:
                return super().execute(query, params, prepare=True, binary=binary)
            finally:
                connection.prepare_threshold = threshold

    return PreparedCursor


@functools.cache
def _debug_wrapper_class():
    from django.db.backends.postgresql.base import CursorDebugWrapper

    class DebugWrapper(CursorDebugWrapper):
        """Query logging (DEBUG, captured queries) of a prepared statement: its text holds ``$1`` where the values
        go, so the statement is logged with its values put in, as Django logs its own."""

        def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
            if use_last_executed_query and not many:
                sql, use_last_executed_query = self.db.ops.compose_sql(sql, params), False
            return super().debug_sql(sql, params, use_last_executed_query, many)

    return DebugWrapper


def cursor(connection):
    """``connection.cursor()`` of the prepared kind: opened, made and wrapped as Django makes its own (the time
    zone of its timestamps, thread checks, query logging)."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        factory = raw.cursor_factory
        raw.cursor_factory = _cursor_class()
        try:
            made = connection.create_cursor()
        finally:
            raw.cursor_factory = factory
        connection.validate_thread_sharing()
        if connection.queries_logged:
            return _debug_wrapper_class()(made, connection)
        return connection.make_cursor(made)
