"""Criteria: which contacts a criteria dict names, as one SQL statement, and the
criteria in words.

A criteria dict is keyed by the contact filter's parameter names (crm.filters
.ContactFilter) with their GET strings as values, `{"city": "Utrecht"}`; under
"entries" the entry filter's names (EntryCriteriaFilter) with `"has": true|false`
(has / has no such entry); "segment" an open segment's key, "logged_segment" a logged
segment's key. Conditions on entries and segments are EXISTS subqueries of the one
contact query, never a loop over contacts.
"""

import datetime
import json

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.filters import ContactFilter
from crm.models import Contact
from interactions.filters import InteractionLogEntryFilter
from interactions.models import InformationFlow, InteractionLogEntry
from segments.models import LoggedSegment, Segment, SegmentLine
from web.amounts import format_amount, format_whole_number, read_number
from web.filters import AmountFilter, LookupFilter


class EntryCriteriaFilter(InteractionLogEntryFilter):
    """The entry list's filters, plus what a marketer selects contacts by as well:
    the information flow and a range of durations."""

    information_flow = django_filters.ChoiceFilter(
        label=gettext_lazy("Information flow"),
        choices=InformationFlow.choices[1:],
        empty_label=gettext_lazy("All"),
    )
    duration_from = django_filters.NumberFilter(
        label=gettext_lazy("Duration from"),
        field_name="duration",
        lookup_expr="gte",
        min_value=0,
    )
    duration_to = django_filters.NumberFilter(
        label=gettext_lazy("Duration to"),
        field_name="duration",
        lookup_expr="lte",
        min_value=0,
    )

    class Meta(InteractionLogEntryFilter.Meta):
        pass


def _filter_names(filterset_class):
    return frozenset(
        name
        for name, filter_ in filterset_class.base_filters.items()
        if not isinstance(filter_, django_filters.OrderingFilter)
    )


CONTACT_CRITERIA = _filter_names(ContactFilter)
ENTRY_CRITERIA = _filter_names(EntryCriteriaFilter)
SEGMENT_CRITERIA = frozenset({"segment", "logged_segment"})
CRITERIA = CONTACT_CRITERIA | SEGMENT_CRITERIA | {"entries"}


def _unknown(names, known):
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValidationError(
            _("Unknown criteria: %(names)s.") % {"names": ", ".join(unknown)},
            code="unknown",
        )


def _text(name, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    raise ValidationError(
        _("Criteria %(name)s: give one value.") % {"name": name}, code="invalid"
    )


def _key(name, value):
    if isinstance(value, bool):
        value = None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Criteria %(name)s: “%(value)s” is not a segment.")
            % {"name": name, "value": value},
            code="invalid",
        ) from None


def _canonical(filter_, text):
    """Dates as ISO and amounts as `1250.50`: stored criteria read the same in
    every language (a Dutch `12,50` and an English `12.50` are one amount). A
    value that does not read is kept for the filter to refuse with its message."""
    if isinstance(filter_, django_filters.DateFilter):
        try:
            return forms.DateField().to_python(text).isoformat()
        except ValidationError:
            return text
    if isinstance(filter_, django_filters.BooleanFilter):
        if text.lower() not in ("true", "false"):
            raise ValidationError(
                _("Criteria %(name)s: choose true or false, not “%(value)s”.")
                % {"name": filter_.field_name, "value": text},
                code="invalid",
            )
        return text.lower()
    if isinstance(filter_, AmountFilter):
        number = read_number(text)
        if number is not None and number == round(number, 2):
            return f"{number:.2f}"
    return text


def _has(value):
    if value in (True, "true", "True", "1", 1, None, ""):
        return True
    if value in (False, "false", "False", "0", 0):
        return False
    raise ValidationError(
        _("Criteria %(name)s: choose true or false, not “%(value)s”.")
        % {"name": "has", "value": value},
        code="invalid",
    )


def normalize_criteria(criteria):
    """`criteria` checked and JSON-safe, empty values left out: what an action
    stores. Raises ValidationError for an unknown name or a value of the wrong
    kind (the filters check the values themselves: criteria_contacts)."""
    if not isinstance(criteria, dict):
        raise ValidationError(_("Criteria must be a set of names and values."))
    _unknown(criteria, CRITERIA)
    clean = {}
    for name, value in criteria.items():
        if name == "entries":
            if not isinstance(value, dict):
                raise ValidationError(
                    _("Criteria entries must be a set of names and values.")
                )
            _unknown(value, ENTRY_CRITERIA | {"has"})
            filters = EntryCriteriaFilter.base_filters
            entries = {
                key: _canonical(filters[key], _text(key, item))
                for key, item in value.items()
                if key != "has" and item not in (None, "")
            }
            clean["entries"] = {"has": _has(value.get("has")), **entries}
        elif name in SEGMENT_CRITERIA:
            if value not in (None, ""):
                clean[name] = _key(name, value)
        elif value not in (None, ""):
            clean[name] = _text(name, value)
    return clean


def _filtered(filterset_class, data, queryset):
    filterset = filterset_class(data=data, queryset=queryset)
    if not filterset.is_valid():
        form = filterset.form
        raise ValidationError(
            [
                f"{form.fields[name].label}: {message}"
                for name, messages in form.errors.items()
                for message in messages
            ],
            code="invalid",
        )
    return filterset.qs.order_by()


def criteria_contacts(criteria):
    """The contacts `criteria` names, as one queryset (one SQL statement)."""
    criteria = normalize_criteria(criteria)
    contact_data = {
        name: value for name, value in criteria.items() if name in CONTACT_CRITERIA
    }
    contacts = _filtered(ContactFilter, contact_data, Contact.objects.all())
    if "entries" in criteria:
        entry_data = dict(criteria["entries"])
        has = entry_data.pop("has")
        entries = _filtered(
            EntryCriteriaFilter, entry_data, InteractionLogEntry.objects.all()
        ).filter(contact=OuterRef("pk"))
        contacts = contacts.filter(Exists(entries) if has else ~Exists(entries))
    if "segment" in criteria:
        if not Segment.objects.filter(pk=criteria["segment"]).exists():
            raise ValidationError(
                _("Segment %(key)s does not exist or has been logged.")
                % {"key": criteria["segment"]},
                code="invalid",
            )
        contacts = contacts.filter(
            Exists(
                SegmentLine.objects.filter(
                    segment=criteria["segment"], contact=OuterRef("pk")
                )
            )
        )
    if "logged_segment" in criteria:
        if not LoggedSegment.objects.filter(pk=criteria["logged_segment"]).exists():
            raise ValidationError(
                _("Logged segment %(key)s does not exist.")
                % {"key": criteria["logged_segment"]},
                code="invalid",
            )
        contacts = contacts.filter(
            Exists(
                InteractionLogEntry.objects.filter(
                    logged_segment=criteria["logged_segment"], contact=OuterRef("pk")
                )
            )
        )
    return contacts.order_by()


def _in_words(filter_, value):
    if isinstance(filter_, LookupFilter):
        return value  # the number or code typed, without a query per criterion
    # Stored as ISO dates and `1250.50` (_canonical); read as the language writes
    # them, `1.250,50` and `1-3-2026` in Dutch.
    if isinstance(filter_, django_filters.DateFilter):
        try:
            return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(filter_, django_filters.NumberFilter):
        number = read_number(value, localized=False)
        if number is None:
            return value
        if isinstance(filter_, AmountFilter):
            return format_amount(number)
        return format_whole_number(number) if number == int(number) else value
    field = filter_.field
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(filter_, django_filters.BooleanFilter):
        return _("Yes") if value == "true" else _("No")
    return value


# How a filter compares, in words, where "=" would say it wrongly.
COMPARISONS = {
    "istartswith": gettext_lazy("%(label)s starts with %(value)s"),
    # The labels say the bound themselves: "cost from 12.50", "to 31-3-2026".
    "gte": gettext_lazy("%(label)s %(value)s"),
    "lte": gettext_lazy("%(label)s %(value)s"),
    "search": gettext_lazy('%(label)s for "%(value)s"'),
}


def _describe(filterset_class, data):
    """Each criterion of `data` in words: "plaats begint met rotter"."""
    # An instance's own copies: a field built on the class's filters would be
    # shared by every later filter form (django-filter caches it).
    filters = filterset_class(
        queryset=filterset_class._meta.model.objects.none()
    ).filters
    return [
        _compared(
            filters[name].label,
            # "q" is the search box (its own method, not a lookup).
            "search" if name == "q" else filters[name].lookup_expr,
            _in_words(filters[name], value),
        )
        for name, value in data.items()
    ]


def _compared(label, lookup, value):
    words = COMPARISONS.get(lookup, "%(label)s = %(value)s")
    return words % {"label": str(label).lower(), "value": value}


def _entry_words(criteria):
    """(whether the contacts have or have no such interactions, the interaction
    criteria in words or ""), or None without interaction criteria."""
    if "entries" not in criteria:
        return None
    entry_data = dict(criteria["entries"])
    has = entry_data.pop("has")
    return has, ", ".join(_describe(EntryCriteriaFilter, entry_data))


def _segment_words(criteria, look_up):
    """The segment criteria in words: each segment by its number and description,
    or by its key without `look_up`."""
    words = []
    if "segment" in criteria:
        key = criteria["segment"]
        segment = Segment.objects.filter(pk=key).first() if look_up else None
        words.append(_compared(_("In segment"), "exact", segment or key))
    if "logged_segment" in criteria:
        key = criteria["logged_segment"]
        logged = LoggedSegment.objects.filter(pk=key).first() if look_up else None
        words.append(_compared(_("In logged segment"), "exact", logged or key))
    return words


def _contact_words(criteria):
    return _describe(
        ContactFilter,
        {name: value for name, value in criteria.items() if name in CONTACT_CRITERIA},
    )


def criteria_in_words(criteria, *, look_up=True):
    """`criteria` as one line, as the criteria pages list an action's: "plaats
    begint met Utrecht, heeft interacties met evaluatie = Positief". Without
    `look_up`, no query: a segment is named by its key."""
    criteria = normalize_criteria(criteria)
    parts = _contact_words(criteria)
    entries = _entry_words(criteria)
    if entries is not None:
        has, words = entries
        if words:
            phrase = (
                _("has interactions with %(criteria)s")
                if has
                else _("no interactions with %(criteria)s")
            )
            parts.append(phrase % {"criteria": words})
        else:
            parts.append(_("has interactions") if has else _("no interactions"))
    parts.extend(_segment_words(criteria, look_up))
    return ", ".join(parts) or _("all contacts")


def recorded_criteria_in_words(criteria):
    """The criteria an audit record kept, in words without a query; as stored
    when they no longer read as criteria (a filter renamed since)."""
    try:
        return criteria_in_words(criteria, look_up=False)
    except ValidationError:
        return json.dumps(criteria, ensure_ascii=False)
