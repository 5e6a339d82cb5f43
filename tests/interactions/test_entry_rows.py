"""The rows of the entry, postponed and contact lists, built once a page by the row
filters (interactions.templatetags.entry_rows, crm.templatetags.contact_rows),
print every cell as the per-cell template did (issue 19)."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import translation

from tests.factories import InteractionLogEntryFactory, PersonFactory

pytestmark = pytest.mark.django_db


def rows(template, **context):
    return Template(f'{{% include "{template}" %}}').render(Context(context))


def test_an_entry_row_prints_every_cell_in_dutch(sales_user):
    entry = InteractionLogEntryFactory(
        time=datetime.time(9, 5),
        canceled=True,
        attempt_failed=True,
        cost=Decimal("1250.50"),
        duration=1250,
        evaluation="positive",
        delivery_status="error",
        delivery_error="Mailbox <full>",
        contact__name="Anna O'Brien",
        salesperson__name="Piet Jansen",
    )
    entry.attachment.name = "letter.pdf"
    contact, template = entry.contact, entry.template

    with translation.override("nl"):
        html = rows(
            "interactions/partials/entry_rows.html", entries=[entry], selectable=True
        )
        day = date_filter(entry.date, "SHORT_DATE_FORMAT")

    detail = reverse("interactions:entry_detail", args=[entry.pk])
    assert '<tr class="text-body-secondary">' in html
    assert (
        f'value="{entry.pk}" form="bulk-form" aria-label="Post {entry.pk} selecteren"'
    ) in html
    assert f'<a href="{detail}">{entry.pk}</a>' in html
    assert f'{day} <span class="text-body-secondary small">09:05</span>' in html
    assert (
        f'<a class="link-body-emphasis" href="{contact.get_absolute_url()}">'
        "Anna O&#x27;Brien</a>"
    ) in html
    assert f'<span title="{template.description}">{template.code}</span>' in html
    assert '<span class="badge text-bg-warning">Geannuleerd</span>' in html
    assert "📎" in html
    assert (
        f'<span title="{entry.salesperson.name}">{entry.salesperson.code}</span>'
    ) in html
    assert "<td>Positief</td>" in html
    assert '<td class="text-end">1.250,50</td>' in html
    assert '<td class="text-end">1.250</td>' in html
    assert (
        '<span class="badge text-bg-danger" title="Mailbox &lt;full&gt;">Fout</span>'
    ) in html


@pytest.mark.parametrize(
    ("status", "badge"),
    [
        ("sent", '<span class="badge text-bg-success">Sent</span>'),
        ("in_progress", '<span class="badge text-bg-info">In progress</span>'),
        ("", "<td></td>\n</tr>"),
    ],
)
def test_an_entry_row_shows_its_delivery(status, badge):
    entry = InteractionLogEntryFactory(delivery_status=status, salesperson=None)

    html = rows("interactions/partials/entry_rows.html", entries=[entry])

    assert badge in html
    assert "checkbox" not in html
    assert "<td></td>\n  <td>—</td>" in html  # no salesperson, no evaluation


def test_a_postponed_row_names_who_postponed_it_and_links_resume(sales_user):
    sales_user.first_name, sales_user.last_name = "Anna", "de Vries"
    entry = InteractionLogEntryFactory(postponed=True, created_by=sales_user)

    html = Template(
        "{% load entry_rows %}{% for row in entries|postponed_rows %}"
        "{{ row.created_by }}"
        "{{ row.resume_url }} {{ row.contact_url }}{% endfor %}"
    ).render(Context({"entries": [entry]}))

    assert f'<span title="{sales_user.username}">Anna de Vries</span>' in html
    assert reverse("interactions:entry_resume", args=[entry.pk]) in html
    assert entry.contact.get_absolute_url() in html


def test_a_contact_row_links_the_contact_and_its_company():
    person = PersonFactory(salesperson=None, company__name="Jansen & Zonen")

    with translation.override("nl"):
        html = Template(
            "{% load contact_rows %}{% for row in contacts|contact_rows %}"
            "{{ row.url }} {{ row.company_url }} {{ row.company_name }} "
            "{{ row.type_label }} {{ row.salesperson }}{% endfor %}"
        ).render(Context({"contacts": [person]}))

    company = person.company
    assert html == (
        f"{person.get_absolute_url()} {company.get_absolute_url()} "
        "Jansen &amp; Zonen Persoon False"
    )


def test_the_entry_page_names_who_logged_it_without_a_space_before_the_comma(
    sales_client, sales_user
):
    sales_user.first_name, sales_user.last_name = "Anna", "Visser"
    sales_user.save()
    entry = InteractionLogEntryFactory(created_by=sales_user)
    page = sales_client.get(
        reverse("interactions:entry_detail", args=[entry.pk])
    ).content.decode()
    assert '<span title="sales">Anna Visser</span>, ' in page
