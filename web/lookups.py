"""Searchable lookups: one form field for every field that chooses a contact,
salesperson, template, group or logged segment, and the JSON its widget searches.

Without JavaScript the field is a text box that takes the number (code) or the exact
name; the script in static/js/lookup.js turns it into a Tom Select that asks the
model's endpoint (`LookupView`, one URL per model under /lookup/) for at most 20
matches a page. A `Lookup` says, per model, what is typed, searched and shown, so
the form field, the filter and the endpoint agree.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

# Shorter searches match the start of the number and name only (web.search).
from web.search import MIN_CONTAINS

PAGE_SIZE = 20
# Longest search the endpoint takes; nobody types more to find a row.
MAX_QUERY = 100
# Between key and name in the text box: "CT00012 - Jansen BV", with an en dash.
SEPARATOR = " \N{EN DASH} "
# The query parameter that asks a lookup for blocked rows too. New work takes no
# blocked salesperson or template, but a filter over history (a salesperson who
# left, a template no longer used) must still find them by name.
WITH_BLOCKED = "blocked"


def shorten(text, length=60):
    """`text` as an error message repeats it: not a page-long paste."""
    return text if len(text) <= length else f"{text[: length - 1]}…"


class BadLookup(Exception):
    """A search the endpoint cannot answer; its message goes back with a 400."""


class Lookup:
    """What one model's lookup types, searches and shows."""

    model = None
    key = "code"  # typed by the user, sent by the widget
    name = "name"  # also matched exactly (any case) by the text box
    url_name = ""
    ordering = ("code",)
    searched = ()  # "contains" for 3 characters and more; () for key and name
    has_blocked = False  # offered() leaves blocked rows out unless WITH_BLOCKED
    blocked = ""  # the message for a blocked row a form does not take
    not_found = ""
    several = ""

    def queryset(self):
        """The rows a form or filter accepts, unless it narrows them itself."""
        return self.model._default_manager.all()

    def offered(self, params):
        """The rows the endpoint offers for the query-string `params`."""
        return self.queryset()

    def search(self, queryset, text):
        if len(text) < MIN_CONTAINS:
            return queryset.filter(
                Q(**{f"{self.key}__istartswith": text})
                | Q(**{f"{self.name}__istartswith": text})
            )
        condition = Q()
        for field in self.searched or (self.key, self.name):
            condition |= Q(**{f"{field}__icontains": text})
        return queryset.filter(condition)

    def order(self, text):
        """The order of the results for the search `text`."""
        return self.ordering

    def label(self, obj):
        """How a chosen row reads in the text box: "CT00012 - Jansen BV"."""
        name = getattr(obj, self.name)
        key = getattr(obj, self.key)
        return f"{key}{SEPARATOR}{name}" if name else key

    def row(self, obj):
        """One result of the endpoint; `text` and `detail` are what the list shows:
        the detail is detail_of(obj), with "Blocked" after it for a blocked row
        (offered only to filters over history)."""
        blocked = str(_("Blocked")) if self.has_blocked and obj.blocked else ""
        return {
            "value": getattr(obj, self.key),
            "label": self.label(obj),
            "text": getattr(obj, self.name),
            "detail": " · ".join(
                part for part in (self.detail_of(obj), blocked) if part
            ),
        }

    def detail_of(self, obj):
        """The grey line under a result's name; none by default."""
        return ""

    def rows(self, objects, params):
        return [self.row(obj) for obj in objects]

    def url(self, params=None):
        url = reverse(self.url_name)
        return f"{url}?{urlencode(params)}" if params else url

    def resolve(self, queryset, text):
        """The one row of `queryset` that `text` names by key or exact name.

        Also takes the text box's own "KEY - name" and, for links and saved criteria
        written before the lookups, a primary key. Raises ValidationError with the
        lookup's message when none or several rows match.
        """
        text = str(text).strip()
        # PostgreSQL refuses NUL in text, SQLite a LIKE pattern over 50,000
        # characters: neither names a row, so neither is asked.
        if "\x00" in text or len(text) > MAX_QUERY * 2:
            raise ValidationError(
                str(self.not_found),
                code="not_found",
                params={"value": shorten(text.replace("\x00", ""))},
            )
        keys = [text]
        if SEPARATOR.strip() in text:
            keys.append(text.split(SEPARATOR.strip(), 1)[0].strip())
        for key in keys:
            found = list(queryset.filter(**{f"{self.key}__iexact": key})[:2])
            if len(found) == 1:
                return found[0]
        named = queryset.filter(**{f"{self.name}__iexact": text})
        found = list(named[:2])
        if len(found) == 1:
            return found[0]
        if found:
            # The plural form is chosen by the count now; the text stays a parameter.
            raise ValidationError(
                self.several % {"value": "%(value)s", "count": named.count()},
                code="several",
                params={"value": text},
            )
        # A primary key, from a link or saved criteria written before the lookups.
        if text.isdecimal() and len(text) < 10:
            found = list(queryset.filter(pk=int(text))[:1])
            if found:
                return found[0]
        # The text goes in as a parameter: formatted into the message here, a "%"
        # typed by the user would be read as a placeholder later (DRF formats again).
        raise ValidationError(
            str(self.not_found), code="not_found", params={"value": shorten(text)}
        )


class LookupInput(forms.TextInput):
    """The text box a lookup starts as; lookup.js enhances it when scripts run."""

    def __init__(self, lookup=None, params=None, attrs=None):
        super().__init__(attrs)
        self.lookup = lookup
        self.params = dict(params or {})
        self.labels = {}  # typed text or key (upper case) → (key, readable label)

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.params = dict(self.params)
        copy.labels = {}
        return copy

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        text = "" if value is None else str(value)
        key, label = self.labels.get(text.strip().upper(), (text, ""))
        attrs = context["widget"]["attrs"]
        attrs.update(
            {
                "data-lookup": self.lookup.url(self.params),
                "data-lookup-none": _("Nothing found; type part of another name."),
                "data-lookup-more": _("Loading more…"),
                "data-lookup-list": _("Matches"),
                "autocomplete": "off",
                "maxlength": str(MAX_QUERY * 2),
            }
        )
        if label:
            context["widget"]["value"] = label
        if key:
            # What the enhanced widget starts with (Tom Select's dataAttr).
            attrs["data-lookup-initial"] = json.dumps(
                [{"value": key, "label": label or key, "text": "", "detail": ""}]
            )
        return context


class LookupField(forms.ModelChoiceField):
    """A field that chooses one row by typing: the key, the exact name, or (with
    JavaScript) any part of what the lookup searches.

    `params` go to the endpoint with every search (`{"type": "company"}`); a
    subclass per model names its lookup, so a ModelForm can use it in
    `Meta.field_classes`.
    """

    lookup_class = None

    def __init__(
        self, lookup_class=None, *, queryset=None, params=None, placeholder="", **kwargs
    ):
        self.lookup = (lookup_class or self.lookup_class)()
        kwargs.pop("to_field_name", None)
        widget = kwargs.get("widget")
        if not isinstance(widget, LookupInput):
            kwargs["widget"] = LookupInput(self.lookup, params)
        if placeholder:
            kwargs["widget"].attrs["placeholder"] = placeholder
        if queryset is None:
            queryset = self.lookup.queryset()
        super().__init__(queryset=queryset, **kwargs)

    def remember(self, obj, *typed):
        """Keep the row's label so the widget shows it without asking again."""
        key = getattr(obj, self.lookup.key)
        for text in (key, *typed):
            self.widget.labels[str(text).strip().upper()] = (
                key,
                self.lookup.label(obj),
            )
        return key

    def prepare_value(self, value):
        if isinstance(value, self.queryset.model):
            return self.remember(value)
        if isinstance(value, int) and not isinstance(value, bool):
            obj = self.queryset.model._default_manager.filter(pk=value).first()
            return self.remember(obj) if obj else ""
        return value

    def chosen(self, text):
        """The row `text` names, or None while it names none or several: for a
        form filled in again from what was typed (the template's refill)."""
        try:
            return self.clean(text)
        except ValidationError:
            return None

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, self.queryset.model | int):
            # A row or key given as initial value (a locked field, a link).
            value = getattr(value, "pk", value)
            obj = self.queryset.filter(pk=value).first()
            if obj is None:
                self.refuse(self.lookup.queryset().filter(pk=value).first())
            self.remember(obj)
            return obj
        try:
            obj = self.lookup.resolve(self.queryset, value)
        except ValidationError as error:
            if error.code == "not_found":
                self.refuse(self.elsewhere(value), error)
            raise
        self.remember(obj, value)
        return obj

    def elsewhere(self, value):
        """The row `value` names that this field does not offer (a blocked one), or
        None."""
        try:
            return self.lookup.resolve(self.lookup.queryset(), value)
        except ValidationError:
            return None

    def refuse(self, obj, error=None):
        """Raise the error for `obj`, a row this field does not take: that it is
        blocked, when it is, so a locked field says why; else "not available"
        (`error`, when `obj` is None: the lookup's own "not found")."""
        if obj is None and error is not None:
            raise error
        if obj is not None and getattr(obj, "blocked", False) and self.lookup.blocked:
            raise ValidationError(
                self.lookup.blocked,
                code="blocked",
                params={"value": self.lookup.label(obj)},
            )
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice"
        )

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        if initial in (None, "") and data in self.empty_values:
            return False
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        if isinstance(initial, self.queryset.model):
            initial = initial.pk
        elif initial not in (None, "") and not isinstance(initial, int):
            try:
                initial = self.to_python(initial).pk
            except (ValidationError, AttributeError):
                return True
        return (chosen.pk if chosen else None) != (initial or None)

    def key(self, value):
        """The key of a value this field was given (a row, a pk or typed text)."""
        prepared = self.prepare_value(value)
        return "" if prepared is None else str(prepared)
