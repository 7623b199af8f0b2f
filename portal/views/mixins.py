"""Small view helpers shared by every app: role checks and filtered, scoped, paginated lists."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import ListView


class RoleRequiredMixin(LoginRequiredMixin):
    """Only the listed roles reach the view; anyone else gets 404, like an out-of-scope object."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.roles and request.user.role not in self.roles:
            raise Http404("页面不存在")
        return super().dispatch(request, *args, **kwargs)


class FilteredListView(RoleRequiredMixin, ListView):
    """A list page: the model's scoped queryset, narrowed by the same FilterSet the API uses."""

    filterset_class = None
    paginate_by = 50

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        self.filterset = self.filterset_class(self.request.GET or None, queryset=self.base_queryset(),
                                              request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else self.filterset.queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        return context


class FirstPagePaginator(Paginator):
    """A paginator that counts the rows only when the first page cannot hold them all: a work queue mostly fits
    one page, and its count (the scoped filter run a second time) cost as much as reading the page."""

    def page(self, number):
        if number != 1 or "count" in self.__dict__:
            return super().page(number)
        limit = self.per_page + self.orphans
        head = list(self.object_list[:limit + 1])
        if len(head) <= limit:
            self.__dict__["count"] = len(head)  # the cached ``count``: every row is here
            self.validate_number(1)
            return self._get_page(head, 1, self)
        self.validate_number(1)
        return self._get_page(head[:self.per_page], 1, self)
