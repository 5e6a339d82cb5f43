"""The admin's change lists of big tables count at most 10,000 rows and cost the
same queries whatever their length (issue 19)."""

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin, ModelAdmin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Contact
from tests.factories import (
    AuditRecordFactory,
    CompanyFactory,
    InteractionLogEntryFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SegmentFactory,
    SegmentLineFactory,
)
from web.pagination import CappedCountPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 5)


def paginator(per_page=2):
    return CappedCountPaginator(Contact.objects.order_by("no"), per_page)


class TestCappedCountPaginator:
    def test_counts_exactly_up_to_the_cap(self, small_cap):
        CompanyFactory.create_batch(5)

        pages = paginator()

        assert (pages.count, pages.capped, pages.num_pages) == (5, False, 3)

    def test_stops_counting_one_row_past_the_cap(self, small_cap):
        CompanyFactory.create_batch(9)

        with CaptureQueriesContext(connection) as queries:
            pages = paginator()
            assert (pages.count, pages.capped) == (5, True)

        # Counting reads at most cap + 1 rows, whatever the table holds.
        assert len(queries) == 1
        assert "LIMIT 6" in queries[0]["sql"]

    def test_pages_reach_the_cap(self, small_cap):
        CompanyFactory.create_batch(9)
        numbers = list(Contact.objects.order_by("no").values_list("no", flat=True))

        pages = paginator()

        assert pages.num_pages == 3
        assert [c.no for c in pages.page(3).object_list] == numbers[4:5]
        assert pages.page(3).has_next() is False

    def test_a_list_without_a_query_is_counted_as_django_does(self):
        pages = CappedCountPaginator(list(range(7)), 2)

        assert (pages.count, pages.capped) == (7, False)


# Admin change list → a factory adding one row to it.
CHANGE_LISTS = {
    "interactions_interactionlogentry": InteractionLogEntryFactory,
    "crm_contact": CompanyFactory,
    "segments_segment": SegmentFactory,
    "segments_segmentline": SegmentLineFactory,
    "segments_loggedsegment": LoggedSegmentFactory,
    "audit_auditrecord": AuditRecordFactory,
}


@pytest.mark.parametrize("model", CHANGE_LISTS)
def test_a_long_change_list_says_more_than_the_cap_without_counting_the_table(
    admin_client, small_cap, model
):
    CHANGE_LISTS[model].create_batch(7)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "more than 5" in page
    assert "Select all 5" not in page
    if response.context["action_form"]:
        assert "Select all" in page
    counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"].upper()]
    assert counts
    assert all("LIMIT 6" in sql for sql in counts)


def test_a_long_search_says_more_than_the_cap_results(admin_client, small_cap):
    for number in range(7):
        CompanyFactory(name=f"Acme {number}")
    CompanyFactory(name="Globex")

    response = admin_client.get(reverse("admin:crm_contact_changelist"), {"q": "acme"})

    assert [c.name for c in response.context["cl"].result_list][:1] == ["Acme 0"]
    assert "more than 5 results" in response.content.decode()


@pytest.mark.parametrize("model", CHANGE_LISTS)
def test_a_short_change_list_shows_its_count(admin_client, model):
    CHANGE_LISTS[model].create_batch(2)

    response = admin_client.get(reverse(f"admin:{model}_changelist"))

    assert response.context["cl"].result_count == 2
    assert "more than" not in response.content.decode()


@pytest.mark.parametrize("model", CHANGE_LISTS)
def test_change_list_query_count_does_not_grow_with_rows(admin_client, model):
    url = reverse(f"admin:{model}_changelist")
    CHANGE_LISTS[model].create_batch(2)
    admin_client.get(url)  # the session and content types, once
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    CHANGE_LISTS[model].create_batch(20)

    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few)


# Search, widgets and date filters that do not read a whole table ------------------

OUR_APPS = ("audit", "crm", "interactions", "jobs", "segments", "tasks", "privacy")


def admins_and_inlines():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        yield model_admin
        yield from (inline(model, admin.site) for inline in model_admin.inlines)


def read_only(model_admin, request, name):
    """Whether `name` is never a field the user fills in: the admin neither adds
    nor changes, or shows it read-only on the add and the change form alike."""
    if isinstance(model_admin, InlineModelAdmin):
        adds = model_admin.has_add_permission(request, None)
    else:
        adds = model_admin.has_add_permission(request)
    if not adds and not model_admin.has_change_permission(request):
        return True
    return all(
        name in model_admin.get_readonly_fields(request, obj)
        for obj in (None, model_admin.model())
    )


def test_every_foreign_key_is_chosen_by_autocomplete_or_raw_id(rf, admin_user):
    # A plain <select> lists every row of the target: 100,000 contacts.
    request = rf.get("/")
    request.user = admin_user
    plain = [
        f"{model_admin.model._meta.label}.{field.name}"
        for model_admin in admins_and_inlines()
        for field in model_admin.model._meta.get_fields()
        if (field.many_to_one or field.one_to_one or field.many_to_many)
        and field.concrete
        and field.editable
        and field.name not in model_admin.autocomplete_fields
        and field.name not in model_admin.raw_id_fields
        and not read_only(model_admin, request, field.name)
    ]

    assert plain == []


@pytest.mark.parametrize("model", CHANGE_LISTS)
def test_a_big_change_list_has_no_date_hierarchy_or_full_count(model):
    # A date hierarchy lists the years or days of every row.
    model_admin = next(
        model_admin
        for registered, model_admin in admin.site._registry.items()
        if f"{registered._meta.app_label}_{registered._meta.model_name}" == model
    )

    assert model_admin.date_hierarchy is None
    assert model_admin.show_full_result_count is False
    assert model_admin.list_per_page == 50


@pytest.fixture
def searched_entries():
    visser = PersonFactory(no="XK000301", name="Eva Visser")
    bakker = PersonFactory(no="XK000302", name="Tom Bakker")
    return {
        "visser": InteractionLogEntryFactory(contact=visser, description="Bezoek"),
        "call": InteractionLogEntryFactory(
            contact=bakker, description="Telefoongesprek"
        ),
        "postponed": InteractionLogEntryFactory(
            contact=bakker, description="Terugbellen", postponed=True
        ),
    }


@pytest.mark.parametrize(
    ("term", "names"),
    [
        ("visser", ["visser"]),
        ("XK000301", ["visser"]),
        ("gesprek", ["call"]),
        ("te", ["call", "postponed"]),  # short: the start only
        ("eva bezoek", ["visser"]),  # every word
        ('"eva visser"', ["visser"]),
        ("nergens", []),
    ],
)
def test_the_entry_admin_searches_as_the_entry_list(
    admin_client, searched_entries, term, names
):
    url = reverse("admin:interactions_interactionlogentry_changelist")

    response = admin_client.get(url, {"q": term})

    found = {entry.pk for entry in response.context["cl"].result_list}
    assert found == {searched_entries[name].pk for name in names}


@pytest.mark.parametrize(
    ("term", "names"),
    [("vries", ["piet"]), ("holding", ["acme", "piet"]), ("gl", ["globex"])],
)
def test_the_contact_admin_searches_as_the_contact_list(admin_client, term, names):
    acme = CompanyFactory(name="Acme Holding", city="Delft")
    rows = {
        "acme": acme,
        "piet": PersonFactory(name="Piet de Vries", company=acme, city="Delft"),
        "globex": CompanyFactory(name="Globex", city="Delft"),
    }

    response = admin_client.get(reverse("admin:crm_contact_changelist"), {"q": term})

    found = {contact.pk for contact in response.context["cl"].result_list}
    assert found == {rows[name].pk for name in names}


def test_a_contact_autocomplete_searches_as_the_contact_list(admin_client):
    eva = PersonFactory(name="Eva Visser", company=None)
    PersonFactory(name="Anna Eversen", company=None)

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "segments",
            "model_name": "segmentline",
            "field_name": "contact",
            "term": "ev",
        },
    )

    assert [row["id"] for row in response.json()["results"]] == [str(eva.pk)]


@pytest.mark.parametrize(
    ("model", "term"),
    [
        ("interactions_interactionlogentry", "sent"),
        ("crm_contact", "amsterdam"),
        ("segments_segmentline", "SG"),
    ],
)
def test_a_change_list_search_costs_the_same_queries_whatever_it_finds(
    admin_client, model, term
):
    url = reverse(f"admin:{model}_changelist")
    CHANGE_LISTS[model].create_batch(2)
    admin_client.get(url, {"q": term})  # the session and content types, once
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url, {"q": term})
    CHANGE_LISTS[model].create_batch(20)

    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url, {"q": term})

    assert response.context["cl"].result_count == 22
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("term", "names"),
    [
        ("XS00001", ["spring"]),
        ("visser", ["eva"]),
        ("najaar", ["autumn"]),
        ("ev", ["eva"]),  # short: the start only
    ],
)
def test_the_segment_line_admin_searches_segment_contact_and_description(
    admin_client, term, names
):
    spring = SegmentFactory(no="XS00001", description="Voorjaar")
    autumn = SegmentFactory(no="XS00002", description="Najaarsmailing")
    rows = {
        "spring": SegmentLineFactory(
            segment=spring, contact=PersonFactory(name="Tom Bakker", company=None)
        ),
        "eva": SegmentLineFactory(
            segment=autumn,
            contact=PersonFactory(name="Eva Visser", company=None),
            description="Brochure",
        ),
        "autumn": SegmentLineFactory(
            segment=autumn, contact=PersonFactory(name="Ada Smit", company=None)
        ),
    }
    url = reverse("admin:segments_segmentline_changelist")

    response = admin_client.get(url, {"q": term})

    found = {line.pk for line in response.context["cl"].result_list}
    assert found == {rows[name].pk for name in names}


@pytest.mark.parametrize("model", CHANGE_LISTS)
def test_the_row_checkbox_is_djangos_own_markup(model):
    # Written without a template per row, it must still be what the admin's
    # "select all" script and the actions form read.
    row = CHANGE_LISTS[model]()
    model_admin = admin.site._registry[type(row)]

    assert model_admin.action_checkbox(row) == ModelAdmin.action_checkbox(
        model_admin, row
    )
