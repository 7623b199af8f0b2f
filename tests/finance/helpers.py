"""Builders of finance test data: pool members (written directly, as the pool's admission leaves them), partner
banks with their officers, needs and consents through the real services, generated and published whitelists."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from finance.models import PartnerBank, Publication, Whitelist
from finance.services.generation import whitelist_generate
from finance.services.needs import available_assets, consent_give, need_declare
from finance.services.publications import whitelist_publish
from finance.services.whitelists import whitelist_generate_start
from pool.models import Application, ApplicationRevision, ApplicationStatus, Membership
from tests.factories import OrganisationFactory, UserFactory, user_with_role
from tests.pool.helpers import make_batch, valid_data


def member(*, region: str = "420202", status: str = "cultivating", batch=None, **org):
    """An enterprise login whose organisation is an admitted pool member (``status``)."""
    organisation = OrganisationFactory(region_id=region, **org)
    user = UserFactory(organisation=organisation)
    batch = batch or make_batch(name=f"入库批次 {organisation.pk}")
    data = valid_data(organisation)
    now = timezone.now()
    application = Application.objects.create(
        batch=batch, enterprise=organisation, region_id=region, data=data, enterprise_name=organisation.name,
        uscc=organisation.uscc, status=ApplicationStatus.ADMITTED, revision_number=1, submitted_at=now,
        criteria_set=batch.criteria_set)
    revision = ApplicationRevision.objects.create(application=application, number=1, data=data)
    application.current_revision = revision
    application.save(update_fields=["current_revision"])
    Membership.objects.create(
        enterprise=organisation, application=application, batch=batch, criteria_set=batch.criteria_set,
        policy_code="national-2024", region_id=region, enterprise_name=organisation.name, uscc=organisation.uscc,
        status=status, admitted_on=timezone.localdate() - timedelta(days=200))
    return user


def bank(name: str = "测试银行黄石分行", region: str = "420200", partner: bool = True):
    """A bank officer; the bank is a partner of Huangshi unless ``partner`` is False."""
    user = user_with_role("bank", region, **{})
    user.organisation.name = name
    user.organisation.save(update_fields=["name"])
    if partner:
        PartnerBank.objects.create(region_id="420200", bank=user.organisation,
                                   joined_on=timezone.localdate() - timedelta(days=800))
    return user


def declare(user, *, amount: str = "3000000", months: int = 12, stage: str = "growth"):
    membership = Membership.objects.filter(enterprise=user.organisation).first()
    assets = [a["key"] for a in available_assets(membership)]
    return need_declare(user=user, amount=Decimal(amount), purpose="购置设备", term_months=months,
                        growth_stage=stage, asset_keys=assets)


def consent(user, banks=None):
    """Consent to ``banks`` (bank users or organisations), or to all partner banks."""
    if banks is None:
        return consent_give(user=user, all_banks=True)
    orgs = [getattr(b, "organisation", b) for b in banks]
    return consent_give(user=user, all_banks=False, banks=orgs)


def listed(user, banks=None):
    declare(user)
    return consent(user, banks)


def generate(city) -> Whitelist:
    """A draft of the city's region, generated now (the queued task only runs after a real commit)."""
    whitelist = whitelist_generate_start(user=city)
    whitelist_generate(whitelist=whitelist, job_id=whitelist.job_id)
    whitelist.refresh_from_db()
    return whitelist


def publish(city, banks, note: str = "") -> Publication:
    whitelist = generate(city)
    return whitelist_publish(whitelist=whitelist, user=city, banks=[getattr(b, "organisation", b) for b in banks],
                             change_note=note)
