"""The timeline on the contact card: the page, its htmx updates and its query count."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions import services
from interactions.models import InteractionLogEntry
from interactions.selectors import TIMELINE_PAGE_SIZE
from segments import services as segment_services
from tests.factories import (
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 16)
HTMX = {"HX-Request": "true", "HX-Target": "timeline-stream"}


@pytest.fixture
def person(company):
    return PersonFactory(no="CT00002", name="Sanne de Vries", company=company)


def log(contact, template, user, **values):
    values.setdefault("date", DAY)
    return services.create_interaction(
        contact=contact, template=template, user=user, **values
    )


def log_segment(contacts, template, user, *, description="Spring mailing"):
    segment = segment_services.create_segment(
        user=user,
        description=description,
        template=template,
        salesperson=SalespersonFactory(),
        date=DAY,
    )
    segment_services.add_contacts(segment, contacts, user=user)
    return segment_services.log_segment(segment, user=user)[0]


def link(content, rel):
    """The query of the timeline's page link with `rel` ("next": Older)."""
    found = re.search(rf'href="(\?[^"]*)#timeline" rel="{rel}"', content)
    return html.unescape(found.group(1)) if found else None


def items(response):
    return [entry.pk for entry in response.context["timeline"].items]


def test_card_shows_entries_postponed_ones_and_logged_segments_in_one_stream(
    sales_client,
    marketing_setup,
    company,
    person,
    call,
    letter,
    sales_user,
    salesperson,
):
    called = log(person, call, sales_user, time=datetime.time(9), evaluation="positive")
    services.set_canceled([called], True, user=sales_user)
    postponed = services.postpone_interaction(
        contact=person, user=sales_user, description="Call back", date=DAY
    )
    log_segment([company, person, PersonFactory(company=company)], letter, sales_user)

    content = sales_client.get(company.get_absolute_url()).content.decode()

    stream = content[content.index('id="timeline-stream"') :]
    assert stream.count("<tr") == 4  # the header row and three items
    entries = reverse("interactions:entry_list")
    assert (
        f'<a href="{entries}?segment_no=SM00001&amp;company=CT00001">'
        "Logged segment SM00001 — Spring mailing</a>"
    ) in stream
    assert "3 contacts" in stream
    assert '<span class="badge text-bg-info">Postponed</span>' in stream
    resume = reverse("interactions:entry_resume", args=[postponed.pk])
    assert f'href="{resume}?next=' in stream
    assert '<span class="badge text-bg-warning">Canceled</span>' in stream
    assert f'href="{called.get_absolute_url()}">Phone call</a>' in stream
    assert "Positive" in stream
    # The person's card: its own entry of the segment, and no contact column.
    person_content = sales_client.get(person.get_absolute_url()).content.decode()
    assert "?segment_no=SM00001&amp;contact=CT00002" in person_content
    assert "3 contacts" not in person_content


def test_a_contact_without_interactions_says_so(sales_client, person):
    content = sales_client.get(person.get_absolute_url()).content.decode()

    assert "No interactions have been logged yet." in content
    assert 'rel="next"' not in content


def test_filters_work_without_javascript_and_keep_their_values(
    sales_client, person, call, letter, sales_user, salesperson
):
    log(person, call, sales_user)
    written = log(person, letter, sales_user, evaluation="negative")

    response = sales_client.get(
        person.get_absolute_url(), {"template": letter.pk, "evaluation": "negative"}
    )

    assert items(response) == [written.pk]
    content = response.content.decode()
    assert "<html" in content
    assert f'value="{letter.code} \N{EN DASH} {letter.description}"' in content
    assert '<option value="negative" selected>' in content
    nothing = sales_client.get(person.get_absolute_url(), {"evaluation": "positive"})
    assert "No interactions match these filters." in nothing.content.decode()


def test_htmx_gets_the_stream_alone(
    sales_client, person, call, letter, sales_user, salesperson
):
    called = log(person, call, sales_user)
    log(person, letter, sales_user)

    response = sales_client.get(
        person.get_absolute_url(), {"template": call.pk}, headers=HTMX
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="timeline-stream"')
    assert "<html" not in content
    assert "Statistics" not in content
    assert items(response) == [called.pk]
    assert "HX-Target" in response["Vary"]


def test_three_hundred_entries_page_by_page_with_the_older_and_newer_links(
    sales_client, company, person, call, salesperson
):
    InteractionLogEntry.objects.bulk_create(
        InteractionLogEntry(
            contact=person,
            contact_company=company,
            template=call,
            group=call.group,
            salesperson=salesperson,
            description=f"Call {n}",
            date=DAY - datetime.timedelta(days=n // 7),
            time=None if n % 5 == 0 else datetime.time(8 + n % 9),
        )
        for n in range(300)
    )
    expected = list(
        InteractionLogEntry.objects.for_contact(company)
        .timeline()
        .values_list("pk", flat=True)
    )

    seen, pages, query = [], [], ""
    while query is not None:
        response = sales_client.get(f"{company.get_absolute_url()}{query}")
        pages.append(items(response))
        seen.extend(pages[-1])
        query = link(response.content.decode(), "next")
    assert seen == expected
    assert [len(page) for page in pages] == [TIMELINE_PAGE_SIZE] * 12

    # Newer from the last page leads back through the same pages.
    for page in pages[-2::-1]:
        newer = link(response.content.decode(), "prev")
        response = sales_client.get(
            f"{company.get_absolute_url()}{newer}", headers=HTMX
        )
        assert items(response) == page
    assert link(response.content.decode(), "prev") is None


@pytest.mark.parametrize("card", ["company", "person"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_query_count_does_not_grow_with_entries_postponed_ones_or_segments(
    sales_client,
    marketing_setup,
    company,
    person,
    call,
    sales_user,
    salesperson,
    card,
    headers,
    django_assert_max_num_queries,
):
    url = (company if card == "company" else person).get_absolute_url()

    def add_history():
        other = PersonFactory(company=company)
        log(person, call, sales_user, evaluation="positive")
        log(other, call, sales_user)
        services.postpone_interaction(contact=person, user=sales_user, date=DAY)
        log_segment([company, person, other], call, sales_user)

    add_history()
    with CaptureQueriesContext(connection) as one:
        sales_client.get(url, {"evaluation": "positive"}, headers=headers)
    for _ in range(25):
        add_history()

    with django_assert_max_num_queries(len(one)):
        response = sales_client.get(url, {"evaluation": "positive"}, headers=headers)
    assert len(response.context["timeline"].items) == TIMELINE_PAGE_SIZE
    with django_assert_max_num_queries(len(one)):
        older = sales_client.get(
            f"{url}{link(response.content.decode(), 'next')}", headers=headers
        )
    assert len(older.context["timeline"].items) == 1


@pytest.mark.parametrize(
    "query",
    [
        "template=abc",
        "group=-1",
        "evaluation=superb",
        "salesperson=1e3",
        "canceled=perhaps",
        "template=%00",
        "older=2026-03-16__99999999999999999999999",
        "newer=2026-03-16_09:00_-99999999999999999999999",
        "older=9999-12-31__1",
        "newer=0001-01-01__1",
        "older=garbage&newer=garbage",
        "older=2026-03-16_10:42:00%2B05:00_1",
        "newer=2026-03-16_10:42:00Z_1",
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_bad_filter_or_position_values_never_give_a_500(
    sales_client, person, call, sales_user, salesperson, query, headers
):
    log(person, call, sales_user)

    response = sales_client.get(f"{person.get_absolute_url()}?{query}", headers=headers)

    assert response.status_code == 200


def test_a_bad_filter_value_is_shown_next_to_its_field(sales_client, person):
    response = sales_client.get(person.get_absolute_url(), {"template": "abc"})

    assert (
        "No interaction template found with code or description “abc”."
        in response.content.decode()
    )


def test_htmx_without_the_permission_is_403(client, person):
    client.force_login(UserFactory())

    response = client.get(person.get_absolute_url(), headers=HTMX)

    assert response.status_code == 403
