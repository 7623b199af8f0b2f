"""Load the shipped criteria sets and reference tables, so a new database can evaluate at once.

Later changes go through ``load_criteria_sets`` and ``load_reference_data`` (a changed criteria set becomes
a new version)."""

from django.db import migrations


def load(apps, schema_editor):
    from criteria.services import shipped

    criteria_set = apps.get_model("criteria", "CriteriaSet")
    for path in shipped.shipped_criteria_set_files():
        shipped.publish_criteria_set(shipped.read_criteria_set(path), model=criteria_set)
    shipped.load_sme_thresholds(shipped.SME_FILE, model=apps.get_model("criteria", "SmeSizeThreshold"))
    shipped.load_patent_intensive(shipped.INDUSTRY_FILE, model=apps.get_model("criteria", "PatentIntensiveIndustry"))


class Migration(migrations.Migration):
    dependencies = [("criteria", "0002_reference_and_lists")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
