"""Each request's filters and filter form are its own, though copied shallowly: what one request changes in its
copies never reaches another's, and a ``method=`` filter searches with its own FilterSet."""

from django.test import RequestFactory

from pool.filters import ReviewFilter
from pool.models import Application
from tests.factories import user_with_role
from tests.pool.helpers import make_application, make_batch


class NothingFound(ReviewFilter):
    """Shares ReviewFilter's declared ``q`` filter object; its search finds nothing."""

    def search(self, queryset, name, value):
        return queryset.none()


def filterset(cls, user, data=None, queryset=None):
    request = RequestFactory().get("/pool/review/", data or {})
    request.user = user
    return cls(data, queryset=Application.objects.none() if queryset is None else queryset, request=request)


def test_a_search_runs_the_method_of_its_own_filterset(shipped):
    enterprise, province = user_with_role("enterprise"), user_with_role("province")
    application = make_application(enterprise, make_batch())
    every = Application.objects.all()
    name = application.enterprise_name[:2]

    for _ in range(2):  # alternately, so that neither class's copy keeps the other's FilterSet
        assert list(filterset(ReviewFilter, province, {"q": name}, every).qs) == [application]
        assert list(filterset(NothingFound, province, {"q": name}, every).qs) == []


def test_what_one_request_changes_in_its_form_stays_on_its_form(shipped):
    reviewer = user_with_role("province")
    first, second = filterset(ReviewFilter, reviewer), filterset(ReviewFilter, reviewer)
    first.form.fields["status"].empty_label = "任意状态"
    first.form.fields["status"].widget.attrs["class"] = "changed"
    first.form.fields["q"].validators.append(lambda value: None)
    first.form.fields["q"].error_messages["required"] = "改过"

    assert [label for _, label in first.form.fields["status"].choices][0] == "任意状态"
    assert [label for _, label in second.form.fields["status"].choices][0] == "全部状态"
    assert 'class="changed"' not in str(second.form["status"])
    assert len(second.form.fields["q"].validators) == len(first.form.fields["q"].validators) - 1
    assert second.form.fields["q"].error_messages["required"] != "改过"
    assert [label for _, label in filterset(ReviewFilter, reviewer).form.fields["status"].choices][0] == "全部状态"


def test_what_one_request_changes_in_its_filters_stays_on_its_filters(shipped):
    reviewer = user_with_role("province")
    first = filterset(ReviewFilter, reviewer)
    first.filters["min_score"].lookup_expr = "lt"
    first.filters["min_score"].extra["max_value"] = 1

    second = filterset(ReviewFilter, reviewer)
    assert second.filters["min_score"].lookup_expr == "gte"
    assert "max_value" not in second.filters["min_score"].extra or second.filters["min_score"].extra["max_value"] != 1
    assert second.filters["q"].parent is second and first.filters["q"].parent is first
