"""Publish the shipped lifecycle policies and make every already admitted application a cultivating member,
with its baseline figures taken from the admitted revision (as ``membership_admit`` does at admission)."""

from datetime import date

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    from criteria.rules import build_rules
    from pool.lifecycle.snapshot import application_snapshot
    from pool.services.lifecycle.policies import publish_shipped_policies

    Policy = apps.get_model("pool", "LifecyclePolicy")
    Application = apps.get_model("pool", "Application")
    Membership = apps.get_model("pool", "Membership")
    Transition = apps.get_model("pool", "ApplicationTransition")
    publish_shipped_policies(model=Policy)
    policy_of = {}
    for policy in Policy.objects.order_by("code", "-version"):
        for code in policy.criteria_sets:
            policy_of.setdefault(code, policy.code)
    admitted = (Application.objects.filter(status="admitted", membership__isnull=True)
                .select_related("batch__criteria_set", "criteria_set", "current_revision"))
    for application in admitted.iterator():
        criteria_set = application.criteria_set or application.batch.criteria_set
        moment = (Transition.objects.filter(application=application, to_status="admitted")
                  .order_by("-created_at").values_list("created_at", flat=True).first()) or application.updated_at
        on = timezone.localtime(moment).date() if moment else timezone.localdate()
        rules = build_rules(code=criteria_set.code, version=criteria_set.version,
                            parameters=criteria_set.parameters, weights=criteria_set.weights)
        revision = application.current_revision
        baseline = application_snapshot(revision.data if revision else application.data, rules, on=on,
                                        year=on.year - 1)
        Membership.objects.create(
            enterprise_id=application.enterprise_id, application=application, batch_id=application.batch_id,
            criteria_set=criteria_set, policy_code=policy_of.get(criteria_set.code, "national-2024"),
            region_id=application.region_id, enterprise_name=application.enterprise_name, uscc=application.uscc,
            admitted_on=on, status_changed_on=on, baseline=baseline.to_dict())


class Migration(migrations.Migration):
    dependencies = [("pool", "0006_lifecycle"), ("criteria", "0003_shipped_data")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
