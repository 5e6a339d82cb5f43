import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from crm.filters import ContactFilter
from interactions.filters import InteractionLogEntryFilter
from web.filters import AmountFilter, OrderingFilter


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false`, or blank for all; anything else is an error, where the
    page's select reads it as "All" and the client would not know (issue 16,
    finding 16: `canceled=abc` listed canceled and other entries alike)."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is None and value not in (None, ""):
            raise ValidationError(_("Enter true or false."), code="invalid")
        return result


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # A text input hands the field what was sent; the select widgets turn
        # anything unknown into None before the field sees it.
        super().__init__(*args, widget=forms.TextInput, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        # As AmountField reads it unlocalized: no sign, exponent or separators, up
        # to 10 whole digits and 2 decimals (trailing zeros say nothing).
        "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2}0*)?$",
        "example": "1250.50",
    }
)
class ApiAmountFilter(AmountFilter):
    pass


class EntryApiFilter(InteractionLogEntryFilter):
    """The entry list's filters, with amounts read as programs write them
    (`cost_from=1250.50`) whatever language the request asks for: a program's
    `1.250` is 1.25, never 1250 because it sent Accept-Language nl."""

    cost_from = ApiAmountFilter(
        label=_("Cost from"), field_name="cost", lookup_expr="gte", localize=False
    )
    cost_to = ApiAmountFilter(
        label=_("Cost to"), field_name="cost", lookup_expr="lte", localize=False
    )

    canceled = StrictBooleanFilter(label=_("Canceled"))
    # By date only, newest (`-date`, the default) or oldest first: the list pages by
    # cursor on (date, entry no.), api.pagination.EntryCursorPagination.
    ordering = OrderingFilter(fields=[("date", "date")], label=_("Sort by"))


class ContactApiFilter(ContactFilter):
    """The contact list's filters, with "Privacy blocked" strictly true or false:
    the page's select shows "All" for anything else, a program gets a 400."""

    privacy_blocked = StrictBooleanFilter(label=_("Privacy blocked"))
