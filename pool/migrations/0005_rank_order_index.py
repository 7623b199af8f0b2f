from django.db import migrations

INDEX = "application_rank_order"


def create(apps, schema_editor):
    """A ranked list's first pages walk a batch in ranking order (``pool.queues.RANK_ORDER``) and stop after a
    page of the bureau's rows instead of sorting the batch. PostgreSQL only: SQLite cannot index NULLS LAST."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "pool_application" ("batch_id", "score" DESC NULLS LAST, '
        '"rank_rate" DESC NULLS LAST, "rank_intensity" DESC NULLS LAST, "submitted_at" ASC NULLS LAST, "id")')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):

    dependencies = [
        ("pool", "0004_rank_keys"),
    ]

    operations = [migrations.RunPython(create, drop)]
