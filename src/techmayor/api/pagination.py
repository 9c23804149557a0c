from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=2&page_size=100`` (50 by default, at most 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = "页码（从1开始）"
    page_size_query_description = "每页条数（默认50，最多200）"
