import base64
import binascii
import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class PageSizeMixin:
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

    def page_size_parameter(self):
        return {
            "name": self.page_size_query_param,
            "required": False,
            "in": "query",
            "description": _(
                "Rows per page, 25 when left out; more than 500 gives 500."
            ),
            "schema": {"type": "integer", "minimum": 1},
        }


class Pagination(PageSizeMixin, PageNumberPagination):
    """Pages by number, for lists a client pages through from the start."""

    def get_schema_operation_parameters(self, view):
        """DRF's page and page_size, with the bounds the API holds them to."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = self.page_size_parameter()["description"]
        return parameters


class EntryCursorPagination(PageSizeMixin, BasePagination):
    """The entries by date and entry no., a page after (or before) a position.

    Numbered pages of a million entries cost a COUNT(*) of the list and an OFFSET
    that reads every row before the page; a cursor is the (date, entry no.) of the
    row a page ended on, and the next page reads from there on the list's index,
    however deep. The total is counted only when asked (`count=true`).

    The order is the list's: newest first, or oldest first with `ordering=date`.
    """

    cursor_query_param = "cursor"
    count_query_param = "count"
    invalid_cursor_message = _(
        "Invalid cursor: use the next or previous link of an earlier answer."
    )

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        self.count = queryset.count() if self.wants_count(request) else None
        position, backwards = self.decode_cursor(request)
        self.ascending = queryset.query.order_by[:1] == ("date",)
        forward = ("date", "entry_no") if self.ascending else ("-date", "-entry_no")
        if position is not None:
            queryset = queryset.filter(self.beyond(position, backwards))
        if backwards:
            forward = tuple(
                key[1:] if key.startswith("-") else f"-{key}" for key in forward
            )
        rows = list(queryset.order_by(*forward)[: page_size + 1])
        more = len(rows) > page_size
        rows = rows[:page_size]
        if backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, position is not None
        self.rows = rows
        return rows

    def beyond(self, position, backwards):
        """The rows after `position` in the list's order (before it `backwards`),
        with the date alone as a range the index can seek to."""
        date, entry_no = position
        later = self.ascending != backwards
        if later:
            return Q(date__gte=date) & (Q(date__gt=date) | Q(entry_no__gt=entry_no))
        return Q(date__lte=date) & (Q(date__lt=date) | Q(entry_no__lt=entry_no))

    def wants_count(self, request):
        value = request.query_params.get(self.count_query_param, "")
        if value not in ("", "true", "false"):
            raise ValidationError({self.count_query_param: [_("Enter true or false.")]})
        return value == "true"

    def decode_cursor(self, request):
        """((date, entry no.) or None, whether to read backwards)."""
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None, False
        try:
            text = base64.urlsafe_b64decode(encoded.encode("ascii")).decode("ascii")
            direction, date, entry_no = text.split("|")
            if direction not in ("n", "p") or not entry_no.isdigit():
                raise ValueError(text)
            position = (datetime.date.fromisoformat(date), int(entry_no))
        except (UnicodeError, binascii.Error, ValueError):
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            ) from None
        return position, direction == "p"

    def link(self, row, direction):
        text = f"{direction}|{row.date.isoformat()}|{row.entry_no}"
        cursor = base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii")
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self):
        if not self.has_next or not self.rows:
            return None
        return self.link(self.rows[-1], "n")

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if not self.rows:  # read past the end: back to the start
            url = self.request.build_absolute_uri()
            return remove_query_param(url, self.cursor_query_param)
        return self.link(self.rows[0], "p")

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "description": "The number of entries, with `count=true`; "
                    "else null.",
                },
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": _(
                    "Where the page starts: taken from the next or previous link."
                ),
                "schema": {"type": "string"},
            },
            self.page_size_parameter(),
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": _("true: count the entries (slower on long lists)."),
                "schema": {"type": "boolean"},
            },
        ]
