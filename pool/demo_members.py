"""Demo data of the pool after admission (run by ``pool.demo.seed``; re-runnable).

Two earlier batches (2023 under the national criteria, 2024 under Huangshi's) with admitted enterprises in
Huangshi and Yichang, accepted monitoring reports of 2023 and 2024, and so, on first login:

- ``demo_enterprise`` (黄石港区) is a cultivating member of the 2024 Huangshi batch with an accepted 2024 report
  showing some progress (revenue grew) and no graduation signal yet — it can still open its draft in the current
  batch, and file the 2025 report once the province opens that reporting year (2025 is left to be opened);
- 黄石港区 has a member whose new filed patent-intensive product calls for graduation and one admitted in 2023
  without any progress in two years (removal); its own ledger starts empty (its first graduation earns 2);
- 西塞山区 has a graduate (decided in 2025: two places in its county's ledger) that went on to follow-up
  cultivation and obtained a milestone, and a graduate still waiting to be moved to follow-up (two more places);
  Yichang a national graduate (two places in the province's ledger, which
  every bureau of the province reads), a national graduation candidate (new filed product and the rate up by 25
  points) and a member with progress.

The proposals themselves are opened by the lifecycle evaluation (``lifecycle_evaluate``), exactly as the beat job
would after the 2024 deadline; figures are taken with ``report_snapshot`` as a submission takes them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from criteria.models import CriteriaSet
from criteria.services import rules_for
from portal.demo import demo_uscc
from portal.models import AuditEntry, Organisation, OrganisationKind, User
from portal.validators import patent_check_digit

from .lifecycle.rules import evaluate
from .lifecycle.snapshot import Snapshot, report_snapshot
from .lifecycle.workflow import MembershipStatus, ProposalKind, ProposalStatus
from .loadgen import application_facts, build_pools
from .models import (
    Application,
    ApplicationRevision,
    ApplicationStatus,
    ApplicationTransition,
    Batch,
    FollowUpMilestone,
    LifecycleProposal,
    Membership,
    MonitoringReport,
    MonitoringRevision,
    MonitoringStatus,
    ReportingYear,
)
from .services.lifecycle.membership import ledger_earn, membership_admit
from .services.lifecycle.policies import current_policy, rules_of

S = ApplicationStatus
M = MembershipStatus
BATCH_2023 = "2023 年度专利产业化样板企业培育库入库申报"
BATCH_2024 = "2024 年度黄石市专利产业化样板企业培育库入库申报（黄石市标准）"
ADMITTED_2023, ADMITTED_2024 = date(2023, 7, 10), date(2024, 6, 28)
DEMO_ENTERPRISE = "黄石示范智能装备有限公司"


@dataclass
class Plan:
    """One demo member: who, where, in which batch, its baseline and its reports, and what happened after."""

    name: str
    region: str
    body: str  # the first 17 characters of its 统一社会信用代码 ("" for demo_enterprise's own)
    batch: str
    revenue: int
    used: int  # patents used in products on sale, of ``patents``
    patents: int
    product: tuple[str, int, int]  # the recognised product at admission: name, sales, profit
    reports: dict[int, dict] = field(default_factory=dict)  # year → revenue, used, product sales/profit, new product
    graduated_on: date | None = None
    follow_up_on: date | None = None
    milestone: tuple | None = None  # kind, level, certificate number, obtained on


PLANS = [
    Plan(DEMO_ENTERPRISE, "420202", "", BATCH_2024, 80_000_000, 4, 5, ("智能分拣机", 30_000_000, 5_000_000),
         reports={2024: {"revenue": 92_000_000, "used": 4, "sales": 33_000_000, "profit": 5_400_000}}),
    Plan("黄石华鑫精密制造有限公司", "420202", "91420202MA49LC110", BATCH_2024, 56_000_000, 3, 5,
         ("数控回转工作台", 21_000_000, 3_100_000),
         reports={2024: {"revenue": 61_000_000, "used": 4, "sales": 22_000_000, "profit": 3_200_000,
                         "new": ("精密行星减速器", "BA2024420318", date(2024, 11, 5), 4_800_000, 700_000)}}),
    Plan("黄石东楚新材料有限公司", "420202", "91420202MA49LC120", BATCH_2023, 60_000_000, 3, 5,
         ("耐磨合金衬板", 25_000_000, 3_600_000),
         reports={2023: {"revenue": 58_000_000, "used": 3, "sales": 24_000_000, "profit": 3_300_000},
                  2024: {"revenue": 55_000_000, "used": 3, "sales": 22_500_000, "profit": 3_000_000}}),
    Plan("黄石楚江电气股份有限公司", "420203", "91420203MA49LC130", BATCH_2024, 72_000_000, 4, 6,
         ("智能配电柜", 28_000_000, 4_200_000),
         reports={2024: {"revenue": 80_000_000, "used": 5, "sales": 30_000_000, "profit": 4_500_000,
                         "new": ("光伏并网逆变器", "BA2024420275", date(2024, 12, 1), 6_500_000, 900_000)}},
         graduated_on=date(2025, 5, 20), follow_up_on=date(2025, 6, 10),
         milestone=("specialised", "provincial", "HBZJTX2025-0312", date(2025, 9, 1))),
    Plan("黄石西塞山精工阀门有限公司", "420203", "91420203MA49LC170", BATCH_2024, 38_000_000, 3, 5,
         ("智能调节阀", 14_000_000, 1_900_000),
         reports={2024: {"revenue": 43_000_000, "used": 4, "sales": 17_200_000, "profit": 2_350_000}},
         graduated_on=date(2025, 10, 15)),
    Plan("宜昌长江智能装备有限公司", "420506", "91420506MA49LC140", BATCH_2023, 45_000_000, 2, 4,
         ("工业视觉检测仪", 15_000_000, 2_000_000),
         reports={2023: {"revenue": 47_000_000, "used": 2, "sales": 16_000_000, "profit": 2_100_000},
                  2024: {"revenue": 54_000_000, "used": 3, "sales": 19_000_000, "profit": 2_500_000}},
         graduated_on=date(2025, 8, 15)),
    Plan("宜昌三峡精密仪器有限公司", "420502", "91420502MA49LC150", BATCH_2023, 48_000_000, 2, 4,
         ("水质在线分析仪", 16_000_000, 2_400_000),
         reports={2023: {"revenue": 50_000_000, "used": 2, "sales": 16_500_000, "profit": 2_450_000},
                  2024: {"revenue": 57_000_000, "used": 3, "sales": 17_000_000, "profit": 2_500_000,
                         "new": ("便携式多参数水质仪", "BA2024420507", date(2024, 3, 18), 3_000_000, 450_000)}}),
    Plan("宜都清江生物科技有限公司", "420581", "91420581MA49LC160", BATCH_2023, 39_000_000, 3, 5,
         ("植物提取物", 15_000_000, 2_000_000),
         reports={2023: {"revenue": 41_000_000, "used": 3, "sales": 15_500_000, "profit": 2_050_000},
                  2024: {"revenue": 44_000_000, "used": 3, "sales": 16_000_000, "profit": 2_100_000}}),
]


def at(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _batches() -> dict[str, Batch]:
    sets = {code: CriteriaSet.objects.filter(code=code, is_active=True).order_by("-version").first()
            for code in ("national-2024", "huangshi-2024")}
    specs = {
        BATCH_2023: (2023, sets["national-2024"], date(2023, 3, 1), date(2023, 4, 30)),
        BATCH_2024: (2024, sets["huangshi-2024"], date(2024, 3, 1), date(2024, 4, 30)),
    }
    batches = {}
    for name, (year, criteria_set, opens, closes) in specs.items():
        batches[name], _ = Batch.objects.get_or_create(name=name, defaults={
            "year": year, "region_id": "420000", "criteria_set": criteria_set, "opens_on": opens,
            "closes_on": closes, "description": "已结束的入库申报批次（演示数据）。"})
    return batches


def _reporting_years() -> dict[int, ReportingYear]:
    years = {}
    for year in (2023, 2024):
        years[year], _ = ReportingYear.objects.get_or_create(region_id="420000", year=year, defaults={
            "opens_on": date(year + 1, 1, 1), "deadline": date(year + 1, 3, 31),
            "note": f"请填报 {year} 年度经营数据、专利清单、专利密集型产品及重大事项。"})
    return years


def _patents(plan: Plan, used: int) -> list[dict]:
    rows = []
    for index in range(plan.patents):
        digits = f"20{18 + index % 5}{'1' if index % 2 == 0 else '2'}{int(plan.region) % 1000:03d}{index + 1:04d}"
        rows.append({"application_no": f"{digits}.{patent_check_digit(digits)}",
                     "title": f"{plan.product[0]}相关技术{index + 1}",
                     "patent_type": "invention" if index % 2 == 0 else "utility_model", "granted": True,
                     "valid": True, "ownership": "owned", "licence_kind": "", "licence_from": "", "licence_to": "",
                     "used_in_product": index < used})
    return rows


def _facts(plan: Plan, organisation: Organisation, rng, pools) -> dict:
    data = application_facts(rng, pools, name=organisation.name, uscc=organisation.uscc, county=plan.region,
                             today=date(plan_year(plan), 3, 15))
    data["identity"].update({"revenue": str(plan.revenue), "employees": "180", "total_assets": "60000000"})
    data["patents"] = _patents(plan, plan.used)
    name, sales, profit = plan.product
    data["products"] = [{"name": name, "core_patents": [data["patents"][0]["application_no"]],
                         "filing_no": f"BA{plan_year(plan) - 1}{plan.region}01", "sales": str(sales),
                         "profit": str(profit), "patent_intensive": True}]
    data["integrity"] = {"declared": True, "note": ""}
    return data


def plan_year(plan: Plan) -> int:
    return 2023 if plan.batch == BATCH_2023 else 2024


def _organisation(plan: Plan) -> Organisation:
    if not plan.body:
        user = User.objects.filter(username="demo_enterprise").select_related("organisation").first()
        if user is not None and user.organisation is not None:
            return user.organisation
        return Organisation.objects.get(kind=OrganisationKind.ENTERPRISE, name=plan.name)
    organisation, _ = Organisation.objects.update_or_create(
        uscc=demo_uscc(plan.body), defaults={"kind": OrganisationKind.ENTERPRISE, "name": plan.name,
                                             "region_id": plan.region})
    return organisation


def _actors() -> dict[str, User | None]:
    users = {u.username: u for u in User.objects.filter(username__in=[
        "demo_enterprise", "demo_county", "demo_city", "demo_province"])}
    return {"enterprise": users.get("demo_enterprise"), "county": users.get("demo_county"),
            "city": users.get("demo_city"), "province": users.get("demo_province")}


def _admitted_application(plan: Plan, batch: Batch, organisation: Organisation, actors, rng, pools) -> Application:
    """The application as the review left it: four steps of review, then admission on the batch's day."""
    data = _facts(plan, organisation, rng, pools)
    admitted_on = ADMITTED_2023 if plan.batch == BATCH_2023 else ADMITTED_2024
    submitted = at(batch.closes_on - timedelta(days=20))
    application = Application.objects.create(
        batch=batch, enterprise=organisation, region_id=plan.region, data=data, enterprise_name=organisation.name,
        uscc=organisation.uscc or "", industry_code=data["identity"]["industry_code"], status=S.ADMITTED,
        criteria_set=batch.criteria_set, criteria_set_version=batch.criteria_set.version, revision_number=1,
        submitted_at=submitted, autosaved_at=submitted)
    revision = ApplicationRevision.objects.create(application=application, number=1, data=data,
                                                  submitted_at=submitted,
                                                  submitted_by=actors["enterprise"] if not plan.body else None)
    application.current_revision = revision
    application.save(update_fields=["current_revision"])
    huangshigang = plan.region == "420202"
    steps = [
        (S.DRAFT, S.SUBMITTED, submitted, actors["enterprise"] if not plan.body else None, "enterprise", ""),
        (S.SUBMITTED, S.COUNTY_APPROVED, submitted + timedelta(days=12),
         actors["county"] if huangshigang else None, "county", "材料齐全，符合入库条件。"),
        (S.COUNTY_APPROVED, S.RECOMMENDED, submitted + timedelta(days=30),
         actors["city"] if plan.region.startswith("4202") else None, "city", ""),
        (S.RECOMMENDED, S.PROVINCE_RECOMMENDED, submitted + timedelta(days=45), actors["province"], "province", ""),
        (S.PROVINCE_RECOMMENDED, S.ADMITTED, at(admitted_on, 15), actors["province"], "province", ""),
    ]
    ApplicationTransition.objects.bulk_create(
        ApplicationTransition(application=application, from_status=a, to_status=b, created_at=when, actor=who,
                              actor_role=role, comment=comment, revision_number=1)
        for a, b, when, who, role, comment in steps)
    return application


def _report_data(plan: Plan, year: int, figures: dict) -> dict:
    name, _sales, _profit = plan.product
    products = [{"name": name, "filing_no": f"BA{plan_year(plan) - 1}{plan.region}01",
                 "filed_on": f"{plan_year(plan) - 1}-05-10", "recognised": True,
                 "recognised_on": f"{plan_year(plan) - 1}-09-01", "sales": str(figures["sales"]),
                 "profit": str(figures["profit"])}]
    if "new" in figures:
        new_name, filing_no, filed_on, sales, profit = figures["new"]
        products.append({"name": new_name, "filing_no": filing_no, "filed_on": filed_on.isoformat(),
                         "recognised": True, "recognised_on": (filed_on + timedelta(days=30)).isoformat(),
                         "sales": str(sales), "profit": str(profit)})
    return {"figures": {"revenue": str(figures["revenue"]), "profit": str(figures["profit"] * 2),
                        "rnd_expense": str(figures["revenue"] // 10), "patents_granted": "2"},
            "patents": _patents(plan, figures["used"]), "products": products, "incidents": []}


def _reports(plan: Plan, member: Membership, years: dict, actors) -> None:
    rules = rules_for(member.criteria_set)
    county = actors["county"] if plan.region == "420202" else None
    for year, figures in plan.reports.items():
        data = _report_data(plan, year, figures)
        submitted = at(date(year + 1, 3, 10))
        verified = at(date(year + 1, 4, 10), 16)
        snapshot = report_snapshot(data, rules, on=submitted.date(), year=year).to_dict()
        report = MonitoringReport.objects.create(
            membership=member, reporting_year=years[year], year=year, status=MonitoringStatus.ACCEPTED, data=data,
            figures=snapshot, revision_number=1, submitted_at=submitted, autosaved_at=submitted, verified_by=county,
            verified_at=verified, comment="数据与财务报表一致，核实通过。")
        MonitoringRevision.objects.create(report=report, number=1, data=data, figures=snapshot,
                                          submitted_by=actors["enterprise"] if not plan.body else None,
                                          submitted_at=submitted)


def _graduation(plan: Plan, member: Membership, actors) -> None:
    """A graduation proposed by the county and decided by the city (as the proposal services leave it): the
    member graduates, the ledger earns its places, and it may go on to follow-up with a milestone."""
    decided = plan.graduated_on
    policy = current_policy(member.policy_code)
    rules = rules_of(policy)
    latest = MonitoringReport.objects.filter(membership=member).order_by("-year").first()
    verdict = evaluate(rules, cultivating=True, admitted_on=member.admitted_on, on=decided,
                       baseline=Snapshot.from_dict(member.baseline), latest=Snapshot.from_dict(latest.figures))
    county = actors["county"] if plan.region == "420202" else None
    proposal = LifecycleProposal.objects.create(
        membership=member, kind=ProposalKind.GRADUATE, status=ProposalStatus.APPROVED, reasons=list(verdict.reasons),
        evidence=verdict.evidence, explanation=verdict.explanation, policy=policy,
        evaluated_on=decided - timedelta(days=30), fingerprint=f"demo:{member.pk}:graduate", trigger="job",
        opened_at=at(decided - timedelta(days=30), 2), proposed_by=county, proposed_at=at(decided - timedelta(days=20)),
        county_comment="经核实，新增产品已完成专利密集型产品备案，同意提议出库。", decided_by=actors["city"],
        decided_at=at(decided, 15), decided_on=decided, decision_comment="同意出库，转入接续培育。",
        appeal_until=decided + timedelta(days=rules.appeal_days))
    ledger_earn(proposal=proposal, on=decided)
    member.status, member.status_changed_on = M.GRADUATED, decided
    if plan.follow_up_on:
        member.status, member.status_changed_on = M.FOLLOW_UP, plan.follow_up_on
        # Dated when it happened in the demo's story; entries are append-only, so the date is set at creation.
        AuditEntry.objects.create(
            actor=county, actor_name=county.get_username() if county else "system",
            action="membership.follow_up_started", target_type=Membership._meta.label_lower,
            target_id=str(member.pk), target_repr=str(member), region_id=member.region_id,
            comment="出库后转入接续培育，重点向专精特新“小巨人”培育。", data={"from": M.GRADUATED, "to": M.FOLLOW_UP},
            created_at=at(plan.follow_up_on))
    member.save(update_fields=["status", "status_changed_on", "updated_at"])
    if plan.milestone:
        kind, level, certificate_no, obtained_on = plan.milestone
        FollowUpMilestone.objects.create(membership=member, kind=kind, level=level, certificate_no=certificate_no,
                                         obtained_on=obtained_on, recorded_by=county,
                                         note="湖北省经济和信息化厅公布的专精特新中小企业名单。")


def _member(plan: Plan, batches, years, actors, rng, pools) -> Membership | None:
    batch = batches[plan.batch]
    organisation = _organisation(plan)
    existing = Membership.objects.filter(enterprise=organisation, batch=batch).first()
    if existing is not None or Application.objects.filter(batch=batch, enterprise=organisation).exists():
        return existing
    application = _admitted_application(plan, batch, organisation, actors, rng, pools)
    admitted_on = ADMITTED_2023 if plan.batch == BATCH_2023 else ADMITTED_2024
    member = membership_admit(application=application, user=actors["province"], on=admitted_on)
    _reports(plan, member, years, actors)
    if plan.graduated_on:
        _graduation(plan, member, actors)
    return member


def evaluate_members(members: list[Membership], years: dict, stdout) -> dict | None:
    """Open the proposals the lifecycle rules call for, as the beat job does after a reporting deadline."""
    try:
        from .services.lifecycle.evaluation import lifecycle_evaluate
    except ImportError:  # the evaluation service is another part of the lifecycle; without it, no proposals yet
        stdout.write("（出库退库评估服务尚未安装：演示数据中暂无出库、退库建议。）")
        return None
    result = lifecycle_evaluate(membership_ids=[m.pk for m in members], trigger="job")
    ReportingYear.objects.filter(pk__in=[y.pk for y in years.values()], evaluated_at__isnull=True).update(
        evaluated_at=timezone.now())
    return result


def seed(stdout) -> None:
    batches = _batches()
    years = _reporting_years()
    actors = _actors()
    rng = random.Random(2024)
    pools = build_pools(rng, "420000")
    members = [m for plan in PLANS if (m := _member(plan, batches, years, actors, rng, pools)) is not None]
    result = evaluate_members(members, years, stdout)
    opened = f"，评估新提出出库、退库建议 {result['opened']} 件" if result else ""
    stdout.write(f"入库企业 {len(members)} 家（含 demo_enterprise），两年度监测报告已核实{opened}。")
