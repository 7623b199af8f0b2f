"""Demo data of the review in the open batch (run by ``pool.demo.seed``; re-runnable: an enterprise that already
has its application is left as it is).

黄石港区 enterprises at every step, so each bureau has real work on first login:

- ``demo_county`` has several applications waiting, submitted days apart, one of them a resubmission (revision 2)
  whose changes it can compare with the revision it returned; another waits, returned, for its enterprise;
- ``demo_city`` ranks more county-approved applications than Huangshi's quota, scores apart so the order matters;
- ``demo_province`` has Huangshi's recommendations to act on.

The decisions are taken by the demo bureaus through the review services (audited, with their transitions); only
the dates are set back afterwards, so the queue shows different ages.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from criteria.examples import EXAMPLE_FACTS
from portal.demo import HUANGSHI, HUANGSHIGANG, demo_uscc
from portal.models import Organisation, OrganisationKind, User

from .models import (
    Application,
    ApplicationRevision,
    ApplicationStatus,
    ApplicationTransition,
    Batch,
    BatchCityQuota,
)
from .services.review import application_county_approve, application_recommend, application_return
from .services.scoring import evaluation_store

S = ApplicationStatus
#: Huangshi's share of the province quota: fewer places than county-approved applications.
HUANGSHI_QUOTA = 4
#: Every criterion the county may be asked to justify (warn / manual), with the reason the demo reviewer gives.
JUSTIFICATIONS = {n: "已核对企业提交的证明材料，情况属实。" for n in range(1, 11)}


@dataclass(frozen=True)
class Story:
    name: str
    uscc_body: str
    to: str  # the status the application ends in
    age_days: int  # since its (last) submission
    rnd_expense: str = "9300000.00"
    revenue: str = "86000000.00"
    used: int = 4  # of the example's four patents, how many are used in a product on sale


STORIES = (
    Story("黄石华科传感技术有限公司", "91420202MA49RW010", S.SUBMITTED, 2, rnd_expense="8800000.00"),
    Story("黄石楚天精密铸造有限公司", "91420202MA49RW020", S.SUBMITTED, 9, rnd_expense="5600000.00", used=3),
    Story("黄石磁湖新能源有限公司", "91420202MA49RW030", "resubmitted", 3, rnd_expense="7000000.00"),
    Story("黄石长江数控有限公司", "91420202MA49RW040", S.RETURNED, 4, rnd_expense="6100000.00"),
    Story("黄石鑫达模具有限公司", "91420202MA49RW050", S.COUNTY_APPROVED, 12, rnd_expense="12500000.00"),
    Story("黄石东贝智能制造有限公司", "91420202MA49RW060", S.COUNTY_APPROVED, 14, rnd_expense="9900000.00"),
    Story("黄石汇能环保科技有限公司", "91420202MA49RW070", S.COUNTY_APPROVED, 15, rnd_expense="6400000.00",
          used=3),
    Story("黄石泰和电子有限公司", "91420202MA49RW080", S.COUNTY_APPROVED, 17, rnd_expense="15800000.00"),
    Story("黄石铭德新材料有限公司", "91420202MA49RW090", S.COUNTY_APPROVED, 18, rnd_expense="5200000.00",
          revenue="61000000.00"),
    Story("黄石华新精密机械有限公司", "91420202MA49RW100", S.RECOMMENDED, 25, rnd_expense="13600000.00"),
    Story("黄石金山光电科技有限公司", "91420202MA49RW110", S.RECOMMENDED, 27, rnd_expense="11200000.00"),
)
RETURN_COMMENT = "研发投入与审计报告不一致，请核对后重新提交。"
RETURN_SECTIONS = {"rnd": "上年度研发投入请按专项审计报告填写，并上传审计报告。"}


def facts_of(story: Story, organisation: Organisation) -> dict:
    """The example's eligible facts, as this enterprise's: its identity, its own figures (so scores differ)."""
    data = copy.deepcopy(EXAMPLE_FACTS)
    data["identity"].update(name=organisation.name, uscc=organisation.uscc, region_code=organisation.region_id,
                            revenue=story.revenue)
    data["rnd"]["rnd_expense"] = story.rnd_expense
    for index, patent in enumerate(data["patents"]):
        patent["used_in_product"] = index < story.used
    return data


def _submit(batch: Batch, organisation: Organisation, data: dict, *, number: int = 1) -> Application:
    """Revision ``number`` submitted and scored (the enterprise's submission, written as the demo's past)."""
    now = timezone.now()
    application = Application.objects.filter(batch=batch, enterprise=organisation).first()
    if application is None:
        application = Application.objects.create(
            batch=batch, enterprise=organisation, region_id=organisation.region_id, data=data,
            enterprise_name=organisation.name, uscc=organisation.uscc,
            industry_code=data["identity"]["industry_code"], status=S.DRAFT)
    revision = ApplicationRevision.objects.create(application=application, number=number, data=data,
                                                  submitted_at=now)
    ApplicationTransition.objects.create(application=application, from_status=application.status,
                                         to_status=S.SUBMITTED, revision_number=number)
    application.data, application.status, application.revision_number = data, S.SUBMITTED, number
    application.submitted_at = application.autosaved_at = now
    application.current_revision = revision
    application.save()
    evaluation_store(application=application, revision=revision)
    return application


def _date_back(application: Application, days: int) -> None:
    """Move the application's history back, keeping its order (a day per step), the last step ``days`` ago."""
    when = timezone.now() - timedelta(days=days)
    transitions = list(application.transitions.order_by("created_at", "pk"))
    for offset, transition in enumerate(transitions):
        transition.created_at = when - timedelta(days=len(transitions) - 1 - offset)
        transition.save(update_fields=["created_at"])
    revision = application.revisions.get(number=application.revision_number)
    last_submission = next((t.created_at for t in reversed(transitions) if t.to_status == S.SUBMITTED), when)
    ApplicationRevision.objects.filter(pk=revision.pk).update(submitted_at=last_submission)
    Application.objects.filter(pk=application.pk).update(submitted_at=last_submission, autosaved_at=last_submission,
                                                         updated_at=transitions[-1].created_at)


def _play(story: Story, batch: Batch, county: User, city: User) -> None:
    organisation, _ = Organisation.objects.update_or_create(
        uscc=demo_uscc(story.uscc_body), defaults={"kind": OrganisationKind.ENTERPRISE, "name": story.name,
                                                   "region_id": HUANGSHIGANG})
    if Application.objects.filter(batch=batch, enterprise=organisation).exists():
        return
    data = facts_of(story, organisation)
    if story.to == "resubmitted":
        first = copy.deepcopy(data)
        first["rnd"]["rnd_expense"] = "9700000.00"  # what the audit report did not bear out
        application = _submit(batch, organisation, first)
        application_return(application=application, reviewer=county, comment=RETURN_COMMENT,
                           section_comments=RETURN_SECTIONS)
        _submit(batch, organisation, data, number=2)
        _date_back(application, story.age_days)
        return
    application = _submit(batch, organisation, data)
    if story.to == S.RETURNED:
        application_return(application=application, reviewer=county, comment=RETURN_COMMENT,
                           section_comments=RETURN_SECTIONS)
    if story.to in (S.COUNTY_APPROVED, S.RECOMMENDED):
        application_county_approve(application=application, reviewer=county, justifications=JUSTIFICATIONS)
    if story.to == S.RECOMMENDED:
        application_recommend(application=application, reviewer=city, comment="综合评分靠前，同意推荐。")
    _date_back(application, story.age_days)


def seed(batch: Batch) -> int:
    """Play every story in ``batch``; returns how many applications the bureaus now work on."""
    BatchCityQuota.objects.update_or_create(batch=batch, city_id=HUANGSHI, defaults={"quota": HUANGSHI_QUOTA})
    county, city = User.objects.get(username="demo_county"), User.objects.get(username="demo_city")
    for story in STORIES:
        _play(story, batch, county, city)
    return len(STORIES)
