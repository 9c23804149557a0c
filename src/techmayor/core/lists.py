"""Pagination for list pages: a page of a queryset, the page size chosen from a short list."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 20


def page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def paginate(request, queryset):
    """The requested page (out-of-range pages give the last one) and its paginator."""
    paginator = Paginator(queryset, page_size(request))
    return paginator.get_page(request.GET.get("page"))
