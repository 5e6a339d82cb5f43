from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """25 rows a page like the pages; clients may ask for up to 500 (`page_size`)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        # DRF quietly falls back to 25 rows for `page_size=abc` or 0: a client that
        # got the parameter wrong would not know. More than 500 still gives 500.
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size
        if not value.isascii() or not value.isdigit() or int(value) < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("Enter a whole number of 1 or more.")]}
            )
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        """DRF's page and page_size, with the bounds the API holds them to."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = _(
                    "Rows per page, 25 when left out; more than 500 gives 500."
                )
        return parameters
