"""Amounts and whole numbers as people type them (web.amounts), per language: the
same reading on a form field, a list filter and the segment line form, and the
same format wherever an amount is shown."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from interactions.filters import InteractionLogEntryFilter
from interactions.models import InteractionLogEntry, InteractionTemplate
from privacy.models import RetentionPolicy
from segments.forms import SegmentLineForm
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    NumberSeriesFactory,
    SegmentLineFactory,
)
from web.amounts import (
    AmountField,
    WholeNumberField,
    format_amount,
    number_formfield,
    read_number,
)

INVALID = {
    "nl": "Vul een bedrag in zoals 12,50.",
    "en": "Enter an amount such as 12.50.",
}
NEGATIVE = {
    "nl": "Het bedrag kan niet negatief zijn.",
    "en": "The amount cannot be negative.",
}
THIRD_DECIMAL = {
    "nl": "Zorg dat er niet meer dan 2 cijfers achter de komma staan.",
    "en": "Ensure that there are no more than 2 decimal places.",
}

# (typed, language, the Decimal read, or the kind of error). The table.
TABLE = [
    ("12,50", "nl", Decimal("12.50")),
    ("12,50", "en", "invalid"),
    ("1.250,50", "nl", Decimal("1250.50")),
    ("1.250,50", "en", "invalid"),
    ("12.50", "nl", Decimal("12.50")),
    ("12.50", "en", Decimal("12.50")),
    ("1.250", "nl", Decimal("1250")),
    ("1.250", "en", Decimal("1.25")),
    ("1,250.50", "nl", "invalid"),
    ("1,250.50", "en", Decimal("1250.50")),
    ("1250", "nl", Decimal("1250")),
    ("1250", "en", Decimal("1250")),
    ("-5", "nl", "negative"),
    ("-5", "en", "negative"),
    ("1e400", "nl", "invalid"),
    ("1e400", "en", "invalid"),
    ("NaN", "nl", "invalid"),
    ("NaN", "en", "invalid"),
    # A third decimal is refused, never rounded away.
    ("1,255", "nl", "third_decimal"),
    ("1.255", "en", "third_decimal"),
]
ROWS = pytest.mark.parametrize(
    ("typed", "language", "expected"),
    TABLE,
    ids=[f"{language}:{typed}" for typed, language, _ in TABLE],
)


def expected_errors(expected, language, negative=NEGATIVE):
    return {
        "invalid": [INVALID[language]],
        "negative": [negative[language]],
        "third_decimal": [THIRD_DECIMAL[language]],
    }[expected]


class AmountForm(forms.Form):
    amount = AmountField(max_digits=12, decimal_places=2)


@ROWS
def test_the_amount_field_reads_the_table(typed, language, expected):
    with translation.override(language):
        form = AmountForm({"amount": typed})
        valid = form.is_valid()
        errors = [str(error) for error in form.errors.get("amount", [])]
    if isinstance(expected, Decimal):
        assert valid
        assert form.cleaned_data["amount"] == expected
    else:
        assert errors == expected_errors(expected, language)


@ROWS
def test_the_cost_filter_reads_the_table(db, typed, language, expected):
    with translation.override(language):
        filterset = InteractionLogEntryFilter(
            {"cost_from": typed}, queryset=InteractionLogEntry.objects.all()
        )
        valid = filterset.form.is_valid()
        errors = [str(e) for e in filterset.form.errors.get("cost_from", [])]
    if isinstance(expected, Decimal):
        assert valid
        assert filterset.form.cleaned_data["cost_from"] == expected
    else:
        assert errors == expected_errors(expected, language)


SEGMENT_LINE_NEGATIVE = {
    "nl": "De kosten kunnen niet negatief zijn.",
    "en": "The cost cannot be negative.",
}


@ROWS
def test_the_segment_line_form_reads_the_table(db, typed, language, expected):
    line = SegmentLineFactory()
    data = {"template": line.template_id, "cost": typed, "duration": "5"}
    with translation.override(language):
        form = SegmentLineForm(data, instance=line)
        valid = form.is_valid()
        errors = [str(error) for error in form.errors.get("cost", [])]
    if isinstance(expected, Decimal):
        assert valid, form.errors
        assert form.cleaned_data["cost"] == expected
    else:
        # The model's own wording for a negative cost, as the service gives it.
        assert errors == expected_errors(expected, language, SEGMENT_LINE_NEGATIVE)


class WholeForm(forms.Form):
    number = WholeNumberField()


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("1250", "nl", 1250),
        ("1.250", "nl", 1250),
        ("1.250", "en", "Enter a whole number such as 1,250."),
        ("1,250", "en", 1250),
        ("1,250", "nl", "Vul een geheel getal in zoals 1.250."),
        ("12,50", "nl", "Vul een geheel getal in zoals 1.250."),
        ("12.5", "en", "Enter a whole number such as 1,250."),
        ("-5", "nl", "Het getal kan niet negatief zijn."),
        ("-5", "en", "The number cannot be negative."),
        ("1e3", "en", "Enter a whole number such as 1,250."),
        ("NaN", "nl", "Vul een geheel getal in zoals 1.250."),
    ],
)
def test_the_whole_number_field_reads_as_people_type(typed, language, expected):
    with translation.override(language):
        form = WholeForm({"number": typed})
        valid = form.is_valid()
        errors = [str(error) for error in form.errors.get("number", [])]
    if isinstance(expected, int):
        assert valid
        assert form.cleaned_data["number"] == expected
    else:
        assert errors == [expected]


@pytest.mark.parametrize(
    "model_field",
    [
        InteractionLogEntry._meta.get_field("duration"),
        InteractionTemplate._meta.get_field("unit_duration"),
        SegmentLineForm._meta.model._meta.get_field("duration"),
    ],
)
def test_a_duration_is_refused_with_an_example_of_minutes(model_field):
    field = number_formfield(model_field)
    with translation.override("nl"):
        with pytest.raises(ValidationError) as refused:
            field.clean("1,5")
        assert refused.value.messages == ["Vul een geheel getal in zoals 30."]


def test_not_localized_the_field_reads_what_programs_write():
    assert read_number("1.250", localized=False) == Decimal("1.25")
    assert read_number("1250.50", localized=False) == Decimal("1250.5")
    assert read_number("1,250.50", localized=False) is None
    assert read_number("12,50", localized=False) is None


@pytest.mark.parametrize(
    ("language", "shown"), [("nl", "1.250,50"), ("en", "1,250.50")]
)
def test_amounts_are_written_as_the_language_writes_them(language, shown):
    with translation.override(language):
        assert format_amount(Decimal("1250.5")) == shown
        rendered = Template(
            "{% load numbers %}{{ cost|amount }}|{{ minutes|number }}|{{ no }}"
        ).render(Context({"cost": Decimal("1250.5"), "minutes": 1250, "no": 12345}))
    thousand = "." if language == "nl" else ","
    # Entry numbers and other plain integers keep no separator.
    assert rendered == f"{shown}|1{thousand}250|12345"


@pytest.fixture
def big_entry(db):
    template = InteractionTemplateFactory(unit_cost=Decimal("1250.50"))
    return InteractionLogEntryFactory(template=template, cost=Decimal("1250.50"))


@pytest.mark.parametrize(
    ("language", "shown"), [("nl", "1.250,50"), ("en", "1,250.50")]
)
def test_the_entry_list_and_card_show_the_cost_in_the_users_format(
    sales_client, big_entry, language, shown
):
    cell = f'<td class="text-end">{shown}</td>'
    page = sales_client.get(
        reverse("interactions:entry_list"), HTTP_ACCEPT_LANGUAGE=language
    )
    assert cell in page.content.decode()
    card = sales_client.get(big_entry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    assert f'<dd class="col-sm-7">{shown}</dd>' in card.content.decode()


def test_the_cost_filter_finds_the_entries_from_an_amount_typed_in_dutch(
    sales_client, big_entry
):
    cheap = InteractionLogEntryFactory(cost=Decimal("12.50"))
    response = sales_client.get(
        reverse("interactions:entry_list"),
        {"cost_from": "1.000", "cost_to": "1.250,50"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert [entry.pk for entry in response.context["object_list"]] == [big_entry.pk]
    response = sales_client.get(
        reverse("interactions:entry_list"),
        {"cost_to": "12,50"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert [entry.pk for entry in response.context["object_list"]] == [cheap.pk]


def test_a_filter_amount_typed_otherwise_is_an_error_not_a_500(sales_client, db):
    response = sales_client.get(
        reverse("interactions:entry_list"),
        {"cost_from": "12,50"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["filter"].form.errors == {
        "cost_from": ["Enter an amount such as 12.50."]
    }


@pytest.mark.parametrize(
    ("name", "numbers"),
    [
        ("interactions:entry_create", 2),
        ("interactions:template_create", 2),
        ("segments:segment_create", 2),
        ("crm:numberseries_create", 2),
        ("tasks:task_create", 1),
        ("privacy:retention_policy_create", 1),
        ("privacy:retention", 4),
    ],
)
def test_number_inputs_are_text_with_a_keyboard_hint_never_type_number(
    crm_admin_client, marketing_setup, name, numbers
):
    page = crm_admin_client.get(reverse(name)).content.decode()
    assert 'type="number"' not in page
    assert (
        page.count('inputmode="decimal"') + page.count('inputmode="numeric"') == numbers
    )


def test_a_retention_term_typed_in_dutch_is_read_in_dutch(crm_admin_client):
    response = crm_admin_client.post(
        reverse("privacy:retention_policy_create"),
        {"group": InteractionGroupFactory().pk, "action": "delete", "months": "1.200"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 302
    assert RetentionPolicy.objects.get().months == 1200
    response = crm_admin_client.post(
        reverse("privacy:retention_policy_create"),
        {"group": InteractionGroupFactory().pk, "action": "delete", "months": "1,5"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    # The example is a term of months, not a count such as 1.250.
    assert response.context["form"].errors["months"] == [
        "Vul een geheel getal in zoals 6."
    ]


def test_the_other_retention_terms_and_a_tasks_duration_give_examples_that_fit(
    crm_admin_client, marketing_setup
):
    response = crm_admin_client.post(
        reverse("privacy:retention"),
        {
            "canceled_days": "1,5",
            "postponed_days": "x",
            "audit_years": "0,5",
            "file_hours": "2,5",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "canceled_days": ["Vul een geheel getal in zoals 30."],
        "postponed_days": ["Vul een geheel getal in zoals 30."],
        "audit_years": ["Vul een geheel getal in zoals 7."],
        "file_hours": ["Vul een geheel getal in zoals 24."],
    }
    response = crm_admin_client.post(
        reverse("tasks:task_create"),
        {"description": "Bellen", "duration": "1,5"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.context["form"].errors["duration"] == [
        "Vul een geheel getal in zoals 30."
    ]


@pytest.mark.parametrize(
    ("language", "example", "message"),
    [
        ("nl", 6, "Vul een geheel getal in zoals 6."),
        ("nl", 12500, "Vul een geheel getal in zoals 12.500."),
        ("en", 12500, "Enter a whole number such as 12,500."),
    ],
)
def test_a_whole_number_field_names_its_own_example(language, example, message):
    class ExampleForm(forms.Form):
        number = WholeNumberField(example=example)

    with translation.override(language):
        form = ExampleForm({"number": "1,5x"})
        assert not form.is_valid()
        assert form.errors["number"] == [message]


def test_a_template_typed_in_dutch_is_stored_and_shown_back_in_dutch(
    crm_admin_client,
):
    group = InteractionGroupFactory(code="LETTER")
    response = crm_admin_client.post(
        reverse("interactions:template_create"),
        {
            "code": "brief",
            "group": group.pk,
            "description": "Brief",
            "unit_cost": "1.250,50",
            "unit_duration": "1.250",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )
    template = InteractionTemplate.objects.get(code="BRIEF")
    assert (template.unit_cost, template.unit_duration) == (Decimal("1250.50"), 1250)
    assert [str(message) for message in response.context["messages"]] == [
        "Interactiesjabloon BRIEF Brief is gemaakt (kosten per eenheid 1.250,50, "
        "duur per eenheid 1.250 min.)."
    ]
    edit = crm_admin_client.get(
        reverse("interactions:template_update", args=[template.pk]),
        HTTP_ACCEPT_LANGUAGE="nl",
    ).content.decode()
    assert 'name="unit_cost" value="1.250,50" inputmode="decimal"' in edit
    assert 'name="unit_duration" value="1.250" inputmode="numeric"' in edit


def test_a_form_shown_again_keeps_what_was_typed(crm_admin_client):
    group = InteractionGroupFactory(code="LETTER")
    response = crm_admin_client.post(
        reverse("interactions:template_create"),
        {"code": "", "group": group.pk, "unit_cost": "12,50", "unit_duration": "5"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    assert 'name="unit_cost" value="12,50"' in response.content.decode()


def test_the_number_series_counter_is_shown_without_grouping(crm_admin_client):
    series = NumberSeriesFactory(code="INV", next_number=12000)
    page = crm_admin_client.get(
        reverse("crm:numberseries_update", args=[series.pk]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert 'name="next_number" value="12000" inputmode="numeric"' in page


def test_the_admin_reads_amounts_in_the_users_language(admin_client):
    group = InteractionGroupFactory(code="LETTER")
    response = admin_client.post(
        reverse("admin:interactions_interactiontemplate_add"),
        {
            "code": "BRIEF",
            "group": group.pk,
            "description": "Brief",
            "unit_cost": "12,50",
            "unit_duration": "5",
            "languages-TOTAL_FORMS": "0",
            "languages-INITIAL_FORMS": "0",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 302, response.context["errors"]
    assert InteractionTemplate.objects.get().unit_cost == Decimal("12.50")


@pytest.mark.parametrize(
    "name", ["interactions:entry_form_fields", "segments:segment_form_fields"]
)
@pytest.mark.parametrize(("language", "shown"), [("nl", "2,50"), ("en", "2.50")])
def test_choosing_a_template_fills_its_cost_in_the_users_format(
    crm_admin_client, name, language, shown
):
    # What the htmx refresh swaps in on Create interaction and the segment header.
    template = InteractionTemplateFactory(unit_cost=Decimal("2.50"))
    page = crm_admin_client.get(
        reverse(name), {"template": template.pk}, HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert f'value="{shown}" inputmode="decimal"' in page


def test_a_filter_names_its_amount_in_the_users_format(db):
    with translation.override("nl"):
        filterset = InteractionLogEntryFilter(
            {"cost_from": "1.250,5"}, queryset=InteractionLogEntry.objects.all()
        )
        applied = [(str(label), value) for label, value in filterset.applied()]
    assert applied == [("Kosten van", "1.250,50")]
