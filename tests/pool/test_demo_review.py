"""``seed_demo`` gives every bureau real work in the open batch on first login: the county a queue of different
ages with a resubmission to compare, the city more county-approved applications than its quota, the province
the city's recommendations; and running it again changes nothing."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pool.demo import DEMO_BATCH
from pool.models import Application, ApplicationStatus
from pool.services.review.upper import quota_for
from portal.models import User
from portal.navigation import todos_for

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def snapshot():
    return sorted(Application.objects.values_list("enterprise_name", "status", "revision_number", "submitted_at"))


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def todo(username: str, label_start: str):
    user = User.objects.get(username=username)
    return next(t for t in todos_for(user) if t.label.startswith(label_start)), user


def test_the_county_has_a_queue_of_different_ages_and_a_resubmission_to_compare(demo):
    item, county = todo("demo_county", "待县级审核")
    waiting = Application.objects.visible_to(county).filter(status=S.SUBMITTED, batch__name=DEMO_BATCH)
    assert item.count >= 3 and item.count == waiting.count()
    assert len({a.submitted_at.date() for a in waiting}) >= 3  # submitted on different days
    resubmitted = waiting.get(revision_number=2)
    client = Client()
    client.force_login(county)
    page = client.get(reverse("pool:revision-detail", args=[resubmitted.pk, 2])).content.decode()
    assert "9700000" in page.replace(",", "") and "7000000" in page.replace(",", "")  # the change, both sides
    returned = Application.objects.get(batch__name=DEMO_BATCH, status=S.RETURNED)
    assert returned.transitions.filter(to_status=S.RETURNED).exclude(comment="").exists()


def test_the_city_ranks_more_county_approved_applications_than_its_quota(demo):
    item, city = todo("demo_city", "待市级推荐")
    approved = Application.objects.visible_to(city).filter(status=S.COUNTY_APPROVED, batch__name=DEMO_BATCH)
    quota = quota_for(city, approved.first().batch)
    assert item.count == approved.count() > quota.limit and quota.remaining < approved.count()
    assert len({a.evaluations.get().score for a in approved}) == approved.count()  # the order matters
    client = Client()
    client.force_login(city)
    ranking = client.get(reverse("pool:ranking"), follow=True).content.decode()
    assert all(a.enterprise_name in ranking for a in approved)


def test_the_province_has_the_citys_recommendations_to_act_on(demo):
    item, province = todo("demo_province", "待省级推荐")
    assert item.count >= 2
    assert Application.objects.visible_to(province).filter(status=S.RECOMMENDED).count() == item.count


def test_the_enterprise_of_a_returned_application_reads_the_comments(demo):
    returned = Application.objects.get(batch__name=DEMO_BATCH, status=S.RETURNED)
    assert returned.transitions.get(to_status=S.RETURNED).section_comments.get("rnd")


def test_seeding_again_leaves_the_review_as_it_was(demo):
    before = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == before
