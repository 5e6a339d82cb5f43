from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """25 rows a page like the pages; clients may ask for up to 500 (`page_size`)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 500
