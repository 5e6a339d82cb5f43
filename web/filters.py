"""The filters every list page shares: sorting, amounts, bounded text, lookups."""

import datetime
import re
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from web import renderers
from web.amounts import AmountField, format_amount
from web.dates import validate_date_in_range
from web.lookups import WITH_BLOCKED, LookupField


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's sorting, except that an empty choice (`?ordering=,`) keeps the
    queryset's default order: an empty order_by() would let pages repeat rows; ties
    are broken by the key."""

    def filter(self, qs, value):
        if not any(value or ()):
            return qs
        ordered = super().filter(qs, value)
        # Rows equal in the chosen column keep one order (by key) from page to page
        # and on every database.
        return ordered.order_by(*ordered.query.order_by, "pk")


class AmountFilter(django_filters.NumberFilter):
    """An amount to filter on, read like every amount typed on a page
    (crm.forms.AmountField): `12,50` in Dutch, `12.50` in English."""

    field_class = AmountField

    def __init__(self, *args, **kwargs):
        # As the amounts stored (interactions.models.money_field): a third decimal
        # is an error, not a filter on a value no row can hold.
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


# The longest text a filter takes when it searches no column with a length of its own
# (a search over several columns, a number looked up first): PostgreSQL refuses a
# pattern of tens of thousands of characters, and no one types one.
LONGEST_FILTER_TEXT = 1000


class FilterText(forms.CharField):
    """A text filter's field: a value longer than what it searches is a form error
    that names the limit, not a query the database may refuse."""

    def __init__(self, *, max_length, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            *(v for v in self.validators if not isinstance(v, MaxLengthValidator)),
            MaxLengthValidator(
                max_length,
                message=ngettext_lazy(
                    "Search for at most %(limit_value)d character "
                    "(this is %(show_value)d).",
                    "Search for at most %(limit_value)d characters "
                    "(this is %(show_value)d).",
                    "limit_value",
                ),
            ),
        ]


def filter_text_limit(model, field_name):
    """The max_length of the text column `field_name` (a `__` path) of `model`, or
    LONGEST_FILTER_TEXT when it names no such column."""
    field = None
    for part in field_name.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return LONGEST_FILTER_TEXT
        model = field.related_model
        if model is None:
            break
    if field is None or field.is_relation or not field.max_length:
        return LONGEST_FILTER_TEXT
    return min(field.max_length, LONGEST_FILTER_TEXT)


class LookupFilter(django_filters.Filter):
    """A filter on one contact, salesperson, template…, chosen with a lookup field
    (crm.lookups): `LookupFilter(ContactField, label=…)`."""

    def __init__(self, field_class=LookupField, **kwargs):
        self.field_class = field_class
        kwargs.setdefault("placeholder", _("All"))
        # A filter reads history: blocked rows are offered too (WITH_BLOCKED).
        if field_class.lookup_class and field_class.lookup_class.has_blocked:
            kwargs["params"] = {WITH_BLOCKED: "1", **kwargs.get("params", {})}
        super().__init__(**kwargs)


class FilterSet(django_filters.FilterSet):
    """A FilterSet whose widgets carry Bootstrap's classes, for the filter_field
    tag (web.templatetags.lists): a list page renders its filters on every request,
    and crispy-forms' field template costs more than the rest of the form.

    Every text filter takes at most the length of the column it searches (else
    LONGEST_FILTER_TEXT), and every date lies in web.dates' range: every list, export
    and "all matching" bulk action reads its filters through here, so none sends an
    over-long pattern or an out-of-range day to the database.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            if type(filter_) is django_filters.CharFilter:
                filter_.field_class = FilterText
                filter_.extra.setdefault(
                    "max_length",
                    filter_text_limit(self.queryset.model, filter_.field_name),
                )

    @property
    def form(self):
        if not hasattr(self, "_form"):
            # Inputs and selects written in Python (web.renderers): a list page
            # renders its filters on every request.
            super().form.renderer = renderers.renderer
            for field in self._form.fields.values():
                if isinstance(field, forms.DateField):
                    # Days are shifted and widened in the queries: keep them in range.
                    field.validators.append(validate_date_in_range)
                css = (
                    "form-select"
                    if isinstance(field.widget, forms.Select)
                    else ("form-control")
                )
                field.widget.attrs["class"] = css
        return self._form

    def in_use(self):
        """(name, form field, value) of each filter in use; sorting is not a filter."""
        if not self.form.is_valid():
            return
        for name, value in self.form.cleaned_data.items():
            field = self.form.fields[name]
            # An unticked box filters nothing ("only the lines that …" is off).
            if value is False and isinstance(field.widget, forms.CheckboxInput):
                continue
            if value not in (None, "", []) and not isinstance(
                self.filters[name], django_filters.OrderingFilter
            ):
                yield name, field, value

    def criteria(self):
        """The filters in use as {name: text}: what an audit record of a bulk action
        on the filtered rows keeps."""
        return {
            name: field.key(value) if isinstance(field, LookupField) else str(value)
            for name, field, value in self.in_use()
        }

    def applied(self):
        """(label, value as shown) of each filter in use, for a page that names the
        filters it was reached with."""
        return [(field.label, shown(field, value)) for _, field, value in self.in_use()]


# Filters an audit record may name that no list's filter set declares (the delete
# canceled entries command's --after and --before): apps name them in their
# AppConfig.ready (label_filters).
OTHER_FILTER_LABELS = {}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def label_filters(labels):
    """Name the filters of `labels` ({name: label}) that no filter set declares."""
    OTHER_FILTER_LABELS.update(labels)


def declared_filter(name):
    """The filter called `name` in the lists' filter sets, or None. Looked up when
    asked, as a worker may not have imported every list."""
    classes = [FilterSet]
    while classes:
        filterset = classes.pop()
        filter_ = filterset.__dict__.get("base_filters", {}).get(name)
        if filter_ is not None and filter_.label:
            return filter_
        classes.extend(filterset.__subclasses__())
    return None


def filter_label(name):
    """The label of the filter called `name`: how an audit record names the filters
    an export or bulk action was chosen by."""
    filter_ = declared_filter(name)
    if filter_ is not None:
        return filter_.label
    return OTHER_FILTER_LABELS.get(name, name)


def filter_value(name, value):
    """A filter's value as criteria() keeps it, as a person reads it: a choice by
    its label, yes or no, a date as the language writes it. A value the filter does
    not know stays as kept."""
    text = str(value)
    filter_ = declared_filter(name)
    if isinstance(filter_, django_filters.ChoiceFilter):
        choices = filter_.extra.get("choices") or ()
        return str(dict(choices() if callable(choices) else choices).get(text, text))
    if text in ("True", "False"):
        return str(_("Yes") if text == "True" else _("No"))
    if ISO_DATE.fullmatch(text):
        try:
            return date_format(datetime.date.fromisoformat(text), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    return text


def shown(field, value):
    """A cleaned filter value as a person reads it."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(field, forms.ChoiceField) and not isinstance(
        field, forms.ModelChoiceField
    ):
        return dict(field.choices).get(value, value)
    return str(value)


def start_of_day(day):
    """The first moment of `day` in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
