"""Demo data of pledge financing: Huangshi's partner banks and risk-compensation fund, four pool members of a past
batch with their financing needs (three consenting, one not), and a first whitelist that ``demo_city`` has
published to ``demo_bank``'s bank, with the bank's feedback on it (contact, credit line, loans, a pledge
registration, one loan overdue) — so ``demo_bank`` has work on first login.

``demo_enterprise`` gets no need and no consent: declaring them is the first step of the demo journey. Its pool
membership comes from the pool's demo; only when that is missing does this module admit it (in the same past
batch), so the financing pages can be shown either way. Running the seed again changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.demo import HUANGSHI, demo_uscc
from portal.models import Organisation, OrganisationKind, User

from .models import FinancePolicy, PartnerBank, Publication, RiskFund
from .services.policies import load_shipped_policies

DEMO_BANK = "湖北银行黄石分行"
OTHER_BANK = ("中国工商银行黄石分行", "91420200MA49GHYH0")
PAST_BATCH = "2025 年度专利产业化样板企业培育库入库申报（已入库）"
FUND = "黄石市知识产权质押融资风险补偿资金池"
MEMBERS = [
    # name, county, uscc body, need (amount, purpose, months, stage), consent: "all" | "demo_bank" | None
    ("黄石华新精密铸造有限公司", "420202", "91420202MA49FN010", ("5000000", "购置真空压铸生产线", 24, "growth"), "all"),
    ("大冶锐达新材料有限公司", "420281", "91420281MA49FN020", ("3000000", "补充流动资金", 12, "cultivation"),
     "demo_bank"),
    ("黄石鼎盛电子科技有限公司", "420204", "91420204MA49FN030", ("2000000", "研发中试线建设", 36, "growth"), None),
    ("黄石港湾智能制造有限公司", "420202", "91420202MA49FN040", ("8000000", "扩建智能装备产线", 36, "pre_ipo"), "all"),
]


def _bank(name: str, body: str | None = None) -> Organisation:
    bank = Organisation.objects.filter(kind=OrganisationKind.BANK, name=name).first()
    if bank is None:
        bank = Organisation.objects.create(kind=OrganisationKind.BANK, name=name, region_id=HUANGSHI,
                                           uscc=demo_uscc(body) if body else None)
    return bank


def _past_batch():
    from criteria.services import default_criteria_set
    from pool.models import Batch

    today = timezone.localdate()
    batch, _ = Batch.objects.get_or_create(name=PAST_BATCH, defaults={
        "year": today.year - 1, "region_id": "420000", "criteria_set": default_criteria_set(),
        "opens_on": date(today.year - 1, 3, 1), "closes_on": date(today.year - 1, 4, 30),
        "description": "已完成入库的往年批次（质押融资演示数据）。"})
    return batch


def _admit(batch, organisation: Organisation, rng, pools):
    """An admitted application of ``organisation`` in the past batch and its pool membership."""
    from pool.loadgen import application_facts
    from pool.models import Application, ApplicationRevision, ApplicationStatus
    from pool.services.lifecycle.membership import membership_admit

    today = timezone.localdate()
    data = application_facts(rng, pools, name=organisation.name, uscc=organisation.uscc,
                             county=organisation.region_id, today=today)
    data["integrity"]["declared"] = True
    for patent in data["patents"][:2]:  # every demo member has something to pledge
        patent.update(granted=True, valid=True, ownership="owned")
    submitted = timezone.now() - timedelta(days=300)
    application = Application.objects.create(
        batch=batch, enterprise=organisation, region_id=organisation.region_id, data=data,
        enterprise_name=organisation.name, uscc=organisation.uscc or "", status=ApplicationStatus.ADMITTED,
        industry_code=data["identity"]["industry_code"], revision_number=1, submitted_at=submitted,
        criteria_set=batch.criteria_set)
    revision = ApplicationRevision.objects.create(application=application, number=1, data=data,
                                                  submitted_at=submitted)
    application.current_revision = revision
    application.save(update_fields=["current_revision"])
    return membership_admit(application=application, user=None, on=today - timedelta(days=240))


def _members(stdout) -> dict[str, object]:
    from pool.loadgen import build_pools
    from pool.models import Membership

    batch = _past_batch()
    rng = random.Random(20260)
    pools = build_pools(rng, "420000")
    members = {}
    for name, county, body, _need, _consent in MEMBERS:
        organisation, _ = Organisation.objects.update_or_create(
            uscc=demo_uscc(body), defaults={"kind": OrganisationKind.ENTERPRISE, "name": name, "region_id": county,
                                             "contact_person": "财务部", "contact_phone": "0714-6200000"})
        members[name] = Membership.objects.filter(enterprise=organisation).first() or _admit(
            batch, organisation, rng, pools)
    enterprise = User.objects.get(username="demo_enterprise").organisation
    if not Membership.objects.filter(enterprise=enterprise).exists():
        _admit(batch, enterprise, rng, pools)
        stdout.write("（培育库演示数据未将 demo_enterprise 入库，已在往年批次中为其办理入库。）")
    return members


def _needs_and_consents(members, banks) -> None:
    from .services.needs import available_assets, consent_give, need_declare

    for name, _county, _body, (amount, purpose, months, stage), consent in MEMBERS:
        membership = members[name]
        user = User.objects.filter(organisation_id=membership.enterprise_id).first() or User.objects.create(
            username=f"demo_fin_{membership.enterprise_id}", organisation_id=membership.enterprise_id,
            full_name="财务负责人", is_active=False)
        assets = [a["key"] for a in available_assets(membership) if a["kind"] == "patent"][:2]
        need_declare(user=user, amount=Decimal(amount), purpose=purpose, term_months=months, growth_stage=stage,
                     asset_keys=assets)
        if consent == "all":
            consent_give(user=user, all_banks=True)
        elif consent == "demo_bank":
            consent_give(user=user, all_banks=False, banks=[banks["demo"]])


def _assets(enterprise) -> list[str]:
    need = enterprise.financing_needs.filter(status="open").first()
    return [a["number"] for a in need.pledge_assets] if need else []


def _feedback(publication: Publication, members) -> None:
    from .services.feedback import case_contact, credit_grant, loan_issue, loan_status_report, pledge_register

    bank_user = User.objects.get(username="demo_bank")
    today = timezone.localdate()
    first = members[MEMBERS[0][0]].enterprise
    case_contact(user=bank_user, enterprise=first, contacted_on=today - timedelta(days=200), note="实地走访")
    credit_grant(user=bank_user, enterprise=first, amount=Decimal("6000000"), granted_on=today - timedelta(days=190))
    loan = loan_issue(user=bank_user, enterprise=first, contract_no="HBB-HS-2025-0188", amount=Decimal("4000000"),
                      annual_rate=Decimal("3.8500"), term_months=24, start_on=today - timedelta(days=180),
                      end_on=today - timedelta(days=180) + timedelta(days=730))
    pledge_register(user=bank_user, loan=loan, registration_no="ZL-ZY-2025-420200-0188",
                    registered_on=today - timedelta(days=182),
                    pledged_assets=_assets(first),
                    pledged_value=Decimal("6500000"))
    second = members[MEMBERS[1][0]].enterprise
    case_contact(user=bank_user, enterprise=second, contacted_on=today - timedelta(days=400))
    overdue = loan_issue(user=bank_user, enterprise=second, contract_no="HBB-DY-2024-0042",
                         amount=Decimal("1500000"), annual_rate=Decimal("4.2000"), term_months=12,
                         start_on=today - timedelta(days=390), end_on=today - timedelta(days=25))
    pledge_register(user=bank_user, loan=overdue, registration_no="ZL-ZY-2024-420200-0042",
                    registered_on=today - timedelta(days=392),
                    pledged_assets=_assets(second),
                    pledged_value=Decimal("2400000"))
    loan_status_report(user=bank_user, loan=overdue, status="overdue", on=today - timedelta(days=120))
    case_contact(user=bank_user, enterprise=members[MEMBERS[3][0]].enterprise, contacted_on=today - timedelta(days=10))


def seed(stdout) -> None:
    from .services.generation import whitelist_generate
    from .services.publications import whitelist_publish
    from .services.risk import fund_deposit
    from .services.whitelists import whitelist_generate_start

    with transaction.atomic():
        if not FinancePolicy.objects.exists():
            load_shipped_policies(model=FinancePolicy)
        today = timezone.localdate()
        banks = {"demo": _bank(DEMO_BANK), "other": _bank(*OTHER_BANK)}
        for bank in banks.values():
            PartnerBank.objects.get_or_create(region_id=HUANGSHI, bank=bank,
                                              defaults={"joined_on": date(today.year - 2, 1, 1)})
        city = User.objects.get(username="demo_city")
        fund, created = RiskFund.objects.get_or_create(region_id=HUANGSHI, defaults={"name": FUND})
        if created:
            fund_deposit(fund=fund, user=city, amount=Decimal("5000000"), note="市财政首期注资")
        if Publication.objects.filter(region_id=HUANGSHI).exists():
            stdout.write("质押融资：黄石市白名单已发布，演示数据未变化。")
            return
        members = _members(stdout)
        _needs_and_consents(members, banks)
    whitelist = whitelist_generate_start(user=city)  # the task runs after commit (eagerly in development)
    whitelist.refresh_from_db()
    if whitelist.status == "generating":  # inside seed_demo's transaction the task waits for the commit
        whitelist_generate(whitelist=whitelist, job_id=whitelist.job_id)
    with transaction.atomic():
        publication = whitelist_publish(whitelist=whitelist, user=city, banks=list(banks.values()))
        _feedback(publication, members)
    stdout.write(f"质押融资：{publication.title}已发布给{DEMO_BANK}等 2 家银行（{publication.entry_count} 家企业），"
                 "并有银行反馈。")
