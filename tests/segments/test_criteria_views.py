"""The criteria pages of a segment: Add / Reduce / Refine with their count first,
Segmentcriteria with Vorige, Criteria opslaan and Criteria opnieuw gebruiken."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from segments import services
from segments.models import SavedSegmentCriteria, Segment, SegmentCriteriaAction
from tests.factories import (
    CompanyFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    acme = CompanyFactory(no="ACME", name="Acme", city="Utrecht")
    return {
        "ACME": acme,
        "ANNA": PersonFactory(no="ANNA", company=acme, city="Utrecht"),
        "BERT": PersonFactory(no="BERT", company=acme, city="Amersfoort"),
        "DIRK": PersonFactory(no="DIRK", city="Amsterdam", language_code="nl"),
        "EVA": PersonFactory(no="EVA", city="Utrecht", exclude_from_segment=True),
    }


@pytest.fixture
def segment():
    return SegmentFactory(no="SG1", description="Mailing")


def url(name, segment):
    return reverse(f"segments:{name}", args=[segment.no])


def numbers(segment):
    return set(segment.lines.values_list("contact__no", flat=True))


def confirm(client, name, segment, criteria, **kwargs):
    """Post the criteria as the confirmation step does: in its hidden field."""
    return client.post(url(name, segment), {"query": urlencode(criteria)}, **kwargs)


class TestActions:
    def test_the_count_comes_before_the_action(self, sales_client, world, segment):
        response = sales_client.get(url("criteria_add", segment), {"city": "Utrecht"})

        assert response.status_code == 200
        # Not Acme: its person Anna is among them (no "Allow company with persons").
        assert response.context["to_change"] == 1
        assert "1 contact will be added." in response.content.decode()
        assert not segment.lines.exists()

    def test_only_the_removals_offer_the_privacy_blocked_filter(
        self, sales_client, segment
    ):
        """Contacten toevoegen never adds a blocked contact: a filter choosing them
        would add none. Verkleinen and Verfijnen may take them out."""
        added = sales_client.get(url("criteria_add", segment)).content.decode()
        reduced = sales_client.get(url("criteria_reduce", segment)).content.decode()

        assert 'name="privacy_blocked"' not in added
        assert 'name="privacy_blocked"' in reduced

    def test_htmx_gets_only_the_count(self, sales_client, world, segment):
        response = sales_client.get(
            url("criteria_add", segment), {"city": "Utrecht"}, HTTP_HX_REQUEST="true"
        )

        assert response.templates[0].name == "segments/partials/criteria_preview.html"

    def test_the_count_skips_who_is_in_the_segment_or_excluded_as_the_add_does(
        self, sales_client, world, segment
    ):
        services.add_contacts(segment, [world["ANNA"]])
        criteria = {"city": "Utrecht", "allow_company_with_persons": "on"}

        page = sales_client.get(url("criteria_add", segment), criteria)
        # Acme only: Anna is in the segment already, Eva is marked "exclude".
        assert page.context["to_change"] == 1

        response = confirm(sales_client, "criteria_add", segment, criteria, follow=True)
        assert "1 contact added to segment SG1." in response.content.decode()
        assert numbers(segment) == {"ACME", "ANNA"}

    def test_the_count_says_who_it_leaves_out_and_why(
        self, sales_client, world, segment
    ):
        blocked = PersonFactory(no="KEES", city="Utrecht", privacy_blocked=True)

        def left_out(**options):
            response = sales_client.get(
                url("criteria_add", segment),
                {"city": "Utrecht", **options},
                headers={"Accept-Language": "nl"},
            )
            shown = response.content.decode().split('data-testid="left-out">')
            return response.context["left_out"], (
                " ".join(shown[1].split("</p>")[0].split()) if len(shown) > 1 else ""
            )

        assert left_out(allow_company_with_persons="on") == (
            {"privacy_blocked": 1, "excluded": 1, "represented": 0, "existing": 0},
            "Overgeslagen: 1 contact is privacy geblokkeerd. 1 contact is uitgesloten "
            "van segmenten (optie Uitsluiting negeren).",
        )
        # The option takes the excluded in; nothing takes the blocked in.
        assert left_out(ignore_exclusion="on", allow_company_with_persons="on") == (
            {"privacy_blocked": 1, "excluded": 0, "represented": 0, "existing": 0},
            "Overgeslagen: 1 contact is privacy geblokkeerd.",
        )
        blocked.delete()
        world["EVA"].delete()
        assert left_out(allow_company_with_persons="on")[1] == ""
        # Removing says nothing of it.
        response = sales_client.get(
            url("criteria_reduce", segment), {"city": "Utrecht"}
        )
        assert response.context["left_out"] is None

    def test_the_count_says_which_companies_and_lines_it_leaves_out(
        self, sales_client, world, segment
    ):
        """Without criteria the Add counts fewer contacts than the contact list
        holds: the page says the rest are companies their persons stand for, or
        contacts in the segment already, and which option takes them in."""
        services.add_contacts(segment, [world["DIRK"]])

        response = sales_client.get(
            url("criteria_add", segment), {"q": ""}, headers={"Accept-Language": "nl"}
        )

        # Anna, Bert and Eva's company (PersonFactory gives Dirk and Eva one each).
        assert response.context["to_change"] == 3
        assert response.context["left_out"] == {
            "privacy_blocked": 0,
            "excluded": 1,
            "represented": 2,  # Acme and Dirk's company
            "existing": 1,
        }
        shown = response.content.decode().split('data-testid="left-out">')[1]
        assert " ".join(shown.split("</p>")[0].split()) == (
            "Overgeslagen: 1 contact is uitgesloten van segmenten (optie Uitsluiting "
            "negeren). 2 bedrijven worden vertegenwoordigd door hun personen (optie "
            "Bedrijf met personen toestaan). 1 contact staat al in het segment "
            "(optie Bestaande contacten toestaan)."
        )
        both = sales_client.get(
            url("criteria_add", segment),
            {"allow_company_with_persons": "on", "allow_existing": "on"},
        )
        assert both.context["to_change"] == 6
        assert both.context["left_out"]["represented"] == 0
        assert both.context["left_out"]["existing"] == 0

    def test_the_count_query_count_does_not_grow_with_the_contacts(
        self, sales_client, world, segment, django_assert_max_num_queries
    ):
        def count():
            return sales_client.get(
                url("criteria_add", segment),
                {"city": "Utrecht"},
                HTTP_HX_REQUEST="true",
            )

        with CaptureQueriesContext(connection) as few:
            assert count().context["to_change"] == 1
        PersonFactory.create_batch(30, city="Utrecht")
        with django_assert_max_num_queries(len(few)):
            assert count().context["to_change"] == 31

    def test_add_with_options_then_reduce_then_refine(
        self, sales_client, world, segment
    ):
        response = confirm(
            sales_client,
            "criteria_add",
            segment,
            {
                "city": "Utrecht",
                "allow_company_with_persons": "on",
                "ignore_exclusion": "on",
            },
            follow=True,
        )
        assert "3 contacts added to segment SG1." in response.content.decode()
        assert numbers(segment) == {"ACME", "ANNA", "EVA"}

        confirm(sales_client, "criteria_reduce", segment, {"q": "EVA"})
        assert numbers(segment) == {"ACME", "ANNA"}

        response = confirm(
            sales_client, "criteria_refine", segment, {"type": "person"}, follow=True
        )
        assert "1 contact removed from segment SG1." in response.content.decode()
        assert numbers(segment) == {"ANNA"}
        assert list(
            segment.criteria_actions.order_by("sequence").values_list(
                "action", "options"
            )
        ) == [
            (
                "add",
                {
                    "allow_existing": False,
                    "expand_contact": False,
                    "allow_company_with_persons": True,
                    "ignore_exclusion": True,
                },
            ),
            ("reduce", {"entire_companies": False}),
            ("refine", {"entire_companies": False}),
        ]

    def test_interaction_and_segment_criteria_reach_the_service(
        self, sales_client, world, segment
    ):
        template = InteractionTemplateFactory(code="CALL")
        InteractionLogEntryFactory(contact=world["DIRK"], template=template)
        other = SegmentFactory(no="SG2")
        services.add_contacts(other, [world["DIRK"], world["ANNA"]])

        confirm(
            sales_client,
            "criteria_add",
            segment,
            {
                "entries-has": "true",
                "entries-template": "call",
                "entries-cost_from": "0",
                "segment": other.pk,
            },
        )

        action = segment.criteria_actions.get()
        assert action.criteria == {
            "entries": {"has": True, "template": "CALL", "cost_from": "0.00"},
            "segment": other.pk,
        }
        assert numbers(segment) == {"DIRK"}

    def test_has_no_interaction(self, sales_client, world, segment):
        InteractionLogEntryFactory(contact=world["ANNA"])

        confirm(
            sales_client,
            "criteria_add",
            segment,
            {"city": "Utrecht", "entries-has": "false"},
        )

        assert numbers(segment) == {"ACME"}

    def test_a_logged_segment_is_chosen_by_its_number(
        self, sales_client, world, segment
    ):
        logged = LoggedSegmentFactory(segment_no="SM00042")
        InteractionLogEntryFactory(contact=world["BERT"], logged_segment=logged)

        response = sales_client.get(
            url("criteria_add", segment), {"logged_segment": "SM00042"}
        )

        assert response.context["to_change"] == 1

    @pytest.mark.parametrize(
        "criteria",
        [
            {"type": "robot"},
            {"salesperson": "999999"},
            {"entries-has": "maybe"},
            {"entries-cost_from": "a lot"},
            # Interaction criteria without "has" / "has no": not all contacts.
            {"entries-evaluation": "negative"},
            {"segment": "999999"},
            {"logged_segment": "NO-SUCH"},
        ],
    )
    def test_bad_criteria_are_said_and_change_nothing(
        self, sales_client, world, segment, criteria
    ):
        page = sales_client.get(url("criteria_add", segment), criteria)
        assert page.status_code == 200
        assert page.context["to_change"] is None
        assert page.context["errors"]

        response = confirm(sales_client, "criteria_add", segment, criteria)

        assert response.status_code == 400
        assert "The criteria are not valid." in response.content.decode()
        assert not segment.lines.exists()

    def test_interaction_criteria_without_has_or_has_no_remove_nothing(
        self, sales_client, world, segment
    ):
        services.add_contacts_by_criteria(segment, {}, user=None)
        before = numbers(segment)
        criteria = {"entries-evaluation": "negative", "entries-cost_from": "1.50"}

        page = sales_client.get(url("criteria_reduce", segment), criteria)
        response = confirm(sales_client, "criteria_reduce", segment, criteria)

        assert page.context["errors"] == [
            "Interactions: Choose whether the contacts have or have no such "
            "interactions; until then the interaction criteria do not count."
        ]
        assert response.status_code == 400
        assert before
        assert numbers(segment) == before

    def test_a_logged_segment_is_gone(self, sales_client, world):
        response = sales_client.get(reverse("segments:criteria_add", args=["NONE"]))

        assert response.status_code == 404

    def test_without_the_permission_it_is_403(self, client, world, segment):
        client.force_login(UserFactory(username="viewer", groups=[]))

        assert client.get(url("criteria_refine", segment)).status_code == 403
        assert confirm(client, "criteria_refine", segment, {}).status_code == 403


@pytest.fixture
def built(world, segment, sales_user):
    services.add_contacts_by_criteria(
        segment, {"city": "Utrecht"}, user=sales_user, allow_company_with_persons=True
    )
    services.refine_contacts(segment, {"type": "person"}, user=sales_user)
    return segment


class TestCriteriaPage:
    def test_lists_the_actions_in_words_oldest_first(self, sales_client, built):
        response = sales_client.get(url("segment_criteria", built))

        rows = response.context["rows"]
        assert [(action.action, words) for action, words, _options in rows] == [
            ("add", "city starts with Utrecht"),
            ("refine", "type = Person"),
        ]
        content = response.content.decode()
        assert "city starts with Utrecht" in content
        assert "+2" in content
        assert "\u22121" in content  # a minus sign

    def test_query_count_does_not_grow_with_the_actions(
        self, sales_client, built, sales_user, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(20) as few:
            sales_client.get(url("segment_criteria", built))
        for city in ("Amsterdam", "Amersfoort", "Zwolle", "Delft"):
            services.add_contacts_by_criteria(built, {"city": city}, user=sales_user)

        with django_assert_max_num_queries(len(few)):
            sales_client.get(url("segment_criteria", built))

    def test_go_back_asks_then_undoes_the_last_action(self, sales_client, built):
        page = sales_client.get(url("criteria_go_back", built))
        assert "Undo action 2 (Remove contacts - Refine)" in page.content.decode()

        response = sales_client.post(url("criteria_go_back", built), follow=True)

        assert "Action 2 (Remove contacts - Refine) has been undone" in (
            response.content.decode()
        )
        assert numbers(built) == {"ACME", "ANNA"}

    def test_go_back_with_nothing_left_says_so(self, sales_client, segment):
        response = sales_client.post(url("criteria_go_back", segment), follow=True)

        assert "has no criteria action left to undo" in response.content.decode()

    def test_save_and_reuse_on_another_segment(self, sales_client, built):
        response = sales_client.post(
            url("criteria_save", built),
            {"code": "UTRECHT", "description": "Persons in Utrecht"},
            follow=True,
        )
        assert "have been saved as UTRECHT" in response.content.decode()
        saved = SavedSegmentCriteria.objects.get()
        assert saved.action_count == 2

        other = SegmentFactory(no="SG2")
        services.add_contacts(other, [CompanyFactory()])
        response = sales_client.post(
            url("criteria_reuse", other),
            {"saved": saved.pk, "mode": "replace"},
            follow=True,
        )

        assert "Criteria UTRECHT have been applied" in response.content.decode()
        assert numbers(other) == {"ANNA"}

    def test_a_duplicate_code_is_a_form_error(self, sales_client, built, sales_user):
        services.save_criteria(built, code="UTRECHT", description="", user=sales_user)

        response = sales_client.post(
            url("criteria_save", built), {"code": "UTRECHT", "description": "Again"}
        )

        assert response.status_code == 400
        assert response.context["form"].errors == {
            "code": ["Code UTRECHT already exists."]
        }
        assert SavedSegmentCriteria.objects.count() == 1


@pytest.fixture
def saved(built, sales_user):
    return services.save_criteria(
        built, code="UTRECHT", description="Persons in Utrecht", user=sales_user
    )


class TestSavedCriteria:
    def test_list_searches_and_sorts(self, sales_client, saved, built, sales_user):
        services.save_criteria(built, code="ALL", description="All", user=sales_user)
        list_url = reverse("segments:savedcriteria_list")

        response = sales_client.get(list_url, {"ordering": "-code"})
        rows = list(response.context["object_list"])
        assert [row.code for row in rows] == ["UTRECHT", "ALL"]
        assert rows[0].action_count == 2

        response = sales_client.get(list_url, {"q": "utrecht"})
        assert [row.code for row in response.context["object_list"]] == ["UTRECHT"]

    def test_list_breadcrumb_leads_back_to_the_segments(self, sales_client, saved):
        html = sales_client.get(
            reverse("segments:savedcriteria_list"), HTTP_ACCEPT_LANGUAGE="nl"
        ).content.decode()
        crumbs = html[html.index('<ol class="breadcrumb">') : html.index("</ol>")]

        assert f'<a href="{reverse("segments:segment_list")}">Segmenten</a>' in crumbs
        assert 'aria-current="page">Opgeslagen segmentcriteria</li>' in crumbs

    def test_list_query_count_does_not_grow(
        self, sales_client, saved, built, sales_user, django_assert_max_num_queries
    ):
        list_url = reverse("segments:savedcriteria_list")
        with django_assert_max_num_queries(20) as few:
            sales_client.get(list_url)
        for n in range(10):
            services.save_criteria(built, code=f"C{n}", description="", user=sales_user)

        with django_assert_max_num_queries(len(few)):
            sales_client.get(list_url)

    def test_edit_the_description(self, sales_client, saved):
        edit_url = reverse("segments:savedcriteria_update", args=[saved.pk])
        page = sales_client.get(edit_url)
        assert "city starts with Utrecht" in page.content.decode()

        sales_client.post(edit_url, {"description": "Utrecht persons"})

        saved.refresh_from_db()
        assert saved.description == "Utrecht persons"

    def test_delete_after_confirmation(self, sales_client, saved):
        delete_url = reverse("segments:savedcriteria_delete", args=[saved.pk])
        assert "UTRECHT" in sales_client.get(delete_url).content.decode()

        response = sales_client.post(delete_url, follow=True)

        assert "have been deleted" in response.content.decode()
        assert not SavedSegmentCriteria.objects.exists()
        assert SegmentCriteriaAction.objects.count() == 2


class TestDynamicSegment:
    def test_the_segment_form_sets_reapply_criteria(
        self, sales_client, marketing_setup
    ):
        response = sales_client.post(
            reverse("segments:segment_create"),
            {
                "description": "Every month",
                "date": "2026-11-21",
                "unit_cost": "0",
                "unit_duration": "0",
                "reapply_criteria": "on",
            },
        )

        assert response.status_code == 302
        segment = Segment.objects.get()
        assert segment.reapply_criteria
        response = sales_client.post(
            url("segment_update", segment),
            {
                "description": "Every month",
                "date": "2026-11-21",
                "unit_cost": "0",
                "unit_duration": "0",
            },
        )
        segment.refresh_from_db()
        assert not segment.reapply_criteria

    def test_the_template_refresh_keeps_the_box_ticked(self, sales_client):
        response = sales_client.get(
            reverse("segments:segment_form_fields"), {"reapply_criteria": "on"}
        )

        assert response.context["form"]["reapply_criteria"].value() is True

    def test_the_log_dialog_shows_what_reapplying_changes(
        self, sales_client, world, segment, sales_user
    ):
        services.add_contacts_by_criteria(segment, {"city": "Utrecht"}, user=sales_user)
        segment.reapply_criteria = True
        segment.save()
        PersonFactory(no="NEW", city="Utrecht")
        services.add_contacts(segment, [world["DIRK"]])

        for name in ("segment_log", "segment_detail"):
            response = sales_client.get(url(name, segment))
            assert response.context["dynamic_changes"] == (1, 1)
            assert "+1 / \u22121" in response.content.decode()

    def test_a_segment_logged_as_it_stands_shows_no_changes(
        self, sales_client, world, segment
    ):
        response = sales_client.get(url("segment_log", segment))

        assert response.context["dynamic_changes"] is None
        assert 'data-testid="dynamic-changes"' not in response.content.decode()


def test_describing_criteria_leaves_the_contact_filters_checks_alone(
    sales_client, built
):
    # The criteria page describes "city starts with Utrecht"; the contact list after
    # it still refuses a city longer than the column, with its message.
    sales_client.get(url("segment_criteria", built))

    response = sales_client.get(reverse("crm:contact_list"), {"city": "x" * 55_000})

    assert response.status_code == 200
    assert "Search for at most" in response.content.decode()
