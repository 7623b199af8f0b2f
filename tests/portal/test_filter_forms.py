"""A list's filter form is built once per process; what depends on the person — the choices scoped to them — is
set anew on each request's form, before anything is validated."""

from django.test import RequestFactory

from pool.filters import ReviewFilter
from pool.models import Application
from portal.models import Region
from tests.factories import user_with_role
from tests.pool.helpers import make_batch


def filterset_for(user, data=None):
    request = RequestFactory().get("/pool/review/", data or {})
    request.user = user
    return ReviewFilter(data or None, queryset=Application.objects.none(), request=request)


def test_each_person_gets_the_batches_of_their_own_province_from_the_one_form_class(shipped):
    Region.objects.get_or_create(code="440000", defaults={"name": "广东省", "level": "province"})
    hubei, guangdong = make_batch(name="湖北批次"), make_batch(name="广东批次")
    guangdong.region_id = "440000"
    guangdong.save(update_fields=["region"])
    reviewer_42, reviewer_44 = user_with_role("county"), user_with_role("province", region="440000")

    first, second = filterset_for(reviewer_42), filterset_for(reviewer_44)
    assert type(first.form) is type(second.form)  # noqa: E721 (the same class, not an equal one)
    assert list(first.form.fields["batch"].queryset) == [hubei]
    assert list(second.form.fields["batch"].queryset) == [guangdong]
    assert [label for _, label in first.form.fields["batch"].choices] == ["全部批次", "湖北批次"]

    refused = filterset_for(reviewer_42, {"batch": str(guangdong.pk)})
    assert not refused.is_valid() and "batch" in refused.form.errors
    accepted = filterset_for(reviewer_44, {"batch": str(guangdong.pk)})
    assert accepted.is_valid() and accepted.form.cleaned_data["batch"] == guangdong
