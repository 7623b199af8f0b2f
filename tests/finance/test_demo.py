"""``seed_demo`` gives demo_bank work on first login: a whitelist published to its bank, with feedback on it."""

import pytest
from django.core.management import call_command

from finance.models import BankCase, FinancingNeed, Loan, PledgeRegistration, Publication, PublicationEntry
from portal.models import User

pytestmark = pytest.mark.django_db


def test_demo_bank_has_a_published_whitelist_with_feedback(client, shipped, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", "--force", verbosity=0)
    bank = User.objects.get(username="demo_bank")
    publication = Publication.objects.visible_to(bank).get()
    assert PublicationEntry.objects.for_bank(bank.organisation_id).filter(publication=publication).count() == 3
    assert BankCase.objects.filter(bank=bank.organisation).count() == 3
    assert Loan.objects.filter(bank=bank.organisation, status="overdue").count() == 1
    assert PledgeRegistration.objects.filter(bank=bank.organisation).count() == 2
    enterprise = User.objects.get(username="demo_enterprise").organisation
    assert not FinancingNeed.objects.filter(enterprise=enterprise).exists()  # the journey starts with the need
    client.force_login(bank)
    home = client.get("/").content.decode()
    assert publication.title in home and "已对接 3 家，其中已授信 1 家" in home
    call_command("seed_demo", "--force", verbosity=0)  # again: nothing changes
    assert Publication.objects.count() == 1
