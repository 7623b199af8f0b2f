"""A published whitelist cannot be edited: the model, the queryset, the services, the admin and the API all
refuse; a correction is a new version."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from finance.models import Candidate, ImmutableError, Publication, PublicationEntry, PublicationRecipient
from finance.services.publications import verify_hash, whitelist_publish
from finance.services.whitelists import candidate_exclude, candidate_include, whitelist_discard
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_the_model_refuses_to_save_or_delete_a_published_row(published):
    published.title = "改过的标题"
    with pytest.raises(ImmutableError, match="已发布的白名单不可修改或删除"):
        published.save()
    with pytest.raises(ImmutableError):
        published.delete()
    entry = published.entries.get()
    entry.need_amount = 1
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    with pytest.raises(ImmutableError):
        published.recipients.get().delete()


def test_bulk_changes_are_refused_too(published):
    with pytest.raises(ImmutableError):
        Publication.objects.filter(pk=published.pk).update(title="x")
    with pytest.raises(ImmutableError):
        PublicationEntry.objects.filter(publication=published).update(need_amount=1)
    with pytest.raises(ImmutableError):
        PublicationEntry.objects.filter(publication=published).delete()
    with pytest.raises(ImmutableError):
        PublicationRecipient.objects.all().delete()
    published.refresh_from_db()
    assert verify_hash(published)


def test_the_services_refuse_to_change_a_published_whitelist(published, city, bank_user):
    candidate = Candidate.objects.get(whitelist=published.whitelist)
    with pytest.raises(ImmutableError):
        candidate_exclude(candidate=candidate, user=city, reason="晚了")
    with pytest.raises(ImmutableError):
        candidate_include(candidate=candidate, user=city)
    with pytest.raises(ImmutableError):
        whitelist_discard(whitelist=published.whitelist, user=city)
    with pytest.raises(ImmutableError):
        whitelist_publish(whitelist=published.whitelist, user=city, banks=[bank_user.organisation])
    assert Publication.objects.count() == 1


def test_a_changed_database_row_shows_in_the_hash(published):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE finance_publicationentry SET need_amount = 1 WHERE publication_id = %s",
                       [published.pk])
    assert not verify_hash(published)


def test_the_admin_shows_but_never_changes(client, published):
    admin = user_with_role("admin")
    client.force_login(admin)
    url = f"/admin/finance/publication/{published.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and published.title in page.content.decode()
    assert client.post(url, {"title": "改过的标题"}).status_code == 403
    assert client.post(f"/admin/finance/publication/{published.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/finance/publication/add/").status_code == 403
    published.refresh_from_db()
    assert published.title.endswith("（第 1 版）")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_has_no_route_to_change_a_publication(published, city, method):
    api = APIClient()
    api.force_authenticate(city)
    response = getattr(api, method)(f"/api/finance/publications/{published.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 405
    assert api.get(f"/api/finance/publications/{published.pk}/").json()["title"].endswith("（第 1 版）")


def test_the_api_refuses_to_publish_a_published_draft_again(published, city, bank_user):
    api = APIClient()
    api.force_authenticate(city)
    response = api.post(f"/api/finance/whitelists/{published.whitelist_id}/publish/",
                        {"banks": [bank_user.organisation_id]}, format="json")
    assert response.status_code == 403 and "不可修改" in response.json()["detail"]


def test_a_correction_is_a_new_version(published, city, bank_user):
    from tests.finance.helpers import publish

    second = publish(city, [bank_user], note="更正联系人")
    assert (second.number, second.previous_id, second.change_note) == (2, published.pk, "更正联系人")
    assert Publication.objects.get(pk=published.pk).content_hash == published.content_hash


def test_a_draft_can_be_reviewed_before_it_is_published(applicant, city):
    from tests.finance.helpers import generate

    whitelist = generate(city)
    candidate = Candidate.objects.get(whitelist=whitelist)
    candidate_exclude(candidate=candidate, user=city, reason="待核实")
    whitelist.refresh_from_db()
    assert whitelist.excluded_count == 1
    candidate_include(candidate=candidate, user=city)
    with pytest.raises(ValidationError, match="请选择至少一家合作银行"):
        whitelist_publish(whitelist=whitelist, user=city, banks=[])
