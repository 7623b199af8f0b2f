"""The permission matrix, generated from the URL conf and the API routers.

Every route that takes an object's id × every role (enterprise, another enterprise, county, another county, city,
another city, province, bank, another bank, supplier) × the demo's object (in scope for some roles, out of scope
for the others), read (GET) and written (POST, and PUT/PATCH/DELETE on the API). Out of scope a route answers
exactly what it answers for an id that does not exist (404, or its documented refusal: 403 for a role it does not
serve, 405 for a method it does not take), so existence never leaks; in scope it answers whatever it answers, but
never a 5xx. A route without an entry in ``MATRIX`` fails the test: a new route must say what it shows.
"""

from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from portal.models import User
from tests.factories import OrganisationFactory, UserFactory, user_with_role
from tests.security.routes import all_routes

MISSING = 987654321  # an id no table reaches
REFUSALS = {403, 404, 405}


@dataclass(frozen=True)
class Entry:
    """How to find the route's object in the demo data and what else its URL needs."""

    model: str | None  # app label.Model; None: the route takes no object of a scoped model (see ``why``)
    pick: dict = field(default_factory=dict)  # filter narrowing the demo's objects to a representative one
    kwargs: dict = field(default_factory=dict)  # the URL's other parts
    why: str = ""
    #: why every signed-in user of the province (or every bureau) sees the object by design, if so
    shared: str = ""


E = Entry
# Why an object is readable beyond its owner's region (the reasons several routes share).
CATALOGUE = "the patent catalogue is open to every signed-in user"
PUBLIC_SET = "published criteria sets are public to every signed-in user"
LISTS = "blacklists and lists are read by every bureau"
APPLICATION_SUBMITTED = {"current_revision__isnull": False}

MATRIX: dict[str, Entry] = {
    # portal
    "password_reset_confirm": E(None, why="a signed link, no object id"),
    "portal:organisation-detail": E("portal.Organisation", {"kind": "enterprise"}),
    "portal:user-detail": E("portal.User", {"username": "demo_enterprise"}),
    "portal:job-status": E("portal.Job"),
    "portal:job-download": E("portal.Job"),
    "portal:notification-read": E("portal.Notification"),
    "portal:kpi-report-file": E("portal.KpiReport", kwargs={"fmt": "pdf"}),
    "region-detail": E(None, why="regions are public reference data"),
    "organisation-detail": E("portal.Organisation", {"kind": "enterprise"}),
    "user-detail": E("portal.User", {"username": "demo_enterprise"}),
    "job-detail": E("portal.Job"),
    "notification-detail": E("portal.Notification"),
    # pool
    "pool-application-detail": E("pool.Application"),
    "pool-application-evaluation": E("pool.Application"),
    "pool-application-revisions": E("pool.Application", APPLICATION_SUBMITTED),
    "pool-batch-detail": E("pool.Batch", shared="a batch is open to every user of its province"),
    "pool-batch-score": E("pool.Batch", shared="a batch is open to every user of its province"),
    "pool-review-detail": E("pool.Application", APPLICATION_SUBMITTED),
    "pool-review-criteria": E("pool.Application", APPLICATION_SUBMITTED),
    "pool-review-decide": E("pool.Application", APPLICATION_SUBMITTED),
    "pool-review-transitions": E("pool.Application", APPLICATION_SUBMITTED),
    "pool-membership-detail": E("pool.Membership"),
    "pool-membership-step": E("pool.Membership"),
    "pool-membership-timeline": E("pool.Membership"),
    "pool-milestone-detail": E("pool.FollowUpMilestone"),
    "pool-reporting-year-detail": E("pool.ReportingYear", shared="a reporting year belongs to the whole province"),
    "pool-monitoring-detail": E("pool.MonitoringReport"),
    "pool-monitoring-accept": E("pool.MonitoringReport"),
    "pool-monitoring-return-": E("pool.MonitoringReport"),
    "pool-monitoring-submit": E("pool.MonitoringReport"),
    "pool-proposal-detail": E("pool.LifecycleProposal"),
    "pool-proposal-appeal": E("pool.LifecycleProposal"),
    "pool-proposal-appeal-decision": E("pool.LifecycleProposal"),
    "pool-proposal-decide": E("pool.LifecycleProposal"),
    "pool:monitoring-start": E("pool.ReportingYear", shared="a reporting year belongs to the whole province"),
    "pool:monitoring-detail": E("pool.MonitoringReport"),
    "pool:monitoring-edit": E("pool.MonitoringReport"),
    "pool:monitoring-autosave": E("pool.MonitoringReport"),
    "pool:monitoring-submit": E("pool.MonitoringReport"),
    "pool:monitoring-verify": E("pool.MonitoringReport"),
    "pool:monitoring-patent-import": E("pool.MonitoringReport"),
    "pool:application-detail": E("pool.Application"),
    "pool:application-edit": E("pool.Application"),
    "pool:application-autosave": E("pool.Application"),
    "pool:application-submit": E("pool.Application"),
    "pool:application-withdraw": E("pool.Application", APPLICATION_SUBMITTED),
    "pool:application-evaluation": E("pool.Application"),
    "pool:revision-detail": E("pool.Application", APPLICATION_SUBMITTED, {"number": 1}),
    "pool:attachment-upload": E("pool.Application"),
    "pool:patent-import": E("pool.Application"),
    "pool:attachment-download": E("pool.Attachment"),
    "pool:attachment-remove": E("pool.Attachment"),
    "pool:batch-detail": E("pool.Batch", shared="a batch is open to every user of its province"),
    "pool:batch-edit": E("pool.Batch", shared="a batch is open to every user of its province"),
    "pool:application-start": E("pool.Batch", shared="a batch is open to every user of its province"),
    "pool:batch-score": E("pool.Batch", shared="a batch is open to every user of its province"),
    "pool:review-detail": E("pool.Application", APPLICATION_SUBMITTED),
    "pool:review-decide": E("pool.Application", APPLICATION_SUBMITTED),
    "pool:review-criterion": E("pool.Application", APPLICATION_SUBMITTED, {"number": 1}),
    "pool:application-pdf": E("pool.Application", APPLICATION_SUBMITTED),
    "pool:membership-detail": E("pool.Membership"),
    "pool:membership-step": E("pool.Membership"),
    "pool:milestone-create": E("pool.Membership"),
    "pool:proposal-detail": E("pool.LifecycleProposal"),
    "pool:proposal-decide": E("pool.LifecycleProposal"),
    "pool:appeal-file": E("pool.LifecycleProposal"),
    "pool:appeal-decide": E("pool.Appeal"),
    "pool:draft-detail": E("pool.CriteriaDraft"),
    "pool:draft-edit": E("pool.CriteriaDraft"),
    "pool:simulation-new": E("pool.CriteriaDraft"),
    "pool:draft-publish": E("pool.CriteriaDraft"),
    "pool:draft-discard": E("pool.CriteriaDraft"),
    "pool:simulation-detail": E("pool.Simulation"),
    "pool:simulation-export": E("pool.Simulation"),
    "pool:simulation-change": E("pool.Simulation", kwargs={"change_pk": 1}),
    "pool:lifecycle-draft-detail": E("pool.LifecycleDraft"),
    "pool:lifecycle-draft-edit": E("pool.LifecycleDraft"),
    "pool:lifecycle-simulation-new": E("pool.LifecycleDraft"),
    "pool:lifecycle-draft-publish": E("pool.LifecycleDraft"),
    "pool:lifecycle-draft-discard": E("pool.LifecycleDraft"),
    "pool:lifecycle-simulation-detail": E("pool.LifecycleSimulation"),
    # criteria
    "criteria-set-detail": E(None, why=PUBLIC_SET),
    "criteria:set-detail": E(None, why=PUBLIC_SET),
    "criteria:set-materials": E(None, why=PUBLIC_SET),
    "criteria-list-import-detail": E("criteria.ListImport", shared=LISTS),
    "criteria-list-entry-detail": E("criteria.ListEntry", shared=LISTS),
    # matching
    "matching-patent-detail": E("matching.SupplyPatent", shared=CATALOGUE),
    "matching-demand-detail": E("matching.Demand"),
    "matching-match-detail": E("matching.Match"),
    "matching-match-deal": E("matching.Match"),
    "matching-match-transition": E("matching.Match"),
    "matching-deal-detail": E("matching.Deal"),
    "matching-event-detail": E("matching.MatchmakingEvent"),
    "matching:patent-detail": E("matching.SupplyPatent", shared=CATALOGUE),
    "matching:patent-edit": E("matching.SupplyPatent", shared=CATALOGUE),
    "matching:patent-toggle-listed": E("matching.SupplyPatent", shared=CATALOGUE),
    "matching:demand-detail": E("matching.Demand"),
    "matching:demand-edit": E("matching.Demand"),
    "matching:demand-toggle-open": E("matching.Demand"),
    "matching:match-detail": E("matching.Match"),
    "matching:match-move": E("matching.Match", kwargs={"to": "contacted"}),
    "matching:match-introduction": E("matching.Match", kwargs={"action": "request"}),
    "matching:deal-create": E("matching.Match"),
    "matching:deal-received": E("matching.Deal"),
    "matching:digest-detail": E(None, why="a digest delivery is looked up with recipient=request.user"),
    "matching:digest-unsubscribe": E(None, why="a signed token, no object id"),
    "matching:event-detail": E("matching.MatchmakingEvent"),
    "matching:event-invite": E("matching.MatchmakingEvent"),
    # finance
    "finance-need-detail": E("finance.FinancingNeed"),
    "finance-consent-detail": E("finance.Consent"),
    "finance-whitelist-detail": E("finance.Whitelist"),
    "finance-whitelist-candidates": E("finance.Whitelist"),
    "finance-whitelist-publish": E("finance.Whitelist"),
    "finance-publication-detail": E("finance.Publication"),
    "finance-publication-entries": E("finance.Publication"),
    "finance-case-detail": E("finance.BankCase"),
    "finance-loan-detail": E("finance.Loan"),
    "finance-loan-pledge": E("finance.Loan"),
    "finance-loan-report-status": E("finance.Loan"),
    "finance-lookup-detail": E("finance.Lookup"),
    "finance-subsidy-detail": E("finance.SubsidyApplication"),
    "finance-subsidy-decide": E("finance.SubsidyApplication"),
    "finance-subsidy-pay": E("finance.SubsidyApplication"),
    "finance-claim-detail": E("finance.RiskClaim"),
    "finance-claim-decide": E("finance.RiskClaim"),
    "finance:whitelist-detail": E("finance.Whitelist"),
    "finance:whitelist-publish": E("finance.Whitelist"),
    "finance:whitelist-discard": E("finance.Whitelist"),
    "finance:candidate-exclude": E("finance.Candidate"),
    "finance:candidate-include": E("finance.Candidate"),
    "finance:publication-detail": E("finance.Publication"),
    "finance:publication-excel": E("finance.Publication"),
    "finance:publication-pdf": E("finance.Publication"),
    "finance:enterprise-detail": E("portal.Organisation", {"kind": "enterprise"}),
    "finance:enterprise-feedback": E("portal.Organisation", {"kind": "enterprise"}, {"step": "contact"}),
    "finance:loan-feedback": E("finance.Loan", kwargs={"step": "pledge"}),
    "finance:lookup-detail": E("finance.Lookup"),
    "finance:subsidy-detail": E("finance.SubsidyApplication"),
    "finance:subsidy-decide": E("finance.SubsidyApplication"),
    "finance:subsidy-pay": E("finance.SubsidyApplication"),
    "finance:subsidy-notice": E("finance.SubsidyApplication"),
    "finance:evidence-download": E("finance.SubsidyEvidence"),
    "finance:claim-detail": E("finance.RiskClaim"),
    "finance:claim-decide": E("finance.RiskClaim"),
    "finance:fund-detail": E("finance.RiskFund"),
    "finance:fund-deposit": E("finance.RiskFund"),
    "finance:draft-detail": E("finance.FinanceDraft"),
    "finance:draft-edit": E("finance.FinanceDraft"),
    "finance:simulation-new": E("finance.FinanceDraft"),
    "finance:draft-publish": E("finance.FinanceDraft"),
    "finance:draft-discard": E("finance.FinanceDraft"),
    "finance:simulation-detail": E("finance.FinanceSimulation"),
}


def object_routes():
    """(name, route text, is_api) of every route whose URL carries an object's id (format-suffix twins of API
    routes are the same view and left out)."""
    found = {}
    for route, name, pattern in all_routes():
        if "<" not in route and "(?P" not in route:
            continue
        if "(?P<format>" in route or "<drf_format_suffix:" in route:
            continue
        found[name or route] = (route, route.startswith("api/"), pattern)
    return found


def test_every_object_route_has_an_entry():
    missing = sorted(set(object_routes()) - set(MATRIX))
    assert not missing, "new route(s) without an entry in the permission matrix: " + ", ".join(missing)
    stale = sorted(set(MATRIX) - set(object_routes()))
    assert not stale, "entries for routes that no longer exist: " + ", ".join(stale)


def _url(route: str, pk, extra: dict) -> str:
    import re

    url = "/" + route.replace("^", "").replace("$", "")
    url = re.sub(r"\(\?P<pk>[^)]*\)", str(pk), url)
    url = re.sub(r"<int:pk>", str(pk), url)
    for key, value in extra.items():
        url = re.sub(rf"<\w+:{key}>", str(value), url)
    return url


def _people() -> dict[str, User]:
    demo = {name: User.objects.get(username=f"demo_{name}") for name in
            ("enterprise", "county", "city", "province", "bank", "supplier")}
    return {
        **demo,
        "other_enterprise": UserFactory(organisation=OrganisationFactory(region_id="420202")),
        "other_county": user_with_role("county", "420203"),
        "other_city": user_with_role("city", "420500"),
        "other_bank": user_with_role("bank", "420200"),
    }


def _object(entry: Entry, people):
    """The demo's object for the entry: preferably the demo county's (so the other county and city are out of
    scope), one the demo enterprise owns where there is one."""
    queryset = apps.get_model(entry.model).objects.filter(**entry.pick).order_by("pk")
    for owner in ("enterprise", "county", "province"):
        found = queryset.visible_to(people[owner]).first()
        if found is not None:
            return found
    return queryset.first()


def _build_what_the_demo_lacks(people) -> None:
    """One object of each kind the demo data does not build, in the demo county (黄石港区) or its city."""
    from decimal import Decimal

    from django.utils import timezone

    from criteria.models import CriteriaSet
    from finance.models import FinancePolicy, Loan, RiskFund
    from matching.models import Match
    from pool.models import Application, Batch, LifecycleProposal

    today = timezone.localdate()
    enterprise, bank = people["enterprise"].organisation, people["bank"].organisation
    county_org = people["county"].organisation

    def make(label: str, **fields):
        model = apps.get_model(label)
        if not model.objects.exists():
            model.objects.create(**fields)

    make("portal.KpiReport", region_id="420200", year=today.year, quarter=1, xlsx="kpi-reports/bench.xlsx")
    application = (Application.objects.filter(enterprise=enterprise, current_revision__isnull=False).first()
                   or Application.objects.filter(current_revision__isnull=False, region_id="420202").first())
    make("pool.Attachment", application=application, file="attachments/matrix.pdf", original_name="营业执照.pdf",
         extension="pdf", size=1, sha256="0" * 64)
    match = Match.objects.visible_to(people["enterprise"]).first() or Match.objects.first()
    make("matching.Deal", match=match, mode="licence", contract_amount=Decimal("100000"), signed_on=today)
    make("matching.MatchmakingEvent", title="黄石铸造产业链对接会", industry_chain="铸造", held_on=today,
         place="黄石市", organiser=county_org, region_id="420202")
    make("finance.Lookup", bank=bank, user=people["bank"], file_name="查询.xlsx", day=today, code_count=1,
         listed_count=0)
    loan = Loan.objects.first()
    policy = FinancePolicy.objects.order_by("pk").first()
    region = loan.case.enterprise.region_id if loan is not None else "420202"
    make("finance.SubsidyApplication", enterprise=loan.case.enterprise, region_id=region, loan=loan,
         policy=policy, year=today.year, requested_amount=Decimal("1000"))
    subsidy = apps.get_model("finance.SubsidyApplication").objects.first()
    make("finance.SubsidyEvidence", application=subsidy, kind="contract", file="finance/evidence/m.pdf",
         original_name="合同.pdf", size=1)
    make("finance.RiskClaim", bank=loan.case.bank, loan=loan, fund=RiskFund.objects.first(), region_id=region,
         policy=policy, loss_amount=Decimal("1000"), share=Decimal("0.5"), amount=Decimal("500"), overdue_days=90)
    proposal = LifecycleProposal.objects.first()
    make("pool.Appeal", proposal=proposal, membership=proposal.membership, reason="经营数据统计口径有误。")
    base = CriteriaSet.objects.order_by("pk").first()
    make("pool.CriteriaDraft", base=base, name="研发占比下调草案", created_by=people["province"],
         parameters={}, weights={})
    draft = apps.get_model("pool.CriteriaDraft").objects.first()
    make("pool.Simulation", draft=draft, batch=Batch.objects.first(), base=base, parameters={}, weights={},
         fingerprint="0" * 64, started_by=people["province"])
    lifecycle_policy = apps.get_model("pool.LifecyclePolicy").objects.order_by("pk").first()
    # a draft starts as a copy of its base's parameters (as the services make it)
    make("pool.LifecycleDraft", base=lifecycle_policy, name="出库条件草案", created_by=people["province"],
         parameters=dict(lifecycle_policy.parameters))
    make("pool.LifecycleSimulation", draft=apps.get_model("pool.LifecycleDraft").objects.first(),
         base=lifecycle_policy, parameters=dict(lifecycle_policy.parameters), fingerprint="0" * 64,
         started_by=people["province"])
    make("finance.FinanceDraft", base=policy, name="白名单条件草案", created_by=people["city"],
         parameters=dict(policy.parameters))
    make("finance.FinanceSimulation", draft=apps.get_model("finance.FinanceDraft").objects.first(), base=policy,
         parameters=dict(policy.parameters), fingerprint="0" * 64, started_by=people["city"])


@pytest.fixture
def demo(db, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_capture_on_commit_callbacks(execute=True):  # the demo's notifications are sent after commit
        call_command("seed_demo", force=True, verbosity=0)
    people = _people()
    _build_what_the_demo_lacks(people)
    return people


def _clients(people):
    clients = {}
    for role, user in people.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
    return clients


def _request(client, method: str, url: str, is_api: bool):
    kwargs = {"content_type": "application/json", "data": "{}"} if is_api and method != "get" else {}
    if not is_api and method == "post":
        kwargs = {"data": {}}
    return getattr(client, method)(url, **kwargs)


def test_out_of_scope_answers_as_for_a_missing_object_and_nothing_answers_5xx(demo):
    people = demo
    clients = _clients(people)
    routes = object_routes()
    failures, without_object, checked = [], [], 0
    in_scope_writes = []
    for name, entry in MATRIX.items():
        if entry.model is None:
            continue
        route, is_api, _pattern = routes[name]
        obj = _object(entry, people)
        if obj is None:
            without_object.append(name)
            continue
        model = type(obj)
        methods = ["get", "post", "put", "patch", "delete"] if is_api else ["get", "post"]
        for role, user in people.items():
            visible = model.objects.visible_to(user).filter(pk=obj.pk).exists()
            for method in methods:
                if visible:
                    if method == "get":
                        response = _request(clients[role], method, _url(route, obj.pk, entry.kwargs), is_api)
                        checked += 1
                        if response.status_code >= 500:
                            failures.append(f"{name} {method.upper()} as {role} (in scope): {response.status_code}")
                    elif method == "post":
                        in_scope_writes.append((name, route, is_api, obj.pk, entry.kwargs, role))
                    continue
                missing = _request(clients[role], method, _url(route, MISSING, entry.kwargs), is_api).status_code
                got = _request(clients[role], method, _url(route, obj.pk, entry.kwargs), is_api).status_code
                checked += 2
                # the same answer as for a missing id: 404/403/405, or 400 where the body is checked first
                if got != missing or got not in REFUSALS | {400}:
                    failures.append(f"{name} {method.upper()} as {role} (out of scope): {got}, "
                                    f"a missing id answers {missing}")
    # in-scope writes last (they may change the objects): an empty form or body is refused, never a 5xx
    for name, route, is_api, pk, extra, role in in_scope_writes:
        response = _request(clients[role], "post", _url(route, pk, extra), is_api)
        checked += 1
        if response.status_code >= 500:
            failures.append(f"{name} POST as {role} (in scope): {response.status_code}")
    assert not failures, f"{len(failures)} of {checked} requests:\n" + "\n".join(failures)
    assert checked > 1000
    assert not without_object, f"no object to probe for: {without_object}"


def test_scoping_keeps_the_demo_countys_objects_from_the_neighbours(demo):
    """The scope itself: what the demo county's enterprise owns is out of scope for the other enterprise, the
    other county and the other city (checked on every kind the matrix probes)."""
    people = demo
    leaks = []
    for name, entry in MATRIX.items():
        if entry.model is None:
            continue
        obj = _object(entry, people)
        if entry.shared or obj is None or not type(obj).objects.visible_to(people["county"]).filter(
                pk=obj.pk).exists():
            continue
        for role in ("other_enterprise", "other_county", "other_city"):
            if type(obj).objects.visible_to(people[role]).filter(pk=obj.pk).exists():
                leaks.append(f"{name}: {entry.model} #{obj.pk} visible to {role}")
    assert not leaks, "\n".join(sorted(set(leaks)))


def test_missing_objects_never_answer_5xx(demo):
    """Every object route, every role, every method, with an id that does not exist: a refusal, never a 5xx."""
    clients = _clients(demo)
    failures = []
    for name, (route, is_api, _pattern) in object_routes().items():
        entry = MATRIX[name]
        if "<uidb64>" in route or "<str:token>" in route:
            continue
        for role, client in clients.items():
            for method in (["get", "post", "put", "patch", "delete"] if is_api else ["get", "post"]):
                status = _request(client, method, _url(route, MISSING, entry.kwargs | {"change_pk": MISSING}),
                                  is_api).status_code
                if status not in REFUSALS | {400}:
                    failures.append(f"{name} {method.upper()} as {role}: {status}")
    assert not failures, "\n".join(failures)


def test_the_matrix_names_models_that_exist_and_scope():
    for name, entry in MATRIX.items():
        if entry.model is None:
            assert entry.why, f"{name}: say why the route takes no scoped object"
            continue
        model = apps.get_model(entry.model)
        assert hasattr(model.objects.all(), "visible_to"), f"{name}: {entry.model} has no visible_to"
