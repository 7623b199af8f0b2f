"""Load the shipped pledge-financing policies, so a new database can publish whitelists and compute subsidies at
once. Later changes go through ``load_finance_policies`` (a changed file becomes a new version)."""

from django.db import migrations


def load(apps, schema_editor):
    from finance.services.policies import load_shipped_policies

    load_shipped_policies(model=apps.get_model("finance", "FinancePolicy"))


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
