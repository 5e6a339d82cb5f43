"""The entry and contact search (web.search, issue 19): the same rows on SQLite and
PostgreSQL, a prefix for a short search, and on PostgreSQL trigram indexes that the
search's own SQL can use."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from crm.models import Contact
from interactions.models import InteractionLogEntry
from tests.factories import (
    CompanyFactory,
    InteractionLogEntryFactory,
    PersonFactory,
    SalesUserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    jansen = CompanyFactory(no="XK000101", name="Jansen Installatietechniek")
    visser = PersonFactory(no="XK000102", name="Eva Visser", company=jansen)
    bakker = PersonFactory(no="XK000103", name="Tom Bakker")
    return {
        "call": InteractionLogEntryFactory(
            contact=bakker, description="Telefoongesprek", subject=""
        ),
        "letter": InteractionLogEntryFactory(
            contact=bakker, description="Brief", subject="Het telefoonnummer"
        ),
        "visit": InteractionLogEntryFactory(
            contact=visser, description="Bezoek", subject="Offerte"
        ),
        "jansen": InteractionLogEntryFactory(
            contact=jansen, description="E-mail", subject="Nieuwsbrief"
        ),
    }


def found(queryset, text):
    return set(queryset.search(text).values_list("pk", flat=True))


def keys(rows, *names):
    return {rows[name].pk for name in names}


class TestEntrySearch:
    @pytest.mark.parametrize(
        ("text", "names"),
        [
            # Three characters or more: anywhere in description or subject.
            ("telefoon", ["call", "letter"]),
            ("ESPR", ["call"]),
            ("offer", ["visit"]),
            # The contact's name or number.
            ("visser", ["visit"]),
            ("installatie", ["jansen"]),
            ("XK000103", ["call", "letter"]),
            ("nergens", []),
        ],
    )
    def test_finds_a_part_of_the_description_subject_or_contact(
        self, entries, text, names
    ):
        assert found(InteractionLogEntry.objects, text) == keys(entries, *names)

    @pytest.mark.parametrize(
        ("text", "names"),
        [
            # Shorter: the start of description, subject or contact name only.
            ("te", ["call"]),
            ("He", ["letter"]),
            ("ev", ["visit"]),
            ("ja", ["jansen"]),
            ("ef", []),  # inside "Telefoongesprek": not a start
        ],
    )
    def test_a_short_search_matches_the_start_only(self, entries, text, names):
        assert found(InteractionLogEntry.objects, text) == keys(entries, *names)

    def test_the_entry_list_shows_what_the_search_finds(self, client, entries):
        client.force_login(SalesUserFactory())

        response = client.get(reverse("interactions:entry_list"), {"q": "telefoon"})

        shown = {entry.pk for entry in response.context["object_list"]}
        assert shown == keys(entries, "call", "letter")


class TestContactSearch:
    @pytest.fixture
    def contacts(self):
        acme = CompanyFactory(
            no="XK000201", name="Acme Holding", email="info@acme.example", city="Delft"
        )
        return {
            "acme": acme,
            "piet": PersonFactory(
                no="XK000202",
                name="Piet de Vries",
                company=acme,
                email="piet@vries.example",
                city="Leiden",
            ),
            "globex": CompanyFactory(
                no="XK000203", name="Globex", email="post@globex.example", city="Gouda"
            ),
        }

    @pytest.mark.parametrize(
        ("text", "names"),
        [
            ("XK000203", ["globex"]),
            ("vries", ["piet"]),
            ("globex.example", ["globex"]),
            ("leid", ["piet"]),
            # A company's name also finds its persons.
            ("holding", ["acme", "piet"]),
            ("xyz", []),
        ],
    )
    def test_finds_number_name_email_city_and_company(self, contacts, text, names):
        assert found(Contact.objects, text) == keys(contacts, *names)

    @pytest.mark.parametrize(
        ("text", "names"),
        [
            ("pi", ["piet"]),
            ("go", ["globex"]),
            ("de", ["acme"]),  # Delft, not "Piet de Vries"
            ("ol", []),
        ],
    )
    def test_a_short_search_matches_the_start_only(self, contacts, text, names):
        assert found(Contact.objects, text) == keys(contacts, *names)

    def test_the_contact_list_shows_what_the_search_finds(self, client, contacts):
        client.force_login(SalesUserFactory())

        response = client.get(reverse("crm:contact_list"), {"q": "holding"})

        shown = {contact.pk for contact in response.context["object_list"]}
        assert shown == keys(contacts, "acme", "piet")


# PostgreSQL: the indexes and the plans ---------------------------------------------

TRIGRAM_INDEXES = {
    "crm_contact": {
        "contact_no_trgm": "no",
        "contact_name_trgm": "name",
        "contact_email_trgm": "email",
        "contact_city_trgm": "city",
    },
    "interactions_interactionlogentry": {
        "ile_description_trgm": "description",
        "ile_subject_trgm": "subject",
    },
}


def index_definitions(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
        )
        return dict(cursor.fetchall())


def plan(queryset):
    """EXPLAIN of `queryset`'s rows (as a count reads them: in no order) with
    sequential scans ruled out, so the plan shows whether the indexes can answer
    the search at all: a test table is small enough for the planner to read it
    whole otherwise, and a table without usable indexes still gets a Seq Scan."""
    sql, params = queryset.order_by().query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgresql
class TestPostgresqlIndexes:
    @pytest.mark.parametrize("table", TRIGRAM_INDEXES)
    def test_each_searched_column_has_a_trigram_index_on_its_upper_case(self, table):
        definitions = index_definitions(table)

        for name, column in TRIGRAM_INDEXES[table].items():
            assert name in definitions
            assert "USING gin" in definitions[name]
            assert f"upper(({column})::text) gin_trgm_ops" in definitions[name]

    @pytest.mark.parametrize("text", ["jansen", "ja"])
    def test_the_entry_search_uses_the_indexes(self, entries, text):
        shown = plan(InteractionLogEntry.objects.search(text))

        assert "Seq Scan" not in shown
        for name in (
            "ile_description_trgm",
            "ile_subject_trgm",
            "contact_name_trgm",
            "contact_no_trgm",
            "ile_contact_timeline_idx",
        ):
            assert name in shown

    @pytest.mark.parametrize("text", ["vries", "vr"])
    def test_the_contact_search_uses_the_indexes(self, text):
        CompanyFactory()

        shown = plan(Contact.objects.search(text))

        assert "Seq Scan" not in shown
        for name in TRIGRAM_INDEXES["crm_contact"]:
            assert name in shown
        assert "crm_contact_company_id" in shown
