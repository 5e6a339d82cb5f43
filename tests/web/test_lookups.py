"""The lookups: the JSON endpoints (/lookup/…/) and the form field behind every field
that chooses a contact, salesperson, template, group or logged segment."""

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.urls import reverse

from crm.lookups import ContactField, SalespersonField
from crm.models import Contact
from dashboard.forms import DashboardForm
from interactions.filters import InteractionLogEntryFilter
from interactions.forms import DeleteCanceledForm
from interactions.lookups import GroupField, LoggedSegmentField, TemplateField
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
    SegmentFactory,
    SegmentLineFactory,
    UserFactory,
    factory_name,
)

CONTACTS = reverse("lookup:contacts")
SALESPEOPLE = reverse("lookup:salespeople")
TEMPLATES = reverse("lookup:templates")
GROUPS = reverse("lookup:groups")
LOGGED_SEGMENTS = reverse("lookup:logged_segments")


def found(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return response.json()


def values(answer):
    return [row["value"] for row in answer["results"]]


@pytest.fixture
def jansen(db):
    company = CompanyFactory(
        no="CT00010", name="Jansen Logistiek BV", city="Zwolle", email="info@jl.nl"
    )
    return company


@pytest.fixture
def people(jansen):
    return {
        "piet": PersonFactory(
            no="CT00011", name="Piet de Vries", company=jansen, city="Zwolle"
        ),
        "anna": PersonFactory(
            no="CT00012",
            name="Anna Jansen",
            company=CompanyFactory(no="CT00020", name="Visser BV", city="Gent"),
            city="Gent",
            email="anna@visser.be",
        ),
        "emma": PersonFactory(
            no="CT00013", name="Emma Bakker", company=None, city="Utrecht"
        ),
    }


class TestContactEndpoint:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            # Part of the name, of the company's name (its persons too), a city,
            # an e-mail address and a number; ordered by name.
            ("jans", ["CT00012", "CT00010", "CT00011"]),
            ("logistiek", ["CT00010", "CT00011"]),
            ("gent", ["CT00012", "CT00020"]),
            ("visser.be", ["CT00012"]),
            ("00013", ["CT00013"]),
            # Under three characters: the start of the number or the name only,
            # in number order.
            ("em", ["CT00013"]),
            ("ct", ["CT00010", "CT00011", "CT00012", "CT00013", "CT00020"]),
            ("es", []),
        ],
    )
    def test_finds_by_name_company_city_email_and_number(
        self, sales_client, people, typed, expected
    ):
        assert values(found(sales_client, CONTACTS, q=typed)) == expected

    def test_a_row_names_number_name_company_and_city(self, sales_client, people):
        answer = found(sales_client, CONTACTS, q="piet")

        assert answer == {
            "results": [
                {
                    "value": "CT00011",
                    "label": "CT00011 \N{EN DASH} Piet de Vries",
                    "text": "Piet de Vries",
                    "detail": "Jansen Logistiek BV · Zwolle",
                    "no": "CT00011",
                    "name": "Piet de Vries",
                    "company": "Jansen Logistiek BV",
                    "city": "Zwolle",
                    "email": people["piet"].email,
                }
            ],
            "more": False,
        }

    def test_a_privacy_blocked_contact_says_so_before_a_form_refuses_it(
        self, sales_client, people
    ):
        people["piet"].privacy_blocked = True
        people["piet"].save()

        (row,) = found(sales_client, CONTACTS, q="piet")["results"]

        assert row["detail"] == "Jansen Logistiek BV · Zwolle · Privacy blocked"

    def test_twenty_a_page_and_more_says_whether_another_follows(
        self, sales_client, db
    ):
        CompanyFactory.create_batch(45, name=factory_name("Bakkerij"))

        first = found(sales_client, CONTACTS, q="bakkerij")
        third = found(sales_client, CONTACTS, q="bakkerij", page="3")

        assert len(first["results"]) == 20
        assert first["more"] is True
        assert len(third["results"]) == 5
        assert third["more"] is False
        second = found(sales_client, CONTACTS, q="bakkerij", page="2")
        pages = values(first) + values(second) + values(third)
        assert len(set(pages)) == 45

    def test_type_company_offers_companies_only(self, sales_client, people):
        answer = found(sales_client, CONTACTS, q="jans", type="company")

        assert values(answer) == ["CT00010"]

    def test_in_a_segment_the_contacts_already_in_it_are_marked(
        self, sales_client, people
    ):
        segment = SegmentFactory(no="SM00001")
        SegmentLineFactory(segment=segment, contact=people["anna"])

        rows = found(sales_client, CONTACTS, q="jans", segment="SM00001")["results"]

        assert [(row["value"], row["in_segment"]) for row in rows] == [
            ("CT00012", True),
            ("CT00010", False),
            ("CT00011", False),
        ]
        assert rows[0]["note"] == "already in segment"
        assert "note" not in rows[1]

    def test_the_mark_is_dutch_for_a_dutch_user(self, sales_client, people):
        segment = SegmentFactory(no="SM00001")
        SegmentLineFactory(segment=segment, contact=people["anna"])

        response = sales_client.get(
            CONTACTS, {"q": "anna", "segment": "SM00001"}, HTTP_ACCEPT_LANGUAGE="nl"
        )

        assert response.json()["results"][0]["note"] == "al in segment"

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"q": "x" * 101}, "Search with at most 100 characters."),
            ({"q": "ab\x00c"}, "The search contains a character that is not allowed."),
            ({"page": "0"}, "The page must be a number from 1 to 50."),
            ({"page": "51"}, "The page must be a number from 1 to 50."),
            ({"page": "two"}, "The page must be a number from 1 to 50."),
            ({"page": "9" * 5000}, "The page must be a number from 1 to 50."),
            ({"type": "robot"}, "Unknown contact type “robot”."),
            ({"segment": "NOPE"}, "There is no segment “NOPE”."),
        ],
    )
    def test_a_query_it_cannot_read_is_a_400_with_a_message(
        self, sales_client, people, query, message
    ):
        response = sales_client.get(CONTACTS, query)

        assert response.status_code == 400
        assert response.json() == {"error": message}

    def test_a_search_of_100_characters_is_answered(self, sales_client, people):
        assert found(sales_client, CONTACTS, q="j" * 100) == {
            "results": [],
            "more": False,
        }

    def test_like_wildcards_are_searched_as_typed(self, sales_client, people):
        assert values(found(sales_client, CONTACTS, q="%_%")) == []

    def test_the_number_of_queries_does_not_grow_with_the_rows(
        self, sales_client, people, django_assert_max_num_queries
    ):
        segment = SegmentFactory(no="SM00001")
        SegmentLineFactory(segment=segment, contact=people["anna"])
        # Session, user, two for permissions, companies, contacts, the segment and
        # its lines.
        with django_assert_max_num_queries(8) as few:
            found(sales_client, CONTACTS, q="jans", segment="SM00001")
        CompanyFactory.create_batch(30, name=factory_name("Jansen"))
        with django_assert_max_num_queries(len(few)):
            answer = found(sales_client, CONTACTS, q="jans", segment="SM00001")
        assert len(answer["results"]) == 20


class TestPermissions:
    @pytest.mark.parametrize(
        "url", [CONTACTS, SALESPEOPLE, TEMPLATES, GROUPS, LOGGED_SEGMENTS]
    )
    def test_anonymous_users_are_sent_to_log_in(self, client, db, url):
        response = client.get(url, {"q": "a"})

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize(
        ("url", "permission"),
        [
            (CONTACTS, "view_contact"),
            (SALESPEOPLE, "view_salesperson"),
            (TEMPLATES, "view_interactiontemplate"),
            (GROUPS, "view_interactiongroup"),
            (LOGGED_SEGMENTS, "view_loggedsegment"),
        ],
    )
    def test_without_the_view_permission_it_is_403(self, client, db, url, permission):
        user = UserFactory()
        client.force_login(user)
        assert client.get(url, {"q": "a"}).status_code == 403

        user.user_permissions.add(Permission.objects.get(codename=permission))
        client.force_login(user)
        assert client.get(url, {"q": "a"}).status_code == 200


class TestOtherEndpoints:
    def test_salespeople_by_code_or_name_without_the_blocked(self, sales_client):
        SalespersonFactory(code="JB", name="Jan Bos")
        SalespersonFactory(code="JD", name="Jan Dekker", blocked=True)
        SalespersonFactory(code="MV", name="Mia Jansen")

        assert values(found(sales_client, SALESPEOPLE, q="jan")) == ["JB", "MV"]
        assert values(found(sales_client, SALESPEOPLE, q="j")) == ["JB"]
        assert values(found(sales_client, SALESPEOPLE)) == ["JB", "MV"]

    def test_templates_show_code_description_and_group_without_the_blocked(
        self, sales_client
    ):
        group = InteractionGroupFactory(code="LETTER", description="Letters")
        InteractionTemplateFactory(code="ABSTR", description="Abstract", group=group)
        InteractionTemplateFactory(code="OLD", description="Old abstract", blocked=True)

        answer = found(sales_client, TEMPLATES, q="abstr")

        assert answer["results"] == [
            {
                "value": "ABSTR",
                "label": "ABSTR \N{EN DASH} Abstract",
                "text": "Abstract",
                "detail": "LETTER Letters",
                "group": "LETTER",
            }
        ]

    def test_filters_on_history_find_the_blocked_too_marked_blocked(self, sales_client):
        SalespersonFactory(code="PJ", name="Pieter Jansen", blocked=True)
        InteractionTemplateFactory(code="OLD", description="Old abstract", blocked=True)

        (salesperson,) = found(sales_client, SALESPEOPLE, q="pieter", blocked="1")[
            "results"
        ]
        (template,) = found(sales_client, TEMPLATES, q="abstr", blocked="1")["results"]

        assert (salesperson["value"], salesperson["detail"]) == ("PJ", "Blocked")
        assert template["value"] == "OLD"
        assert template["detail"].endswith(" · Blocked")

    def test_list_filters_and_report_forms_ask_for_the_blocked(self, db):
        entry_filters = InteractionLogEntryFilter().form
        fields = [
            entry_filters["salesperson"],
            entry_filters["template"],
            DashboardForm(team=True)["salesperson"],
            DeleteCanceledForm()["salesperson"],
            DeleteCanceledForm()["template"],
        ]

        for field in fields:
            assert "blocked=1" in str(field), field.name
        # Contacts have nothing blocked: their lookup's address stays as it was.
        assert "blocked" not in str(entry_filters["contact"])

    def test_print_letter_offers_templates_with_a_letter_only(self, sales_client):
        InteractionTemplateFactory(code="LTR", letter_text="Dear {{ contact.name }}")
        InteractionTemplateFactory(code="CALL")

        assert values(found(sales_client, TEMPLATES, letter="1")) == ["LTR"]

    def test_groups_by_code_or_description(self, sales_client):
        InteractionGroupFactory(code="SALES", description="Verkoop")
        InteractionGroupFactory(code="SERVICE", description="Service")

        assert values(found(sales_client, GROUPS, q="verk")) == ["SALES"]
        assert values(found(sales_client, GROUPS, q="se")) == ["SERVICE"]

    def test_logged_segments_show_number_description_and_date_newest_first(
        self, sales_client
    ):
        LoggedSegmentFactory(segment_no="SM00001", description="Spring mailing")
        LoggedSegmentFactory(segment_no="SM00002", description="Summer mailing")

        answer = found(sales_client, LOGGED_SEGMENTS, q="mailing")

        assert values(answer) == ["SM00002", "SM00001"]
        assert answer["results"][0]["text"] == "Summer mailing"
        assert answer["results"][0]["date"] == answer["results"][0]["detail"]
        assert answer["results"][0]["date"]


class ContactForm(forms.Form):
    contact = ContactField(label="Contact")


class TestLookupField:
    @pytest.mark.parametrize(
        "typed",
        [
            "CT00013",
            "ct00013",
            " CT00013 ",
            "emma bakker",
            "EMMA BAKKER",
            "CT00013 \N{EN DASH} Emma Bakker",
            "CT00013 \N{EN DASH} a name that changed since",
        ],
    )
    def test_takes_the_number_or_the_exact_name(self, people, typed):
        form = ContactForm({"contact": typed})

        assert form.is_valid(), form.errors
        assert form.cleaned_data["contact"] == people["emma"]

    def test_names_what_matched_none(self, people):
        form = ContactForm({"contact": "Emma"})

        assert form.errors["contact"] == [
            "No contact found with number or name “Emma”."
        ]

    @pytest.mark.parametrize("typed", ["%", "100%s", "%(value)s"])
    def test_a_percent_sign_typed_is_shown_as_typed(self, people, typed):
        """Found by the API fuzzing: the text was formatted into the message, and
        the API formats messages again."""
        form = ContactForm({"contact": typed})

        assert form.errors["contact"] == [
            f"No contact found with number or name “{typed}”."
        ]

    def test_names_how_many_matched(self, people):
        PersonFactory(name="Emma Bakker")
        PersonFactory(name="emma bakker")

        form = ContactForm({"contact": "Emma Bakker"})

        assert form.errors["contact"] == [
            "“Emma Bakker” matches 3 contacts; type the number."
        ]

    def test_messages_in_dutch(self, people, settings):
        from django.utils import translation

        PersonFactory(name="Emma Bakker")
        with translation.override("nl"):
            none = ContactForm({"contact": "Emma"}).errors["contact"]
            several = ContactForm({"contact": "emma bakker"}).errors["contact"]

        assert none == ["Geen contact gevonden met nummer of naam “Emma”."]
        assert several == [
            "“emma bakker” komt overeen met 2 contacten; typ het nummer."
        ]

    def test_an_edit_form_shows_the_key_and_a_readable_label(self, people):
        form = ContactForm(initial={"contact": people["emma"]})

        html = str(form["contact"])

        assert 'value="CT00013 \N{EN DASH} Emma Bakker"' in html
        assert f'data-lookup="{CONTACTS}"' in html
        assert "&quot;value&quot;: &quot;CT00013&quot;" in html

    def test_a_typed_name_is_shown_back_with_its_number(self, people):
        form = ContactForm({"contact": "emma bakker"})
        assert form.is_valid()

        assert 'value="CT00013 \N{EN DASH} Emma Bakker"' in str(form["contact"])

    def test_a_primary_key_from_an_old_link_still_works(self, people):
        form = ContactForm({"contact": str(people["emma"].pk)})

        assert form.is_valid()
        assert form.cleaned_data["contact"] == people["emma"]

    def test_a_blocked_row_is_refused_but_kept_when_the_form_allows_it(self, db):
        blocked = SalespersonFactory(code="OLD", blocked=True)

        class Offered(forms.Form):
            salesperson = SalespersonField(
                queryset=blocked._meta.model.objects.filter(blocked=False)
            )

        class Kept(forms.Form):
            salesperson = SalespersonField()

        # Said as it is, also for a field locked to it (given by its key).
        message = "Salesperson OLD \N{EN DASH} %s is blocked: choose another one."
        message %= blocked.name
        assert Offered({"salesperson": "OLD"}).errors["salesperson"] == [message]
        assert Offered({"salesperson": blocked.pk}).errors["salesperson"] == [message]
        assert Kept({"salesperson": "old"}).is_valid()

    def test_a_row_left_out_for_another_reason_is_not_available(self, db):
        person = PersonFactory(no="CT00077")

        class Companies(forms.Form):
            company = ContactField(queryset=Contact.objects.companies())

        assert Companies({"company": person.no}).errors["company"] == [
            "Select a valid choice. That choice is not one of the available choices."
        ]

    @pytest.mark.parametrize(
        ("field", "factory", "typed", "message"),
        [
            (
                TemplateField,
                lambda: InteractionTemplateFactory(code="ABS", description="Abstract"),
                "abstract",
                None,
            ),
            (
                GroupField,
                lambda: InteractionGroupFactory(code="SALES", description="Verkoop"),
                "VERKOOP",
                None,
            ),
            (
                LoggedSegmentField,
                lambda: LoggedSegmentFactory(segment_no="SM00007"),
                "sm00007",
                None,
            ),
            (
                TemplateField,
                lambda: InteractionTemplateFactory(code="ABS"),
                "nothing",
                "No interaction template found with code or description “nothing”.",
            ),
            (
                GroupField,
                lambda: InteractionGroupFactory(),
                "nothing",
                "No interaction group found with code or description “nothing”.",
            ),
            (
                LoggedSegmentField,
                lambda: LoggedSegmentFactory(),
                "nothing",
                "No logged segment found with number or description “nothing”.",
            ),
        ],
    )
    def test_every_model_takes_its_key_or_name(
        self, db, field, factory, typed, message
    ):
        row = factory()

        class Form(forms.Form):
            chosen = field()

        form = Form({"chosen": typed})
        if message is None:
            assert form.is_valid(), form.errors
            assert form.cleaned_data["chosen"] == row
        else:
            assert form.errors["chosen"] == [message]

    def test_a_nul_character_is_not_found_rather_than_an_error(self, people):
        form = ContactForm({"contact": "CT000\x0013"})

        assert form.errors["contact"] == [
            "No contact found with number or name “CT00013”."
        ]

    def test_empty_is_none_when_optional(self, db):
        class Form(forms.Form):
            contact = ContactField(required=False)

        form = Form({"contact": "  "})
        assert form.is_valid()
        assert form.cleaned_data["contact"] is None
        assert Contact.objects.count() == 0


def test_a_value_longer_than_any_key_or_name_is_not_found_without_asking(
    db, django_assert_num_queries
):
    form = ContactForm({"contact": "x" * 60_000})

    with django_assert_num_queries(0):
        assert form.errors["contact"] == [
            f"No contact found with number or name “{'x' * 59}…”."
        ]
