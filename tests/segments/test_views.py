from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import MarketingSetup
from interactions.models import InteractionLogEntry
from interactions.services import set_canceled
from segments import services
from segments.models import LoggedSegment, Segment
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("segments:segment_list")
CREATE_URL = reverse("segments:segment_create")
LOGGED_URL = reverse("segments:loggedsegment_list")


@pytest.fixture
def letter():
    return InteractionTemplateFactory(
        code="LETTER",
        description="Spring letter",
        group=InteractionGroupFactory(code="MAIL"),
        unit_cost=Decimal("1.20"),
        unit_duration=5,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type="hard_copy",
    )


@pytest.fixture
def email():
    return InteractionTemplateFactory(
        code="EMAIL",
        description="Spring e-mail",
        group=InteractionGroupFactory(code="EMAIL"),
        unit_cost=Decimal("0.10"),
        unit_duration=2,
    )


@pytest.fixture
def segment(marketing_setup, sales_user, letter, salesperson):
    return services.create_segment(
        user=sales_user,
        description="Spring mailing",
        template=letter,
        salesperson=salesperson,
    )


@pytest.fixture
def filled(segment, sales_user):
    company = CompanyFactory(no="CT00001", name="Bakkerij Utrecht", city="Utrecht")
    persons = [
        PersonFactory(no=f"CT0001{n}", company=company, city="Utrecht")
        for n in range(3)
    ]
    services.add_contacts(segment, [company, *persons], user=sales_user)
    return segment


def url(name, segment, *args):
    return reverse(f"segments:{name}", args=[segment.no, *args])


def header_data(template=None, **overrides):
    data = {
        "description": "Spring mailing",
        "date": "2026-11-21",
        "salesperson": "",
        "template": template.pk if template else "",
        "subject": "",
        "unit_cost": "0",
        "unit_duration": "0",
        "information_flow": "",
        "initiated_by": "",
        "correspondence_type": "",
    }
    data.update(overrides)
    return data


class TestSegmentList:
    def test_lists_segments_with_statistics_and_filters(self, sales_client, filled):
        other = Segment.objects.create(no="SM09999", description="Autumn")
        response = sales_client.get(LIST_URL)
        rows = list(response.context["segment_list"])
        assert [row.no for row in rows] == [other.no, filled.no]
        assert rows[1].line_count == 4
        assert rows[1].planned_cost == Decimal("4.80")
        assert rows[1].planned_duration == 20
        assert "Spring mailing" in response.content.decode()
        response = sales_client.get(LIST_URL, {"q": "spring"})
        assert [row.no for row in response.context["segment_list"]] == [filled.no]

    def test_bad_filter_values_are_a_form_error_not_a_500(self, sales_client):
        response = sales_client.get(LIST_URL, {"date_from": "yesterday"})
        assert response.status_code == 200
        assert response.context["filter"].errors

    def test_query_count_does_not_grow_with_segments_or_lines(
        self, sales_client, filled, django_assert_max_num_queries
    ):
        with CaptureQueriesContext(connection) as one:
            sales_client.get(LIST_URL)
        for n in range(30):
            Segment.objects.create(no=f"SM1{n:04d}", description=f"S{n}")
        services.add_contacts(filled, [PersonFactory() for _ in range(20)])
        with django_assert_max_num_queries(len(one)):
            response = sales_client.get(LIST_URL)
        assert len(response.context["segment_list"]) == 25

    def test_needs_permission(self, client):
        client.force_login(UserFactory())
        assert client.get(LIST_URL).status_code == 403


class TestCreateAndEdit:
    def test_without_javascript_the_template_fills_the_untouched_values(
        self, sales_client, marketing_setup, letter
    ):
        response = sales_client.post(CREATE_URL, header_data(letter))
        segment = Segment.objects.get()
        assert response.url == segment.get_absolute_url()
        assert segment.no == "SM00001"
        assert segment.unit_cost == Decimal("1.20")
        assert segment.correspondence_type == "hard_copy"
        assert segment.created_by.username == "sales"

    @pytest.mark.parametrize("with_template", [False, True])
    def test_the_salesperson_the_page_filled_in_is_saved(
        self, sales_client, marketing_setup, letter, salesperson, with_template
    ):
        page = sales_client.get(CREATE_URL)
        assert page.context["form"]["salesperson"].value() == "AV"

        sales_client.post(
            CREATE_URL,
            header_data(letter if with_template else None, salesperson="AV"),
        )

        assert Segment.objects.get().salesperson == salesperson

    def test_after_the_template_filled_the_form_the_typed_values_count(
        self, sales_client, marketing_setup, letter
    ):
        data = header_data(
            letter,
            filled_from=str(letter.pk),
            unit_cost="0",
            unit_duration="5",
            information_flow="outbound",
            correspondence_type="email",
        )
        sales_client.post(CREATE_URL, data)
        segment = Segment.objects.get()
        assert segment.unit_cost == 0
        assert segment.correspondence_type == "email"

    def test_form_fields_view_fills_the_template_values(self, sales_client, letter):
        response = sales_client.get(
            reverse("segments:segment_form_fields"),
            {"template": letter.pk, "description": "Kept"},
        )
        form = response.context["form"]
        assert form["unit_cost"].value() == Decimal("1.20")
        assert form["information_flow"].value() == "outbound"
        assert form["description"].value() == "Kept"
        assert form["filled_from"].value() == letter.pk

    def test_form_fields_view_keeps_the_salesperson_with_its_name(
        self, sales_client, letter
    ):
        # It showed "JV" alone once a template was chosen.
        SalespersonFactory(code="JV", name="Jan Visser")
        response = sales_client.get(
            reverse("segments:segment_form_fields"),
            {"template": letter.pk, "salesperson": "JV"},
        )
        assert 'value="JV \u2013 Jan Visser"' in response.content.decode()
        response = sales_client.get(
            reverse("segments:segment_form_fields"),
            {"template": letter.pk, "salesperson": "NOBODY"},
        )
        assert 'value="NOBODY"' in response.content.decode()

    @pytest.mark.parametrize("template", ["x\x00", "²"])
    def test_form_fields_view_ignores_garbage(self, sales_client, template):
        response = sales_client.get(
            reverse("segments:segment_form_fields"), {"template": template}
        )
        assert response.status_code == 200

    def test_missing_description_and_negative_cost_are_refused(
        self, sales_client, marketing_setup
    ):
        response = sales_client.post(
            CREATE_URL, header_data(description="", unit_cost="-1")
        )
        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"description", "unit_cost"}
        assert not Segment.objects.exists()

    def test_an_error_of_a_hidden_field_is_shown(self, sales_client, marketing_setup):
        response = sales_client.post(CREATE_URL, header_data(filled_from="1\x00"))
        assert response.status_code == 400
        assert "Null characters are not allowed." in response.content.decode()
        assert not Segment.objects.exists()

    def test_without_a_segment_series_the_form_says_so(self, sales_client, db):
        MarketingSetup.load()
        response = sales_client.post(CREATE_URL, header_data())
        assert response.status_code == 400
        assert "number series" in str(response.context["form"].errors).lower()

    def test_edit_updates_following_lines_but_not_personalised_ones(
        self, sales_client, filled, email
    ):
        personal = filled.lines.first()
        services.update_line(personal, user=None, template=email)
        data = header_data(filled.template, unit_cost="3.00", update_lines="on")
        response = sales_client.post(url("segment_update", filled), data)
        assert response.status_code == 302
        costs = dict(filled.lines.values_list("pk", "cost"))
        assert costs.pop(personal.pk) == Decimal("0.10")
        assert set(costs.values()) == {Decimal("3.00")}

    def test_edit_without_update_lines_changes_only_the_header(
        self, sales_client, filled
    ):
        data = header_data(filled.template, unit_cost="3.00")
        sales_client.post(url("segment_update", filled), data)
        filled.refresh_from_db()
        assert filled.unit_cost == Decimal("3.00")
        assert set(filled.lines.values_list("cost", flat=True)) == {Decimal("1.20")}


class TestDetail:
    def test_shows_header_statistics_and_paginated_lines(self, sales_client, filled):
        services.add_contacts(filled, [PersonFactory() for _ in range(30)])
        response = sales_client.get(filled.get_absolute_url())
        assert response.context["statistics"].line_count == 34
        assert len(response.context["page_obj"].object_list) == 25
        response = sales_client.get(filled.get_absolute_url(), {"q": "bakkerij"})
        assert [line.contact.no for line in response.context["page_obj"]] == ["CT00001"]

    def test_unknown_segment_is_404(self, sales_client, db):
        assert sales_client.get("/segments/SM99999/").status_code == 404

    def test_query_count_does_not_grow_with_lines(
        self, sales_client, filled, django_assert_max_num_queries
    ):
        with CaptureQueriesContext(connection) as few:
            sales_client.get(filled.get_absolute_url())
        services.add_contacts(filled, [PersonFactory() for _ in range(40)])
        with django_assert_max_num_queries(len(few)):
            sales_client.get(filled.get_absolute_url())


class TestPersonaliseLine:
    def test_htmx_get_returns_the_inline_form_filled_from_a_chosen_template(
        self, sales_client, filled, email
    ):
        line = filled.lines.first()
        response = sales_client.get(
            url("line_update", filled, line.pk),
            {"template": email.pk},
            HTTP_HX_REQUEST="true",
        )
        assert response.templates[0].name == "segments/partials/line_form_row.html"
        form = response.context["form"]
        assert form["cost"].value() == Decimal("0.10")
        assert form["filled_from"].value() == email.pk

    def test_choosing_no_template_shows_the_line_without_one(
        self, sales_client, filled
    ):
        line = filled.lines.first()
        response = sales_client.get(
            url("line_update", filled, line.pk),
            {"template": ""},
            HTTP_HX_REQUEST="true",
        )
        assert response.context["form"]["template"].value() is None
        response = sales_client.get(url("line_update", filled, line.pk))
        assert response.context["form"]["template"].value() == line.template.code

    def test_post_personalises_the_line(self, sales_client, filled, email):
        line = filled.lines.first()
        response = sales_client.post(
            url("line_update", filled, line.pk),
            {
                "template": email.pk,
                "description": line.description,
                "cost": "1.20",
                "duration": "5",
                "salesperson": line.salesperson_id or "",
            },
        )
        assert response.url == filled.get_absolute_url()
        line.refresh_from_db()
        assert line.template == email
        assert line.cost == Decimal("0.10")  # no JavaScript: the template's values

    def test_htmx_post_returns_the_row_and_errors_return_the_form(
        self, sales_client, filled
    ):
        line = filled.lines.first()
        edit = url("line_update", filled, line.pk)
        response = sales_client.post(
            edit,
            {"template": line.template_id, "cost": "-1", "duration": "5"},
            HTTP_HX_REQUEST="true",
        )
        assert "cost" in response.context["form"].errors
        response = sales_client.post(
            edit,
            {
                "template": line.template_id,
                "description": "Dear Sanne",
                "cost": "2",
                "duration": "5",
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.templates[0].name == "segments/partials/line_saved.html"
        # The row, and the card's statistics out of band with the new cost.
        page = response.content.decode()
        assert f'<tr id="line-{line.pk}"' in page
        assert 'id="segment-statistics" class="row fields mb-0" hx-swap-oob="true"' in (
            page
        )
        line.refresh_from_db()
        assert (line.description, line.cost) == ("Dear Sanne", Decimal("2"))

    def test_a_template_key_that_int_cannot_read_shows_the_line_unchanged(
        self, sales_client, filled
    ):
        line = filled.lines.first()
        response = sales_client.get(
            url("line_update", filled, line.pk), {"template": "²"}
        )
        assert response.status_code == 200
        assert response.context["form"]["cost"].value() == line.cost

    def test_a_line_of_another_segment_is_404(self, sales_client, filled, letter):
        other = services.create_segment(user=None, description="Other")
        services.add_contacts(other, [PersonFactory()])
        line = other.lines.get()
        assert sales_client.get(url("line_update", filled, line.pk)).status_code == 404
        assert sales_client.get(url("line_row", other, line.pk)).status_code == 200


class TestRemoveSelectedAndReuse:
    def test_remove_selected_removes_the_ticked_lines(self, sales_client, filled):
        first, second, third, fourth = filled.lines.order_by("pk")
        response = sales_client.post(
            url("remove_contacts", filled),
            {"selected": [first.pk, second.pk, third.pk]},
            follow=True,
        )
        assert list(filled.lines.values_list("contact", flat=True)) == [
            fourth.contact_id
        ]
        assert "3 contacts removed from segment SM00001." in response.content.decode()

    def test_remove_selected_is_only_a_post(self, sales_client, filled):
        # Removing by filters is Verkleinen / Verfijnen (criteria_reduce/_refine).
        assert sales_client.get(url("remove_contacts", filled)).status_code == 405

    @pytest.mark.parametrize(
        ("key", "message"),
        [
            ("²", "“²” is not a valid value."),
            ("99999999999999999999", "“99999999999999999999” is not a valid value."),
            (
                "999999",
                "Select a valid choice. 999999 is not one of the available choices.",
            ),
        ],
    )
    def test_remove_selected_refuses_a_line_that_is_not_there(
        self, sales_client, filled, key, message
    ):
        first = filled.lines.first()
        response = sales_client.post(
            url("remove_contacts", filled),
            {"selected": [first.pk, key]},
            follow=True,
        )
        assert [str(m) for m in response.context["messages"]] == [message]
        assert filled.lines.count() == 4

    def test_remove_without_selection_says_so(self, sales_client, filled):
        response = sales_client.post(url("remove_contacts", filled), follow=True)
        assert "Select at least one line first." in response.content.decode()
        assert filled.lines.count() == 4

    def test_reuse_a_logged_segment(self, sales_client, filled, sales_user):
        logged, _follow_up = services.log_segment(filled, user=sales_user)
        fresh = services.create_segment(user=sales_user, description="Again")
        response = sales_client.post(
            url("reuse_logged_segment", fresh), {"logged_segment": logged.pk}
        )
        assert response.url == fresh.get_absolute_url()
        assert fresh.lines.count() == 4
        response = sales_client.post(
            url("reuse_logged_segment", fresh), {"logged_segment": "nope"}
        )
        assert response.status_code == 400
        assert response.context["form"].errors

    def test_reuse_counts_what_a_logged_segment_would_add(
        self, sales_client, filled, sales_user, django_assert_max_num_queries
    ):
        logged, _follow_up = services.log_segment(filled, user=sales_user)
        fresh = services.create_segment(user=sales_user, description="Again")
        first, second, *_others = logged.log_entries.order_by("contact__no")
        services.add_contacts(fresh, [first.contact], user=sales_user)
        type(second.contact).objects.filter(pk=second.contact_id).update(
            exclude_from_segment=True
        )

        page = sales_client.get(url("reuse_logged_segment", fresh))
        assert page.context["preview"] is None
        assert (
            "Kies een geregistreerd segment"
            in sales_client.get(
                url("reuse_logged_segment", fresh), HTTP_ACCEPT_LANGUAGE="nl"
            ).content.decode()
        )
        with django_assert_max_num_queries(12):
            counted = sales_client.get(
                url("reuse_logged_segment", fresh),
                {"logged_segment": logged.pk},
                HTTP_HX_REQUEST="true",
                HTTP_ACCEPT_LANGUAGE="nl",
            )

        assert counted.templates[0].name == ("segments/partials/reuse_preview.html")
        html = counted.content.decode()
        assert (
            "De interacties zijn geregistreerd voor 4 contacten;\n"
            "    1 staat al in het segment;\n    1 is uitgesloten."
        ) in html
        assert "2 contacten toevoegen</button>" in html
        assert f'name="logged_segment" value="{logged.pk}"' in html
        assert fresh.lines.count() == 1

    def test_reuse_refuses_to_count_what_is_no_logged_segment(
        self, sales_client, filled
    ):
        response = sales_client.get(
            url("reuse_logged_segment", filled), {"logged_segment": "nope"}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["logged_segment"]
        assert response.context["preview"] is None
        # A cleared choice (blank or spaces) is no choice yet, not an error.
        for blank in ("", " "):
            response = sales_client.get(
                url("reuse_logged_segment", filled), {"logged_segment": blank}
            )
            assert (response.status_code, response.context["preview"]) == (200, None)


def test_a_segment_number_with_a_nul_character_is_404(sales_client, filled):
    # PostgreSQL refuses NUL in text; the URL pattern does not match it.
    for name in ("segment_detail", "criteria_add", "segment_log"):
        path = reverse(f"segments:{name}", args=[filled.no]).replace(
            filled.no, f"{filled.no}%00"
        )
        assert sales_client.get(path).status_code == 404


class TestLog:
    def test_log_without_follow_up_goes_to_logged_segments(self, sales_client, filled):
        response = sales_client.post(url("segment_log", filled), follow=True)
        assert "Segment SM00001 has been logged." in response.content.decode()
        assert response.redirect_chain[-1][0].startswith(LOGGED_URL)
        assert InteractionLogEntry.objects.filter(segment_no="SM00001").count() == 4
        assert not Segment.objects.exists()

    def test_log_asks_again_when_contacts_went_since_the_dialog_was_opened(
        self, sales_client, filled, sales_user
    ):
        page = sales_client.get(url("segment_log", filled)).content.decode()
        assert '<input type="hidden" name="line_count" value="4">' in page
        services.remove_contacts(filled, [filled.lines.first().contact])

        response = sales_client.post(url("segment_log", filled), {"line_count": "4"})

        content = response.content.decode()
        assert response.status_code == 400
        assert "now has 3 contacts, not the 4 you were asked about" in content
        # The dialog asks again about the 3, and OK then logs them.
        assert '<input type="hidden" name="line_count" value="3">' in content
        sales_client.post(url("segment_log", filled), {"line_count": "3"})
        assert InteractionLogEntry.objects.filter(segment_no="SM00001").count() == 3

    def test_log_with_follow_up_opens_its_header_to_fill_in(self, sales_client, filled):
        response = sales_client.post(
            url("segment_log", filled), {"create_follow_up": "on"}, follow=True
        )
        follow_up = Segment.objects.get()
        assert response.redirect_chain == [(url("segment_update", follow_up), 302)]
        assert follow_up.description == "Follow-up on segment SM00001"
        assert follow_up.lines.count() == 4
        assert [str(m) for m in response.context["messages"]] == [
            "Segment SM00001 has been logged.",
            "Follow-up segment SM00002 has been created. Fill in its interaction "
            "to log it.",
        ]
        # The header's template is where the user starts, and the banner says why.
        assert response.context["form"].fields["template"].widget.attrs["autofocus"]
        html = response.content.decode()
        assert "Before segment SM00002 can be logged" in html
        assert "The header has no interaction template" in html
        assert "4 lines cannot be logged." in html
        assert "No interaction template: 4" in html
        assert f"{url('segment_detail', follow_up)}?blocking=true" in html

    def test_an_error_is_shown_and_nothing_written(self, sales_client, filled):
        Segment.objects.filter(pk=filled.pk).update(description="")
        response = sales_client.post(url("segment_log", filled))
        assert response.status_code == 400
        assert "needs a description" in str(response.context["form"].errors)
        assert not LoggedSegment.objects.exists()
        assert not InteractionLogEntry.objects.exists()

    def test_a_second_submit_says_it_was_logged(self, sales_client, filled):
        sales_client.post(url("segment_log", filled))
        response = sales_client.post(url("segment_log", filled), follow=True)
        assert "Segment SM00001 has already been logged." in (response.content.decode())
        assert LoggedSegment.objects.count() == 1
        assert InteractionLogEntry.objects.count() == 4

    def test_get_shows_the_dialog_and_unknown_is_404(self, sales_client, filled):
        response = sales_client.get(url("segment_log", filled))
        assert "each of the 4 contacts" in response.content.decode()
        assert sales_client.get("/segments/SM99999/log/").status_code == 404

    def test_needs_the_permission_to_log_interactions(self, client, filled):
        user = UserFactory()
        user.user_permissions.add(
            Permission.objects.get(codename="change_segment"),
        )
        client.force_login(user)
        assert client.post(url("segment_log", filled)).status_code == 403
        assert Segment.objects.filter(pk=filled.pk).exists()


class TestBlockingLines:
    """Log names every line that blocks it, links to them, and mends them."""

    @pytest.fixture
    def blocked(self, filled):
        # One line without a salesperson, 28 without a template: 29 block, 20 named.
        lines = list(filled.lines.order_by("pk"))
        filled.lines.filter(pk=lines[0].pk).update(salesperson=None)
        filled.lines.filter(pk__in=[line.pk for line in lines[1:]]).update(
            template=None
        )
        more = PersonFactory.create_batch(25, company=None)
        services.add_contacts(filled, more, user=None)
        filled.lines.filter(contact__in=more).update(template=None)
        return filled

    def test_log_lists_the_first_20_the_total_and_links_to_exactly_those(
        self, sales_client, blocked
    ):
        response = sales_client.post(url("segment_log", blocked))
        assert response.status_code == 400
        assert response.context["form"].non_field_errors() == [
            "29 lines cannot be logged."
        ]
        check = response.context["log_check"]
        assert check.blocking_count == 29
        assert len(check.blocking_lines) == 20
        html = response.content.decode()
        assert "The first 20 are listed here." in html
        assert html.count("<tr>") == 21  # the header and 20 lines
        assert "No salesperson" in html
        link = f"{url('segment_detail', blocked)}?blocking=true"
        assert link in html
        lines = sales_client.get(link).context["line_filter"].qs
        assert {line.pk for line in lines} == set(
            blocked.lines.filter(template=None).values_list("pk", flat=True)
        ) | {blocked.lines.get(salesperson=None).pk}
        assert not LoggedSegment.objects.exists()

    def test_apply_the_headers_template_then_log(self, sales_client, blocked, letter):
        response = sales_client.post(url("apply_header_template", blocked), follow=True)
        assert response.redirect_chain == [(url("segment_log", blocked), 302)]
        assert [str(m) for m in response.context["messages"]] == [
            "Interaction template LETTER applied to 29 lines."
        ]
        assert not blocked.lines.filter(template=None).exists()
        assert "cannot be logged" not in response.content.decode()
        response = sales_client.post(url("segment_log", blocked))
        assert response.status_code == 302
        assert InteractionLogEntry.objects.count() == 29

    def test_apply_without_a_header_template_says_so(self, sales_client, blocked):
        Segment.objects.filter(pk=blocked.pk).update(template=None)
        response = sales_client.post(url("apply_header_template", blocked), follow=True)
        assert [str(m) for m in response.context["messages"]] == [
            "Choose an interaction template in the header of segment SM00001 first."
        ]
        assert "Choose a template in the header" in response.content.decode()

    def test_the_card_shows_the_banner_only_while_something_blocks(
        self, sales_client, filled
    ):
        response = sales_client.get(url("segment_detail", filled))
        assert response.context["log_check"].loggable
        assert 'id="log-check"' not in response.content.decode()
        assert 'id="log-dialog-check"' not in response.content.decode()
        filled.lines.filter(contact__no="CT00001").update(template=None)
        response = sales_client.get(url("segment_detail", filled))
        html = response.content.decode()
        assert "1 line cannot be logged." in html
        assert "The header has no interaction template" not in html
        # The Log dialog says it too, before OK leads to the page that refuses.
        dialog = html[html.index('id="log-dialog"') :]
        assert 'id="log-dialog-check"' in dialog
        assert "1 line cannot be logged." in dialog

    def test_the_blocking_filter_without_blocking_lines_lists_none(
        self, sales_client, filled
    ):
        response = sales_client.get(url("segment_detail", filled), {"blocking": "true"})
        assert list(response.context["page_obj"].object_list) == []
        assert "Only the lines that cannot be logged are shown." in (
            response.content.decode()
        )

    def test_log_page_query_count_does_not_grow_with_blocking_lines(
        self, sales_client, filled, django_assert_max_num_queries
    ):
        filled.lines.update(template=None)
        with CaptureQueriesContext(connection) as queries:
            sales_client.post(url("segment_log", filled))
        services.add_contacts(filled, PersonFactory.create_batch(50), user=None)
        filled.lines.update(template=None)
        with django_assert_max_num_queries(len(queries)):
            response = sales_client.post(url("segment_log", filled))
        assert response.context["log_check"].blocking_count == 54


class TestLoggedSegments:
    @pytest.fixture
    def logged(self, filled, sales_user):
        return services.log_segment(filled, user=sales_user)[0]

    def test_lists_them_with_the_number_of_interactions(self, sales_client, logged):
        response = sales_client.get(LOGGED_URL)
        [row] = response.context["loggedsegment_list"]
        assert row.interaction_count == 4
        assert "?segment_no=SM00001" in response.content.decode()

    def test_mark_canceled_and_remove_the_mark(self, sales_client, logged):
        cancel = reverse("segments:loggedsegment_cancel", args=[logged.pk])
        response = sales_client.post(cancel, {"canceled": "true"}, follow=True)
        assert "its 4 interaction log entries are marked canceled" in (
            response.content.decode()
        )
        assert InteractionLogEntry.objects.filter(canceled=True).count() == 4
        sales_client.post(cancel, {"canceled": "false"})
        assert not InteractionLogEntry.objects.filter(canceled=True).exists()
        logged.refresh_from_db()
        assert not logged.canceled

    def test_the_logged_segment_page_cancels_it_saying_how_many_entries_first(
        self, sales_client, logged
    ):
        """From a logged segment's own page: Mark canceled asks with the number of
        entries it marks, and comes back to that page."""
        page = sales_client.get(logged.get_absolute_url()).content.decode()
        assert (
            'data-confirm="Mark logged segment SM00001 and its 4 interaction log '
            'entries canceled?"'
        ) in page
        cancel = reverse("segments:loggedsegment_cancel", args=[logged.pk])
        response = sales_client.post(cancel, {"canceled": "true", "back": "detail"})
        assert response["Location"] == logged.get_absolute_url()
        assert InteractionLogEntry.objects.filter(canceled=True).count() == 4
        page = sales_client.get(logged.get_absolute_url()).content.decode()
        assert (
            "Remove the canceled mark from logged segment SM00001 and its 4 "
            "interaction log entries?"
        ) in page
        listed = sales_client.get(LOGGED_URL).content.decode()
        assert "logged segment SM00001 and its 4 interaction log entries?" in listed

    def test_the_logged_segment_page_asks_with_the_entries_it_changes(
        self, sales_client, logged, sales_user
    ):
        """One entry canceled on its own beforehand: Mark canceled changes the
        other 3, as the list's question and the message after it say."""
        one = logged.log_entries.order_by("pk").first()
        set_canceled(InteractionLogEntry.objects.filter(pk=one.pk), True, user=None)
        question = (
            "Mark logged segment SM00001 and its 3 interaction log entries canceled?"
        )
        assert question in sales_client.get(LOGGED_URL).content.decode()

        page = sales_client.get(logged.get_absolute_url()).content.decode()

        assert question in page
        response = sales_client.post(
            reverse("segments:loggedsegment_cancel", args=[logged.pk]),
            {"canceled": "true", "back": "detail"},
            follow=True,
        )
        assert "its 3 interaction log entries are marked canceled" in (
            response.content.decode()
        )

    def test_a_query_too_long_to_redirect_to_goes_back_to_the_plain_list(
        self, sales_client, logged
    ):
        # Django refuses to redirect to a URL this long: the page answered 400
        # although the entries were canceled.
        cancel = reverse("segments:loggedsegment_cancel", args=[logged.pk])
        response = sales_client.post(
            cancel, {"canceled": "true", "query": f"q={'x' * 20_000}"}
        )
        assert response.status_code == 302
        assert response["Location"] == LOGGED_URL
        assert InteractionLogEntry.objects.filter(canceled=True).count() == 4

    def test_a_bad_request_changes_nothing(self, sales_client, logged):
        cancel = reverse("segments:loggedsegment_cancel", args=[logged.pk])
        response = sales_client.post(cancel, {"canceled": "maybe"}, follow=True)
        assert "not valid" in response.content.decode()
        assert sales_client.get(cancel).status_code == 405
        assert not InteractionLogEntry.objects.filter(canceled=True).exists()

    def test_query_count_does_not_grow(
        self, sales_client, logged, django_assert_max_num_queries
    ):
        with CaptureQueriesContext(connection) as one:
            sales_client.get(LOGGED_URL)
        for n in range(30):
            LoggedSegment.objects.create(segment_no=f"X{n}", description="x")
        with django_assert_max_num_queries(len(one)):
            sales_client.get(LOGGED_URL)


def test_delete_segment_after_confirmation(sales_client, filled):
    # How much goes is said before it goes.
    response = sales_client.get(
        url("segment_delete", filled), headers={"Accept-Language": "nl"}
    )
    assert "en de 4 regels ervan verwijderen zonder het te registreren" in (
        response.content.decode()
    )
    response = sales_client.post(url("segment_delete", filled))
    assert response.url == LIST_URL
    assert not Segment.objects.exists()


def test_the_segment_pages_name_people_by_their_full_name(
    sales_client, filled, sales_user
):
    def shows_the_full_name(page):
        response = sales_client.get(page, headers={"Accept-Language": "nl"})
        return '<span title="sales">Anna de Vries</span>' in response.content.decode()

    sales_user.first_name, sales_user.last_name = "Anna", "de Vries"
    sales_user.save()
    services.refine_contacts(filled, {"type": "person"}, user=sales_user)
    services.save_criteria(filled, code="PERSONS", description="", user=sales_user)
    assert shows_the_full_name(filled.get_absolute_url())
    assert shows_the_full_name(url("segment_criteria", filled))
    assert shows_the_full_name(reverse("segments:savedcriteria_list"))
    logged, _ = services.log_segment(filled, user=sales_user)
    assert shows_the_full_name(logged.get_absolute_url())
    assert shows_the_full_name(LOGGED_URL)
