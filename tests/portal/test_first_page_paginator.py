"""The queue's paginator reads the first page without counting when the page holds every row, and pages the
same as Django's otherwise."""

import pytest
from django.core.paginator import EmptyPage, Paginator

from portal.views.mixins import FirstPagePaginator


class Rows(list):
    """A list that records how it is read (a queryset's slices and its count)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.reads = []

    def __getitem__(self, key):
        self.reads.append(key)
        return super().__getitem__(key)

    def count(self, *args):
        self.reads.append("count")
        return len(self)


@pytest.mark.parametrize("size", [0, 1, 49, 50, 51, 52, 53, 120])
@pytest.mark.parametrize("orphans", [0, 2])
def test_pages_as_django_does(size, orphans):
    ours, django = FirstPagePaginator(Rows(range(size)), 50, orphans=orphans), Paginator(list(range(size)), 50,
                                                                                         orphans=orphans)
    for number in range(1, django.num_pages + 1):
        mine, theirs = ours.page(number), django.page(number)
        assert list(mine.object_list) == list(theirs.object_list)
        assert (mine.has_next(), mine.has_previous()) == (theirs.has_next(), theirs.has_previous())
    assert (ours.count, ours.num_pages) == (django.count, django.num_pages)
    with pytest.raises(EmptyPage):
        FirstPagePaginator(Rows(range(size)), 50, orphans=orphans).page(django.num_pages + 1)


def test_a_first_page_holding_every_row_is_not_counted():
    rows = Rows(range(38))
    page = FirstPagePaginator(rows, 50).page(1)
    assert len(page.object_list) == 38 and page.paginator.count == 38
    assert "count" not in rows.reads and len(rows.reads) == 1
