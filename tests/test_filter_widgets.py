"""The filter forms' renderer (web.renderers) writes every widget of every list's
filters as Django's own widget templates do, bound or not, in both languages."""

import pytest
from django import forms
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe

from audit.filters import AuditRecordFilter
from crm.filters import ContactFilter, SalespersonFilter
from interactions.filters import (
    ContactTimelineFilter,
    InteractionLogEntryFilter,
    PostponedFilter,
)
from segments.filters import LoggedSegmentFilter, SegmentFilter, SegmentLineFilter
from web.renderers import (
    FilterFormRenderer,
    FormRenderer,
    attributes,
    select,
    text_input,
)

FILTERS = [
    AuditRecordFilter,
    ContactFilter,
    SalespersonFilter,
    InteractionLogEntryFilter,
    PostponedFilter,
    ContactTimelineFilter,
    SegmentFilter,
    SegmentLineFilter,
    LoggedSegmentFilter,
]
# The project's renderer: Django's templates, the empty choice in words.
DJANGO = FormRenderer()


def every_value(form):
    """A value for every filter: a choice's second option, else text that needs
    escaping (a form error for dates and numbers, shown again as typed)."""
    data = {}
    for name, field in form.fields.items():
        choices = list(getattr(field, "choices", []))
        data[name] = str(choices[1][0]) if len(choices) > 1 else "x<&\"y'>"
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("filter_class", FILTERS, ids=lambda cls: cls.__name__)
def test_every_filter_widget_is_written_as_django_writes_it(
    filter_class, language, sales_user
):
    request = RequestFactory().get("/")
    request.user = sales_user
    with translation.override(language):
        unbound = filter_class({}, request=request).form
        for data in ({}, every_value(unbound)):
            form = filter_class(data, request=request).form
            form.is_valid()
            assert isinstance(form.renderer, FilterFormRenderer)
            for name in form.fields:
                fast = str(form[name])
                form.renderer = DJANGO
                assert fast == str(form[name]), name
                form.renderer = FilterFormRenderer()


def django_writes(widget, name, value, attrs=None):
    return widget.render(name, value, attrs, renderer=DJANGO)


def test_attributes_as_attrs_html_writes_them():
    attrs = {
        "required": True,
        "disabled": False,
        "data-x": 'a"b<c>',
        "data-safe": mark_safe("<b>"),
        "maxlength": 1250,
        "data-tuple": (1, 2),
    }
    html = django_writes(forms.TextInput(attrs), "q", None)

    assert html == f'<input type="text" name="q"{attributes(attrs)}>'
    assert 'maxlength="1250"' in html  # not localized, as in the template


def test_groups_and_several_selected_as_select_html_writes_them():
    widget = forms.SelectMultiple(
        choices=[("Letters", [("a", "A & co"), ("b", "B")]), ("c", 3)]
    )
    context = widget.get_context("kinds", ["a", "c"], {"id": "id_kinds"})["widget"]

    assert select(context) == django_writes(
        widget, "kinds", ["a", "c"], {"id": "id_kinds"}
    )


def test_an_input_without_a_value_has_no_value_attribute():
    context = forms.DateInput().get_context("day", None, {})["widget"]

    assert text_input(context) == '<input type="text" name="day">'
    assert django_writes(forms.DateInput(), "day", None) == text_input(context)
