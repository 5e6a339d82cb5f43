"""Segments from outcomes: the contacts of filtered interaction log entries become a
new segment ("Create segment from these contacts") or join one ("Add contacts from
interactions")."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Contact, NumberSeries
from interactions.models import InteractionLogEntry
from segments import services
from segments.models import Segment, SegmentLine
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 15)
FROM_ENTRIES_URL = reverse("segments:segment_from_entries")
ENTRY_LIST_URL = reverse("interactions:entry_list")


@pytest.fixture
def call():
    return InteractionTemplateFactory(
        code="CALL",
        group=InteractionGroupFactory(code="PHONE"),
        description="Phone call",
        unit_cost=Decimal("1.50"),
        unit_duration=10,
    )


@pytest.fixture
def letter():
    return InteractionTemplateFactory(code="LETTER", description="Letter")


def entry(contact, template, evaluation="negative", date=DAY, **values):
    return InteractionLogEntryFactory(
        contact=contact, template=template, evaluation=evaluation, date=date, **values
    )


@pytest.fixture
def outcomes(call, letter):
    """Negative calls in October with Ada (twice), Bob and Eve (excluded); entries
    that other filters leave out: a positive call, a negative letter, a September
    call and a postponed call."""
    ada, bob, eve = (PersonFactory(name=name) for name in ("Ada", "Bob", "Eve"))
    eve.exclude_from_segment = True
    eve.save()
    entry(ada, call)
    entry(ada, call, date=DAY + datetime.timedelta(days=3))
    entry(bob, call)
    entry(eve, call)
    entry(PersonFactory(name="Positive"), call, evaluation="positive")
    entry(PersonFactory(name="Letter"), letter)
    entry(PersonFactory(name="September"), call, date=datetime.date(2026, 9, 30))
    entry(PersonFactory(name="Draft"), call, postponed=True)
    return {"ada": ada, "bob": bob, "eve": eve}


def negative_calls(call):
    return InteractionLogEntry.objects.visible().filter(
        template=call,
        evaluation="negative",
        date__gte=datetime.date(2026, 10, 1),
        date__lte=datetime.date(2026, 10, 31),
    )


def line_names(segment):
    return set(
        SegmentLine.objects.filter(segment=segment).values_list(
            "contact__name", flat=True
        )
    )


def next_segment_number():
    return NumberSeries.objects.get(code="SEGMENT").next_number


# create_segment_from_entries


def test_create_segment_from_entries_holds_their_distinct_contacts(
    marketing_setup, sales_user, call, salesperson, outcomes
):
    segment, result = services.create_segment_from_entries(
        negative_calls(call),
        user=sales_user,
        description="Call back after a bad call",
        template=call,
        salesperson=salesperson,
    )

    assert result == services.ContactsAdded(added=2, excluded=1, already=0)
    assert segment.no == "SM00001"
    assert segment.description == "Call back after a bad call"
    assert segment.created_by == sales_user
    assert line_names(segment) == {"Ada", "Bob"}
    line = segment.lines.get(contact=outcomes["ada"])
    assert (line.template, line.cost, line.duration) == (call, Decimal("1.50"), 10)
    assert line.salesperson == salesperson


def test_create_segment_from_entries_takes_the_list_querysets_ordering_and_joins(
    marketing_setup, sales_user, call, outcomes
):
    entries = negative_calls(call).for_rows().order_by("-date", "contact__name")

    segment, result = services.create_segment_from_entries(
        entries, user=sales_user, description="Ordered"
    )

    assert result.added == 2
    assert line_names(segment) == {"Ada", "Bob"}


def test_create_segment_from_no_entries_creates_nothing(
    marketing_setup, sales_user, call, outcomes
):
    with pytest.raises(
        ValidationError,
        match=r"^\['No interaction log entries match: there are no contacts to add.'\]",
    ):
        services.create_segment_from_entries(
            negative_calls(call).filter(date__year=2020),
            user=sales_user,
            description="Nothing",
        )

    assert not Segment.objects.exists()
    assert next_segment_number() == 1


def test_create_segment_from_excluded_contacts_only_creates_nothing(
    marketing_setup, sales_user, call, outcomes
):
    only_eve = negative_calls(call).filter(contact=outcomes["eve"])
    with pytest.raises(
        ValidationError,
        match=r"The only contact of these interaction log entries is marked "
        r"“exclude from segment”: there are no contacts to add.",
    ):
        services.create_segment_from_entries(
            only_eve, user=sales_user, description="Eve"
        )

    PersonFactory(name="Zoe", exclude_from_segment=True)
    two = negative_calls(call).filter(contact__name__in=["Eve", "Zoe"])
    entry(Contact.objects.get(name="Zoe"), call)
    with pytest.raises(ValidationError, match=r"All 2 contacts of these interaction"):
        services.create_segment_from_entries(two, user=sales_user, description="Two")

    assert not Segment.objects.exists()


def test_create_segment_from_entries_is_one_transaction(
    marketing_setup, sales_user, call, outcomes, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the INSERT failed")

    monkeypatch.setattr(services.from_entries, "add_contacts", broken)

    with pytest.raises(RuntimeError):
        services.create_segment_from_entries(
            negative_calls(call), user=sales_user, description="Broken"
        )

    assert not Segment.objects.exists()
    assert next_segment_number() == 1


def test_create_segment_from_entries_refuses_header_errors_and_other_querysets(
    marketing_setup, sales_user, call, outcomes
):
    with pytest.raises(ValidationError, match=r"The unit cost cannot be negative."):
        services.create_segment_from_entries(
            negative_calls(call), user=sales_user, unit_cost=Decimal("-1")
        )
    with pytest.raises(TypeError, match=r"queryset of interaction log entries"):
        services.create_segment_from_entries(Contact.objects.all(), user=sales_user)

    assert not Segment.objects.exists()


def test_create_segment_from_entries_runs_in_constant_queries(
    marketing_setup, sales_user, call, django_assert_max_num_queries
):
    entry(PersonFactory(), call)
    with CaptureQueriesContext(connection) as one:
        _segment, result = services.create_segment_from_entries(
            negative_calls(call), user=sales_user, description="One"
        )
    assert result.added == 1
    for contact in PersonFactory.create_batch(50):
        entry(contact, call)
        entry(contact, call, date=DAY + datetime.timedelta(days=1))

    with django_assert_max_num_queries(len(one)):
        _segment, result = services.create_segment_from_entries(
            negative_calls(call), user=sales_user, description="Fifty-one"
        )
    assert result.added == 51


# add_contacts_from_entries


@pytest.fixture
def segment(marketing_setup, sales_user, call):
    return services.create_segment(
        user=sales_user, description="Call again", template=call
    )


def test_add_contacts_from_entries_skips_present_and_excluded_contacts(
    segment, sales_user, call, outcomes
):
    services.add_contacts(segment, [outcomes["ada"]], user=sales_user)

    result = services.add_contacts_from_entries(
        segment, entries=negative_calls(call), user=sales_user
    )

    assert result == services.ContactsAdded(added=1, excluded=1, already=1)
    assert line_names(segment) == {"Ada", "Bob"}
    again = services.add_contacts_from_entries(
        segment, entries=negative_calls(call), user=sales_user
    )
    assert again == services.ContactsAdded(added=0, excluded=1, already=2)


def test_add_contacts_from_entries_of_a_logged_segment_is_refused(
    segment, sales_user, call, outcomes
):
    Segment.objects.filter(pk=segment.pk).delete()

    with pytest.raises(ValidationError, match=r"has already been logged or deleted"):
        services.add_contacts_from_entries(
            segment, entries=negative_calls(call), user=sales_user
        )


def test_add_contacts_from_entries_runs_in_constant_queries(
    segment, sales_user, call, django_assert_max_num_queries
):
    entry(PersonFactory(), call)
    with CaptureQueriesContext(connection) as one:
        result = services.add_contacts_from_entries(
            segment, entries=negative_calls(call), user=sales_user
        )
    assert result.added == 1
    for contact in PersonFactory.create_batch(50):
        entry(contact, call)
        entry(contact, call, date=DAY + datetime.timedelta(days=1))

    with django_assert_max_num_queries(len(one)):
        result = services.add_contacts_from_entries(
            segment, entries=negative_calls(call), user=sales_user
        )
    assert result == services.ContactsAdded(added=50, excluded=0, already=1)


# Create segment from these contacts (the page)

FILTERS = {
    "template": None,  # the call's key, filled in by query()
    "evaluation": "negative",
    "date_from": "2026-10-01",
    "date_to": "2026-10-31",
}


def query(call, **overrides):
    return {**FILTERS, "template": call.pk, **overrides}


def header(description, **values):
    """The header form as the page sends it, nothing changed but these."""
    return {
        "description": description,
        "date": "2026-11-02",
        "salesperson": "",
        "template": "",
        "subject": "",
        "unit_cost": "0",
        "unit_duration": "0",
        "information_flow": "",
        "initiated_by": "",
        "correspondence_type": "",
        **values,
    }


def page_text(response):
    return " ".join(response.content.decode().split())


class TestSegmentFromEntriesPage:
    def test_entry_list_links_to_it_with_its_filters(self, sales_client, call):
        response = sales_client.get(ENTRY_LIST_URL, query(call))

        html = response.content.decode()
        assert "Create segment from these contacts" in html
        link = f'href="{FROM_ENTRIES_URL}?{response.wsgi_request.GET.urlencode()}"'
        assert link.replace("&", "&amp;") in html

    def test_shows_the_filters_and_counts_before_creating(
        self, sales_client, call, outcomes, marketing_setup
    ):
        response = sales_client.get(FROM_ENTRIES_URL, query(call))

        assert response.status_code == 200
        assert response.context["preview"] == {
            "entries": 4,
            "matching": 3,
            "already": 0,
            "excluded": 1,
            "blocked": 0,
            "to_add": 2,
        }
        text = page_text(response)
        assert "4 interaction log entries match, with 3 different contacts; " in text
        assert "1 is excluded." in text
        assert "Create segment with 2 contacts" in text
        applied = dict(response.context["entry_filter"].applied())
        assert applied == {
            "Template": "CALL Phone call",
            "From": "10/01/2026",
            "To": "10/31/2026",
            "Evaluation": "Negative",
        }
        assert not Segment.objects.exists()

    def test_confirm_creates_the_segment_and_opens_it(
        self, sales_client, call, outcomes, marketing_setup, salesperson
    ):
        response = sales_client.post(
            f"{FROM_ENTRIES_URL}?template={call.pk}&evaluation=negative"
            "&date_from=2026-10-01&date_to=2026-10-31&ordering=-date&page=2",
            header("Call back", template=call.pk),
            follow=True,
        )

        segment = Segment.objects.get()
        assert response.redirect_chain == [(segment.get_absolute_url(), 302)]
        assert line_names(segment) == {"Ada", "Bob"}
        assert segment.template == call
        assert segment.unit_cost == Decimal("1.50")
        assert (
            "Segment SM00001 has been created with 2 contacts. 1 contact marked "
            "“exclude from segment” was skipped."
        ) in page_text(response)

    def test_missing_description_is_a_form_error(
        self, sales_client, call, outcomes, marketing_setup
    ):
        response = sales_client.post(
            f"{FROM_ENTRIES_URL}?evaluation=negative", header("")
        )

        assert response.status_code == 400
        assert response.context["form"].errors["description"]
        assert not Segment.objects.exists()

    @pytest.mark.parametrize(
        "bad",
        [
            {"template": "999999"},
            {"date_from": "last month"},
            {"evaluation": "awful"},
            {"canceled": "maybe", "salesperson": "x"},
        ],
    )
    def test_bad_filters_are_shown_and_create_nothing(
        self, sales_client, call, outcomes, marketing_setup, bad
    ):
        response = sales_client.get(FROM_ENTRIES_URL, bad)

        assert response.status_code == 200
        assert response.context["preview"] is None
        assert "The interaction log entry filters are not valid." in page_text(response)
        assert 'id="segment-form"' not in response.content.decode()

        response = sales_client.post(
            f"{FROM_ENTRIES_URL}?{response.wsgi_request.GET.urlencode()}",
            header("Bad"),
        )
        assert response.status_code == 400
        assert response.context["form"].non_field_errors() == [
            "The interaction log entry filters are not valid."
        ]
        assert not Segment.objects.exists()

    def test_no_matching_entries_says_so_and_creates_nothing(
        self, sales_client, call, outcomes, marketing_setup
    ):
        response = sales_client.get(FROM_ENTRIES_URL, query(call, date_to="2026-01-31"))

        text = page_text(response)
        assert "0 interaction log entries match, with 0 different contacts" in text
        assert "There are no contacts to add" in text
        assert 'id="segment-form"' not in response.content.decode()

        response = sales_client.post(
            f"{FROM_ENTRIES_URL}?{response.wsgi_request.GET.urlencode()}",
            header("Nothing"),
        )
        assert response.status_code == 400
        assert "No interaction log entries match: there are no contacts to add." in (
            page_text(response)
        )
        assert not Segment.objects.exists()

    def test_postponed_entries_do_not_count(
        self, sales_client, call, outcomes, marketing_setup
    ):
        response = sales_client.get(FROM_ENTRIES_URL, {"q": "", "template": call.pk})

        # Every visible call: Ada twice, Bob, Eve, Positive, September; not the draft.
        assert response.context["preview"]["entries"] == 6
        assert response.context["preview"]["matching"] == 5

    def test_needs_the_segment_permissions(self, client, call):
        viewer = UserFactory(groups=[])
        viewer.user_permissions.add(
            *Permission.objects.filter(codename="view_interactionlogentry")
        )
        client.force_login(viewer)

        assert client.get(FROM_ENTRIES_URL).status_code == 403
        assert "Create segment from these contacts" not in (
            client.get(ENTRY_LIST_URL).content.decode()
        )

    def test_query_count_does_not_grow_with_entries_or_contacts(
        self, sales_client, call, marketing_setup, django_assert_max_num_queries
    ):
        entry(PersonFactory(), call)
        with CaptureQueriesContext(connection) as get_one:
            sales_client.get(FROM_ENTRIES_URL, query(call))
        with CaptureQueriesContext(connection) as post_one:
            sales_client.post(f"{FROM_ENTRIES_URL}?template={call.pk}", header("One"))
        for contact in PersonFactory.create_batch(30):
            entry(contact, call)
            entry(contact, call)

        with django_assert_max_num_queries(len(get_one)):
            response = sales_client.get(FROM_ENTRIES_URL, query(call))
        assert response.context["preview"]["to_add"] == 31
        with django_assert_max_num_queries(len(post_one)):
            sales_client.post(f"{FROM_ENTRIES_URL}?template={call.pk}", header("Many"))
        assert Segment.objects.get(description="Many").lines.count() == 31


# Add contacts from interactions (the page)


def add_url(segment):
    return reverse("segments:add_contacts_from_entries", args=[segment.no])


class TestAddContactsFromInteractionsPage:
    def test_segment_card_links_to_it(self, sales_client, segment):
        response = sales_client.get(segment.get_absolute_url())

        assert f'href="{add_url(segment)}"' in response.content.decode()
        assert "Add contacts from interactions" in response.content.decode()

    def test_preview_counts_entries_contacts_present_and_excluded(
        self, sales_client, segment, call, outcomes, sales_user
    ):
        services.add_contacts(segment, [outcomes["bob"]], user=sales_user)

        response = sales_client.get(add_url(segment), query(call))

        assert response.context["preview"] == {
            "entries": 4,
            "matching": 3,
            "already": 1,
            "excluded": 1,
            "blocked": 0,
            "to_add": 1,
        }
        assert (
            "4 interaction log entries match, with 3 different contacts; 1 is "
            "already in the segment; 1 is excluded."
        ) in page_text(response)
        assert "Add 1 contact" in page_text(response)

    @pytest.mark.parametrize("ordering", ["-date", "0", "no-such-column"])
    def test_the_lists_sort_order_changes_nothing(
        self, sales_client, segment, call, outcomes, ordering
    ):
        # The entry list's links carry its sort order; one it could not read must
        # not make the filters invalid here, where no list is sorted.
        response = sales_client.get(add_url(segment), query(call, ordering=ordering))

        assert response.context["preview"]["matching"] == 3

    def test_htmx_gets_only_the_preview(self, sales_client, segment, call):
        response = sales_client.get(
            add_url(segment), query(call), HTTP_HX_REQUEST="true"
        )

        assert response.templates[0].name == "segments/partials/entries_preview.html"

    def test_post_adds_the_contacts_of_the_matching_entries(
        self, sales_client, segment, call, outcomes, sales_user
    ):
        services.add_contacts(segment, [outcomes["bob"]], user=sales_user)

        response = sales_client.post(
            add_url(segment),
            {"query": f"template={call.pk}&evaluation=negative&date_from=2026-10-01"},
            follow=True,
        )

        assert response.redirect_chain == [(segment.get_absolute_url(), 302)]
        assert line_names(segment) == {"Ada", "Bob"}
        assert (
            "1 contact added to segment SM00001. 1 contact marked “exclude from "
            "segment” was skipped. 1 contact was already in the segment."
        ) in page_text(response)

    def test_bad_filters_add_nothing(self, sales_client, segment, call, outcomes):
        response = sales_client.get(add_url(segment), {"date_from": "soon"})
        assert response.status_code == 200
        assert response.context["preview"] is None
        assert "Enter a valid date." in page_text(response)

        response = sales_client.post(
            add_url(segment), {"query": "template=nope"}, follow=True
        )
        assert response.status_code == 200
        assert "The interaction log entry filters are not valid." in (
            page_text(response)
        )
        assert not segment.lines.exists()

    def test_needs_the_permission_to_view_interactions(self, client, segment):
        user = UserFactory(groups=[])
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_segment", "change_segment"])
        )
        client.force_login(user)

        assert client.get(add_url(segment)).status_code == 403
        assert "Add contacts from interactions" not in (
            client.get(segment.get_absolute_url()).content.decode()
        )

    def test_preview_and_post_query_counts_do_not_grow(
        self, sales_client, segment, call, django_assert_max_num_queries
    ):
        entry(PersonFactory(), call)
        with CaptureQueriesContext(connection) as get_one:
            sales_client.get(add_url(segment), query(call), HTTP_HX_REQUEST="true")
        with CaptureQueriesContext(connection) as post_one:
            sales_client.post(add_url(segment), {"query": f"template={call.pk}"})
        for contact in PersonFactory.create_batch(30):
            entry(contact, call)
            entry(contact, call)

        with django_assert_max_num_queries(len(get_one)):
            sales_client.get(add_url(segment), query(call), HTTP_HX_REQUEST="true")
        with django_assert_max_num_queries(len(post_one)):
            sales_client.post(add_url(segment), {"query": f"template={call.pk}"})
        assert segment.lines.count() == 31
