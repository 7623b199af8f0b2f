"""Writing many rows at once: PostgreSQL's COPY (a 100,000-row whitelist in seconds), else ``bulk_create``.

Django's ``bulk_create`` on PostgreSQL sends each column as an array, and psycopg quotes every JSON value of such
an array in Python — minutes for a draft of 100,000 rule-by-rule results. COPY streams the rows instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection

CHUNK = 2000


def write_rows(model, columns: Sequence[str], rows: Iterable[Sequence], *, json_columns: Sequence[str] = ()) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``, attribute names such as ``whitelist_id``)."""
    if connection.vendor == "postgresql":
        positions = {columns.index(c) for c in json_columns}
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(c.removesuffix("_id")).column
                                                    if c.endswith("_id") else c) for c in columns)
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(v, ensure_ascii=False) if i in positions else v
                                for i, v in enumerate(row)])
        return
    model.objects.bulk_create((model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=CHUNK)
