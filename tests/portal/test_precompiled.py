"""A read compiled once per process answers what the ORM answers, for every person and value, and leaves to the
ORM whatever its stand-ins cannot stand for."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from portal.models import Organisation, Region
from portal.precompiled import Read
from portal.scoping import ScopedRead, get_visible_or_404
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db


def organisations():
    return Organisation.objects.select_related("region__parent")


def fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


@pytest.mark.parametrize("role", ["county", "city", "province", "enterprise", "admin"])
def test_scoped_read_answers_as_the_orm_for_every_role(role):
    read = ScopedRead(organisations)
    person = user_with_role(role)
    near, far = OrganisationFactory(region_id="420202"), OrganisationFactory(region_id="420502")
    for organisation in (near, far, person.organisation):
        if organisation is None:
            continue
        try:
            expected = get_visible_or_404(organisations(), person, pk=organisation.pk)
        except Http404:
            with pytest.raises(Http404):
                read.get_or_404(person, organisation.pk)
            continue
        got = read.get_or_404(person, organisation.pk)
        assert fields(got) == fields(expected)
        assert fields(got.region) == fields(expected.region)  # the select_related rows too
        assert got.region.parent == expected.region.parent


def test_second_person_of_a_role_gets_their_own_scope_not_the_first_ones():
    read = ScopedRead(organisations)
    first, second = user_with_role("county", "420202"), user_with_role("county", "420203")
    mine, theirs = OrganisationFactory(region_id="420202"), OrganisationFactory(region_id="420203")
    assert read.get_or_404(first, mine.pk) == mine
    with pytest.raises(Http404):
        read.get_or_404(second, mine.pk)
    assert read.get_or_404(second, theirs.pk) == theirs
    assert len(read.read.compiled) == 1  # one shape: compiled once


def test_reused_read_runs_one_query_of_the_orm_sql():
    read = ScopedRead(organisations)
    person = user_with_role("county", "420202")
    target = OrganisationFactory(region_id="420202")
    assert person.region.code == "420202"  # read once, as the request's person is
    with CaptureQueriesContext(connection) as orm:
        get_visible_or_404(organisations(), person, pk=target.pk)
    read.get_or_404(person, target.pk)
    with CaptureQueriesContext(connection) as reused:
        read.get_or_404(person, target.pk)
    assert [q["sql"] for q in reused.captured_queries] == [q["sql"] for q in orm.captured_queries]


def test_anonymous_and_inactive_people_see_nothing():
    read = ScopedRead(organisations)
    target = OrganisationFactory(region_id="420202")
    with pytest.raises(Http404):
        read.get_or_404(AnonymousUser(), target.pk)
    person = user_with_role("county", "420202", is_active=False)
    with pytest.raises(Http404):
        read.get_or_404(person, target.pk)


def test_values_the_stand_ins_cannot_stand_for_go_through_the_orm():
    read = Read(lambda _, prefix: Region.objects.filter(code__startswith=prefix).order_by("code"))
    assert [r.code for r in read.fetch(None, "4202")] == list(
        Region.objects.filter(code__startswith="4202").order_by("code").values_list("code", flat=True))
    assert read.fetch(None, "42%") == []  # a wildcard is a character to match, not a pattern
    assert read.fetch(None, "4_0") == []
    by_parent = Read(lambda _, parent: Region.objects.filter(parent_id=parent))
    assert [r.code for r in by_parent.fetch(None, None)] == list(
        Region.objects.filter(parent_id=None).values_list("code", flat=True))  # IS NULL, not = NULL


@pytest.mark.django_db(transaction=True)  # autocommit outside the test's block, as in a view
def test_a_locked_read_outside_a_transaction_is_refused_as_by_the_orm():
    read = Read(lambda _, code: Region.objects.select_for_update().filter(code=code), get=True)
    if not connection.features.has_select_for_update:
        pytest.skip("the database has no SELECT … FOR UPDATE")
    with transaction.atomic():
        assert read.get(None, "420202").code == "420202"
    with pytest.raises(TransactionManagementError):
        read.get(None, "420202")


def test_get_raises_does_not_exist():
    read = Read(lambda _, code: Region.objects.filter(code=code), get=True)
    with pytest.raises(Region.DoesNotExist):
        read.get(None, "999999")


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_on_postgresql_a_compiled_read_is_prepared_once_per_connection_and_djangos_own_are_not(postgres):
    read = ScopedRead(organisations)
    first, second = user_with_role("county", "420202"), user_with_role("county", "420203")
    mine, theirs = OrganisationFactory(region_id="420202"), OrganisationFactory(region_id="420203")
    before = _prepared_statements()
    for _ in range(3):
        assert fields(read.get_or_404(first, mine.pk)) == fields(get_visible_or_404(organisations(), first, pk=mine.pk))
    assert read.get_or_404(second, theirs.pk) == theirs  # other values, the same statement
    with pytest.raises(Http404):
        read.get_or_404(second, mine.pk)
    added = [s for s in _prepared_statements() if s not in before]
    assert len(added) == 1
    assert "portal_organisation" in added[0] and "$1" in added[0]  # bound on the server, not spliced in
    for _ in range(6):
        Organisation.objects.filter(pk=mine.pk).count()  # Django's own statements stay unprepared
    assert [s for s in _prepared_statements() if s not in before] == added
    assert connection.connection.prepare_threshold is None


def test_with_prepared_reads_off_the_compiled_sql_runs_as_django_runs_it(postgres, settings):
    settings.PREPARE_COMPILED_READS = False
    read = ScopedRead(organisations)
    person = user_with_role("county", "420202")
    mine = OrganisationFactory(region_id="420202")
    before = _prepared_statements()
    for _ in range(3):
        assert read.get_or_404(person, mine.pk) == mine
    assert [s for s in _prepared_statements() if s not in before] == []
