"""Demo data of the pool: an open batch under the national criteria set, and a few Huangshi and Yichang
enterprises that have already submitted, so reviewers have a queue. ``demo_enterprise`` has no application in
the open batch (it opens its own draft from the batch list); it is already a member from an earlier batch, with
the rest of the pool after admission (``pool.demo_members``)."""

import random
from datetime import timedelta

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from criteria.services import clear_caches, default_criteria_set
from portal.demo import demo_uscc
from portal.models import Organisation, OrganisationKind

from .demo_members import seed as seed_members
from .demo_review import seed as seed_review
from .loadgen import application_facts, build_pools
from .models import Application, ApplicationRevision, ApplicationStatus, ApplicationTransition, Batch
from .services.scoring import evaluation_store

DEMO_BATCH = "2026 年度专利产业化样板企业培育库入库申报"
ENTERPRISES = [
    ("黄石港区", "420202", "黄石精工机电有限公司", "91420202MA49PE010"),
    ("西塞山区", "420203", "黄石新材科技股份有限公司", "91420203MA49PE020"),
    ("下陆区", "420204", "黄石光电仪器有限公司", "91420204MA49PE030"),
    ("大冶市", "420281", "大冶节能装备制造有限公司", "91420281MA49PE040"),
    ("西陵区", "420502", "宜昌生物医药技术有限公司", "91420502MA49PE050"),
    ("宜都市", "420581", "宜都数控机械有限公司", "91420581MA49PE060"),
]


def demo_batch(stdout) -> Batch:
    criteria_set = default_criteria_set()
    if criteria_set is None:
        call_command("load_criteria_sets", stdout=stdout)
        clear_caches()
        criteria_set = default_criteria_set()
    today = timezone.localdate()
    batch, _ = Batch.objects.update_or_create(name=DEMO_BATCH, defaults={
        "year": today.year, "region_id": "420000", "criteria_set": criteria_set,
        "opens_on": today - timedelta(days=30), "closes_on": today + timedelta(days=60),
        "description": "各县（市、区）企业在申报期内在线填报，县级市场监管局审核后逐级推荐。"})
    return batch


def _submitted(batch: Batch, organisation: Organisation, data: dict) -> None:
    now = timezone.now()
    application = Application.objects.create(
        batch=batch, enterprise=organisation, region_id=organisation.region_id, data=data,
        enterprise_name=organisation.name, uscc=organisation.uscc, industry_code=data["identity"]["industry_code"],
        status=ApplicationStatus.SUBMITTED, revision_number=1, submitted_at=now, autosaved_at=now)
    revision = ApplicationRevision.objects.create(application=application, number=1, data=data, submitted_at=now)
    application.current_revision = revision
    application.save(update_fields=["current_revision"])
    ApplicationTransition.objects.create(application=application, from_status=ApplicationStatus.DRAFT,
                                         to_status=ApplicationStatus.SUBMITTED, revision_number=1)
    evaluation_store(application=application, revision=revision)


def seed(stdout) -> None:
    with transaction.atomic():
        batch = demo_batch(stdout)
        rng = random.Random(2026)
        pools = build_pools(rng, "420000")
        for _county, code, name, body in ENTERPRISES:
            uscc = demo_uscc(body)
            organisation, _ = Organisation.objects.update_or_create(
                uscc=uscc, defaults={"kind": OrganisationKind.ENTERPRISE, "name": name, "region_id": code})
            if Application.objects.filter(batch=batch, enterprise=organisation).exists():
                continue
            data = application_facts(rng, pools, name=name, uscc=uscc, county=code, today=timezone.localdate())
            data["integrity"]["declared"] = True
            _submitted(batch, organisation, data)
        reviewed = seed_review(batch)
    stdout.write(f"申报批次“{batch.name}”已开放，另有 {len(ENTERPRISES)} 家企业的已提交申报，"
                 f"黄石港区 {reviewed} 家企业的申报处于审核各环节。")
    seed_members(stdout)  # the pool after admission: members, reports, a decided graduation, follow-up
