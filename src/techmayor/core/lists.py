"""Pagination for list pages: a page of a queryset, the page size chosen from a short list.

A province holds millions of records: counting every visible row for the paginator would cost more than
reading the page. :class:`BoundedPaginator` counts at most ``COUNT_BOUND`` rows (or as many as the requested
page needs): beyond that the list says "10,000+ 条" and "第 n / m+ 页", and the next pages stay reachable,
each page extending the count as far as it goes (docs/decisions/0028-the-province-at-scale.md).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models.query import QuerySet
from django.utils.functional import cached_property

PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 20
COUNT_BOUND = 10_000
MAX_PAGE = 10**9


def page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


class BoundedPaginator(Paginator):
    """A paginator whose count stops at ``bound`` rows, or at the rows the requested page needs (``bound``
    None: every row).

    ``count`` is exact when ``exact`` is true; otherwise there are more than ``count - 1`` rows and at least
    ``num_pages`` pages (``count_label`` and ``pages_label`` say so with a "+").
    """

    def __init__(self, object_list, per_page, *, bound: int | None = COUNT_BOUND, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.bound = bound
        self.wanted = 1

    def get_page(self, number):
        try:
            # A page past the last gives the last; a number past any table is not passed to LIMIT whole.
            self.wanted = min(max(1, int(number)), MAX_PAGE)
        except (TypeError, ValueError):
            self.wanted = 1
        return super().get_page(number)

    @cached_property
    def limit(self) -> int | None:
        """How many rows are counted at most (one more tells whether there are more); None: all."""
        if self.bound is None or not isinstance(self.object_list, QuerySet):
            return None
        return max(self.bound, self.wanted * self.per_page)

    @cached_property
    def count(self) -> int:
        if self.limit is None:
            return super().count
        # Only the key: annotations the page shows (a visit's leads) are not computed for rows counted.
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @property
    def exact(self) -> bool:
        return self.limit is None or self.count <= self.limit

    @property
    def count_label(self) -> str:
        return str(self.count) if self.exact else f"{self.limit}+"

    @property
    def pages_label(self) -> str:
        return str(self.num_pages) if self.exact else f"{self.num_pages}+"


def paginate(request, queryset, *, exact: bool = False):
    """The requested page (out-of-range pages give the last one) and its paginator; ``exact`` counts every
    row (for pages that compare the count with another figure)."""
    paginator = BoundedPaginator(queryset, page_size(request), bound=None if exact else COUNT_BOUND)
    return paginator.get_page(request.GET.get("page"))
