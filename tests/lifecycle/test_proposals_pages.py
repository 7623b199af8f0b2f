"""The decision pages read clean for every bureau and the enterprise: no raw data, codes or English, no dead
link (the sweep's own checks, on these pages)."""

import pytest
from django.test import Client

from criteria.services.lists import list_import
from pool.models import LifecycleProposal
from pool.services.lifecycle.evaluation import lifecycle_evaluate
from pool.services.lifecycle.proposals import appeal_file, proposal_approve, proposal_propose
from portal.models import User
from tests.criteria.files import csv_file
from tests.lifecycle.conftest_proposals import *  # noqa: F403  (the fixtures)
from tests.lifecycle.conftest_proposals import graduating, member, report
from tests.sweeps.crawler import crawl

pytestmark = pytest.mark.django_db
MINE = ("/pool/proposals/", "/pool/graduations/", "/pool/removals/", "/pool/misconduct/")


@pytest.fixture
def decided(hs_batch, county, city, province, django_capture_on_commit_callbacks):
    graduate = member(hs_batch)
    report(graduate, graduating())
    listed = member(hs_batch, region="420203")
    lifecycle_evaluate()
    with django_capture_on_commit_callbacks(execute=True):
        list_import(file=csv_file([(listed.uscc, listed.enterprise_name, "虚开发票", "2025-02-01")], name="严重失信名单.csv"),
                    list_type="serious_dishonesty", user=province)
    for proposal, proposer in ((LifecycleProposal.objects.get(membership=graduate), county),
                               (LifecycleProposal.objects.get(membership=listed), None)):
        if proposer is None:
            from tests.review.helpers import reviewer

            proposer = reviewer("county", "420203")
        proposal_propose(proposal=proposal, user=proposer, comment="经核实属实")
        proposal_approve(proposal=proposal, user=city, comment="同意")
    removal = LifecycleProposal.objects.get(membership=listed)
    appeal_file(proposal=removal, user=listed.user, reason="已整改")
    return {"graduate": graduate, "listed": listed}


@pytest.mark.parametrize("who", ["county", "city", "province", "enterprise"])
def test_the_decision_pages_read_clean(decided, county, city, province, who):
    client = Client(raise_request_exception=False)  # other parts' pages are followed too; only ours are judged
    user = {"county": county, "city": city, "province": province, "enterprise": decided["listed"].user}[who]
    client.force_login(user)
    start = "/" if who == "enterprise" else "/pool/proposals/"
    findings = crawl(client, start=start, limit=60,
                     data_words=frozenset(User.objects.values_list("username", flat=True)))
    visited = [path for path in findings.visited if path.startswith(MINE)]
    assert visited, findings.visited
    problems = [p for p in findings.problems if p.startswith(MINE)]
    assert not problems, "\n".join(problems)

