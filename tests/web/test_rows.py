"""The pieces list rows share (web.rows) and the list tags (web.templatetags.lists)
write what reverse(), the date filter, get_FOO_display and the templates they
replace wrote (issue 19)."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from interactions.models import Evaluation, InteractionLogEntry
from web.rows import DateTexts, RowLinks, choice_labels


@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**12])
def test_row_links_are_what_reverse_gives(pk):
    assert RowLinks("crm:contact_detail")(pk) == reverse(
        "crm:contact_detail", args=[pk]
    )
    assert RowLinks("interactions:entry_resume")(pk) == reverse(
        "interactions:entry_resume", args=[pk]
    )


@pytest.mark.parametrize("language", ["en", "nl"])
def test_date_texts_are_what_the_date_filter_writes(language):
    days = [datetime.date(2026, 1, 2), datetime.date(2026, 12, 31), None]
    with translation.override(language):
        texts = DateTexts()
        for day in [*days, *days]:  # the second time from what it kept
            assert texts(day) == date_filter(day, "SHORT_DATE_FORMAT")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_choice_labels_are_what_get_display_gives(language):
    with translation.override(language):
        labels = choice_labels(Evaluation)
        for value in Evaluation.values:
            entry = InteractionLogEntry(evaluation=value)
            assert labels[value] == entry.get_evaluation_display()


def render(text, path="/contacts/", **context):
    request = RequestFactory().get(path)
    template = Template("{% load lists %}" + text)
    return template.render(Context({"request": request, **context}))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/contacts/?city=Utrecht&page=3",
            '<th scope="col">\n  <a class="link-body-emphasis text-decoration-none" '
            'href="?city=Utrecht&amp;ordering=name">Name &amp; co</a>\n</th>',
        ),
        (
            "/contacts/?ordering=name&page=2",
            '<th scope="col" aria-sort="ascending">\n  <a class="link-body-emphasis '
            'text-decoration-none" href="?ordering=-name">Name &amp; co ▲</a>\n</th>',
        ),
        (
            "/contacts/?ordering=-name",
            '<th scope="col" aria-sort="descending">\n  <a class="link-body-emphasis '
            'text-decoration-none" href="?ordering=name">Name &amp; co ▼</a>\n</th>',
        ),
    ],
)
def test_sort_header_sorts_one_way_then_the_other_keeping_the_filters(path, expected):
    assert render('{% sort_header "name" label %}', path, label="Name & co") == (
        expected
    )


class CityForm(forms.Form):
    city = forms.CharField(label="City <b>", max_length=3)


def test_filter_field_writes_label_widget_and_errors():
    form = CityForm({"city": "Utrecht"})
    form.is_valid()

    html = render("{% filter_field form.city %}", form=form)

    assert html == (
        '<div class="mb-3">\n  <label class="form-label" for="id_city">City &lt;b&gt;'
        '</label>\n  <input type="text" name="city" value="Utrecht" maxlength="3" '
        'required aria-invalid="true" aria-describedby="id_city_error" id="id_city">'
        '\n  <div class="invalid-feedback '
        'd-block">Ensure this value has at most 3 characters (it has 7).</div>\n</div>'
    )
