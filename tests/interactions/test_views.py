import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from interactions import services
from interactions.forms import InteractionForm, duplicate_warning
from interactions.models import InteractionLogEntry
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

LIST_URL = reverse("interactions:entry_list")
CREATE_URL = reverse("interactions:entry_create")


def log(contact, template, user, **values):
    return services.create_interaction(
        contact=contact, template=template, user=user, **values
    )


def form_data(for_contact, with_template, by_salesperson, **overrides):
    data = {
        "contact": for_contact.no,
        "template": with_template.pk,
        "description": "Called about the offer",
        "salesperson": by_salesperson.pk,
        "date": "2026-11-20",
        "time": "10:42",
        "interaction_successful": "on",
        "action": "finish",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_create_interaction_on_a_new_installation_says_what_is_missing(
    sales_client,
):
    """No template and no salesperson yet: the lookups would find nothing, so the
    page names both, and who makes them."""
    html = sales_client.get(CREATE_URL).content.decode()
    assert "There are no interaction templates yet" in html
    assert "There are no salespeople yet" in html
    assert "A CRM admin makes them under Setup → Interaction templates." in html
    assert reverse("interactions:template_create") not in html


def test_a_crm_admin_is_led_to_make_what_is_missing(crm_admin_client):
    html = crm_admin_client.get(CREATE_URL).content.decode()
    assert f'href="{reverse("interactions:template_create")}"' in html
    assert f'href="{reverse("crm:salesperson_create")}"' in html


def test_create_interaction_says_nothing_once_set_up(sales_client, template):
    SalespersonFactory()

    html = sales_client.get(CREATE_URL).content.decode()

    assert 'id="setup-missing"' not in html


def test_blocked_templates_alone_count_as_none(sales_client):
    InteractionTemplateFactory(blocked=True)
    SalespersonFactory()

    html = sales_client.get(CREATE_URL).content.decode()

    assert "There are no interaction templates yet" in html
    assert "There are no salespeople yet" not in html


class TestCreateInteraction:
    def test_from_a_contact_the_contact_is_locked_and_the_users_salesperson_chosen(
        self, sales_client, contact, salesperson
    ):
        response = sales_client.get(CREATE_URL, {"contact": contact.no})
        assert response.status_code == 200
        form = response.context["form"]
        assert form.fields["contact"].disabled
        assert form["contact"].value() == contact.no
        # Lookups hold the key the user types: the code, not the primary key.
        assert form["salesperson"].value() == salesperson.code
        assert form["date"].value() == timezone.localdate()

    def test_from_a_salesperson_the_salesperson_is_locked(
        self, sales_client, salesperson
    ):
        other = SalespersonFactory()
        response = sales_client.get(CREATE_URL, {"salesperson": other.pk})
        assert response.context["form"].fields["salesperson"].disabled
        assert response.context["form"]["salesperson"].value() == other.code

    def test_unknown_contact_number_is_404(self, sales_client):
        assert sales_client.get(CREATE_URL, {"contact": "NOPE"}).status_code == 404

    @pytest.mark.parametrize(
        ("query", "status"),
        [
            # str.isdigit() accepts "²", int() does not.
            ({"salesperson": "²"}, 200),
            ({"salesperson": "99999999999999999999"}, 404),
            # PostgreSQL refuses a NUL character in text.
            ({"contact": "\x00"}, 200),
        ],
    )
    def test_a_prefill_that_is_no_key_is_no_server_error(
        self, sales_client, query, status
    ):
        response = sales_client.get(CREATE_URL, query)

        assert response.status_code == status
        if status == 200:
            form = response.context["form"]
            assert not form.fields["contact"].disabled
            assert not form.fields["salesperson"].disabled

    def test_ok_logs_the_entry_and_returns_to_the_next_page(
        self, sales_client, contact, template, salesperson
    ):
        next_url = contact.get_absolute_url()
        response = sales_client.post(
            f"{CREATE_URL}?contact={contact.no}",
            form_data(contact, template, salesperson, next=next_url, cost=None),
        )
        assert response.status_code == 302
        assert response["Location"] == next_url
        entry = InteractionLogEntry.objects.get()
        assert entry.contact == contact
        assert entry.contact_company == contact.company
        assert entry.description == "Called about the offer"
        assert entry.cost == Decimal("2.50")  # left blank: the template's
        assert entry.duration == 15
        assert entry.time == datetime.time(10, 42)
        assert not entry.postponed
        assert not entry.attempt_failed
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages == [
            f"Interaction {entry.pk} has been logged for {contact} "
            "(cost 2.50, duration 15 min.)."
        ]

    def test_unticked_successful_is_a_failed_attempt(
        self, sales_client, contact, template, salesperson
    ):
        sales_client.post(
            CREATE_URL,
            form_data(contact, template, salesperson, interaction_successful=None),
        )
        assert InteractionLogEntry.objects.get().attempt_failed

    @pytest.mark.parametrize(
        ("field", "message"),
        [
            ("template", "This field is required."),
            ("description", None),
            ("salesperson", "This field is required."),
            ("date", "This field is required."),
        ],
    )
    def test_missing_required_value_shows_an_error_and_saves_nothing(
        self, sales_client, contact, template, salesperson, field, message
    ):
        template.description = ""
        template.save()
        response = sales_client.post(
            CREATE_URL, form_data(contact, template, salesperson, **{field: ""})
        )
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        if message:
            assert response.context["form"].errors[field] == [message]
        assert not InteractionLogEntry.objects.exists()

    def test_negative_cost_and_unknown_contact_are_refused(
        self, sales_client, contact, template, salesperson
    ):
        response = sales_client.post(
            CREATE_URL,
            form_data(contact, template, salesperson, cost="-1", contact="X9"),
        )
        errors = response.context["form"].errors
        assert errors["contact"] == ["No contact found with number or name “X9”."]
        assert "cost" in errors
        assert not InteractionLogEntry.objects.exists()

    def test_blocked_salesperson_is_refused_by_the_service(
        self, sales_client, contact, template, salesperson
    ):
        template.blocked = True
        template.save()
        response = sales_client.post(
            CREATE_URL, form_data(contact, template, salesperson)
        )
        assert response.context["form"].errors["template"]
        assert not InteractionLogEntry.objects.exists()

    def test_attachment_upload_is_stored_under_a_generated_name(
        self, sales_client, contact, template, salesperson, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        upload = SimpleUploadedFile("offer letter.PDF", b"%PDF-1.4", "application/pdf")
        sales_client.post(
            CREATE_URL, form_data(contact, template, salesperson, attachment=upload)
        )
        entry = InteractionLogEntry.objects.get()
        assert entry.attachment.name.startswith("attachments/")
        assert entry.attachment.name.endswith(".pdf")
        assert "offer" not in entry.attachment.name

    def test_an_attachment_over_the_size_limit_is_refused(
        self, sales_client, contact, template, salesperson, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        settings.ATTACHMENT_MAX_SIZE = 1024
        too_big = SimpleUploadedFile("scan.pdf", b"x" * 1025, "application/pdf")
        response = sales_client.post(
            CREATE_URL, form_data(contact, template, salesperson, attachment=too_big)
        )
        assert response.status_code == 400
        assert "an attachment may be at most 1.0\xa0KB" in response.content.decode()
        assert not InteractionLogEntry.objects.exists()
        assert not list(tmp_path.rglob("*.pdf"))
        fits = SimpleUploadedFile("scan.pdf", b"x" * 1024, "application/pdf")
        sales_client.post(
            CREATE_URL, form_data(contact, template, salesperson, attachment=fits)
        )
        assert InteractionLogEntry.objects.get().attachment

    def test_cancel_then_yes_postpones_an_incomplete_draft(
        self, sales_client, contact, salesperson
    ):
        response = sales_client.post(
            f"{CREATE_URL}?contact={contact.no}",
            {"action": "postpone", "description": "Call back about pricing"},
        )
        assert response.status_code == 302
        entry = InteractionLogEntry.objects.get()
        assert entry.postponed
        assert entry.contact == contact
        assert entry.template is None
        assert entry.description == "Call back about pricing"

    def test_postponing_still_needs_a_contact(self, sales_client):
        response = sales_client.post(CREATE_URL, {"action": "postpone"})
        assert response.context["form"].errors["contact"] == ["This field is required."]
        assert not InteractionLogEntry.objects.exists()


class TestDuplicateWarning:
    """Issue 8: the same template for the same contact on the same day asks first."""

    @pytest.fixture
    def earlier(self, contact, template):
        maria = SalesUserFactory(username="maria")
        SalespersonFactory(code="MB", name="Maria Bakker", user=maria)
        return log(
            contact,
            template,
            maria,
            date=timezone.localdate(),
            time=datetime.time(10, 42),
        )

    def post(self, client, contact, template, salesperson, **overrides):
        return client.post(
            f"{CREATE_URL}?contact={contact.no}",
            form_data(
                contact,
                template,
                salesperson,
                **{
                    "date": timezone.localdate().isoformat(),
                    "time": "15:00",
                    "next": contact.get_absolute_url(),
                    **overrides,
                },
            ),
        )

    def test_ok_asks_first_naming_who_and_when_and_logs_nothing(
        self, sales_client, contact, template, salesperson, earlier
    ):
        response = self.post(sales_client, contact, template, salesperson)

        assert response.status_code == 200
        assert response.context["duplicate_warning"] == (
            "An interaction with this template was already logged for this contact "
            "today by Maria Bakker at 10:42 — log anyway?"
        )
        page = response.content.decode()
        assert '<p role="alert">An interaction with this template' in page
        assert (
            f'<button type="submit" name="duplicate_of" value="{earlier.pk}" '
            'class="btn btn-warning" autofocus>Log anyway</button>'
        ) in page
        assert f'href="{contact.get_absolute_url()}">Don\'t log</a>' in page
        assert "Choose the attachment again" not in page
        # The form keeps what was typed.
        assert response.context["form"]["time"].value() == "15:00"
        assert list(InteractionLogEntry.objects.all()) == [earlier]

    def test_log_anyway_logs_exactly_one_entry(
        self, sales_client, contact, template, salesperson, earlier
    ):
        response = self.post(
            sales_client, contact, template, salesperson, duplicate_of=earlier.pk
        )

        assert response.status_code == 302
        assert response["Location"] == contact.get_absolute_url()
        new = InteractionLogEntry.objects.exclude(pk=earlier.pk).get()
        assert (new.contact, new.template, new.time) == (
            contact,
            template,
            datetime.time(15, 0),
        )
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages == [
            f"Interaction {new.pk} has been logged for {contact} "
            "(cost 2.50, duration 15 min.)."
        ]

    def test_confirming_one_entry_does_not_confirm_one_logged_since(
        self, sales_client, contact, template, salesperson, earlier, sales_user
    ):
        since = log(contact, template, sales_user, time=datetime.time(14, 5))

        response = self.post(
            sales_client, contact, template, salesperson, duplicate_of=earlier.pk
        )

        assert response.status_code == 200
        assert response.context["duplicate"] == since
        assert response.context["duplicate_warning"] == (
            "An interaction with this template was already logged for this contact "
            "today by Anna Visser at 14:05 — log anyway?"
        )
        assert InteractionLogEntry.objects.count() == 2

    @pytest.mark.parametrize("value", ["", "abc", "0", "-1", "1e3"])
    def test_a_made_up_confirmation_only_asks_again(
        self, sales_client, contact, template, salesperson, earlier, value
    ):
        response = self.post(
            sales_client, contact, template, salesperson, duplicate_of=value
        )

        assert response.status_code == 200
        assert response.context["duplicate"] == earlier
        assert InteractionLogEntry.objects.count() == 1

    def test_another_day_names_the_date(
        self, sales_client, contact, template, salesperson, sales_user
    ):
        log(
            contact,
            template,
            sales_user,
            date=datetime.date(2026, 11, 20),
            time=datetime.time(9, 5),
        )

        response = self.post(
            sales_client, contact, template, salesperson, date="2026-11-20"
        )

        assert response.context["duplicate_warning"] == (
            "An interaction with this template was already logged for this contact "
            "on Nov. 20, 2026 by Anna Visser at 09:05 — log anyway?"
        )

    @pytest.mark.parametrize("earlier_one", ["other template", "yesterday", "canceled"])
    def test_without_a_duplicate_ok_logs_at_once(
        self, sales_client, contact, template, salesperson, sales_user, earlier_one
    ):
        days_ago = 1 if earlier_one == "yesterday" else 0
        earlier = log(
            contact,
            InteractionTemplateFactory()
            if earlier_one == "other template"
            else template,
            sales_user,
            date=timezone.localdate() - datetime.timedelta(days=days_ago),
        )
        if earlier_one == "canceled":
            services.set_canceled([earlier], True, user=sales_user)

        response = self.post(sales_client, contact, template, salesperson)

        assert response.status_code == 302
        assert InteractionLogEntry.objects.count() == 2

    def test_postponing_does_not_ask(
        self, sales_client, contact, template, salesperson, earlier
    ):
        response = self.post(
            sales_client, contact, template, salesperson, action="postpone"
        )

        assert response.status_code == 302
        assert InteractionLogEntry.objects.postponed().count() == 1

    def test_resuming_asks_too_and_log_anyway_finishes_the_same_entry(
        self, sales_client, contact, template, salesperson, sales_user, earlier
    ):
        draft = services.postpone_interaction(
            contact=contact, user=sales_user, template=template, description="Draft"
        )
        url = reverse("interactions:entry_resume", args=[draft.pk])
        data = form_data(
            contact, template, salesperson, date=timezone.localdate().isoformat()
        )

        asked = sales_client.post(url, data)
        assert asked.context["duplicate"] == earlier
        assert InteractionLogEntry.objects.get(pk=draft.pk).postponed

        sales_client.post(url, {**data, "duplicate_of": earlier.pk})
        assert not InteractionLogEntry.objects.get(pk=draft.pk).postponed
        assert InteractionLogEntry.objects.count() == 2

    def test_an_attachment_must_be_chosen_again(
        self, sales_client, contact, template, salesperson, earlier, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        upload = SimpleUploadedFile("offer.pdf", b"%PDF-1.4", "application/pdf")

        response = self.post(
            sales_client, contact, template, salesperson, attachment=upload
        )

        assert (
            "Choose the attachment again first: a file is not kept when the page asks."
            in response.content.decode()
        )
        assert InteractionLogEntry.objects.count() == 1

    def test_the_check_is_one_query(
        self, contact, template, salesperson, earlier, django_assert_num_queries
    ):
        form = InteractionForm(
            form_data(
                contact, template, salesperson, date=timezone.localdate().isoformat()
            )
        )
        assert form.is_valid(), form.errors

        with django_assert_num_queries(1):
            assert form.unconfirmed_duplicate() == earlier
            duplicate_warning(earlier)


class TestDuplicateWarningText:
    """Who and when, in words, for entries logged in every way."""

    def warning(self, **values):
        defaults = {
            "salesperson": SalespersonFactory(name="Piet Jansen"),
            "date": timezone.localdate(),
            "time": datetime.time(8, 30),
        }
        return duplicate_warning(InteractionLogEntryFactory(**{**defaults, **values}))

    def test_a_user_with_a_full_name_is_named_by_it(self, sales_user):
        sales_user.first_name, sales_user.last_name = "Anna", "de Boer"
        sales_user.save()
        assert self.warning(created_by=sales_user) == (
            "An interaction with this template was already logged for this contact "
            "today by Anna de Boer at 08:30 — log anyway?"
        )

    def test_else_by_the_users_salesperson_else_by_the_user_name(self, sales_user):
        assert "today by sales at 08:30" in self.warning(created_by=sales_user)
        SalespersonFactory(name="Anna Visser", user=sales_user)
        sales_user.refresh_from_db()
        assert "today by Anna Visser at 08:30" in self.warning(created_by=sales_user)

    def test_without_a_user_by_the_entrys_salesperson_else_unknown(self):
        assert "today by Piet Jansen at 08:30" in self.warning()
        assert "today by an unknown user at 08:30" in self.warning(salesperson=None)

    def test_without_a_time_there_is_no_at(self):
        assert self.warning(time=None) == (
            "An interaction with this template was already logged for this contact "
            "today by Piet Jansen — log anyway?"
        )
        entry = InteractionLogEntryFactory(
            salesperson=SalespersonFactory(name="Piet Jansen"),
            date=datetime.date(2026, 1, 5),
            time=None,
        )
        assert duplicate_warning(entry) == (
            "An interaction with this template was already logged for this contact "
            "on Jan. 5, 2026 by Piet Jansen — log anyway?"
        )


class TestTemplateFill:
    url = reverse("interactions:entry_form_fields")

    def test_choosing_a_template_fills_its_values(
        self, sales_client, contact, template
    ):
        contact.correspondence_type = "email"
        contact.save()
        response = sales_client.get(
            self.url,
            {"contact": contact.no, "template": template.pk, "description": ""},
        )
        form = response.context["form"]
        assert form["description"].value() == "Phone call"
        assert form["cost"].value() == Decimal("2.50")
        assert form["duration"].value() == 15
        assert form["information_flow"].value() == "outbound"
        assert form["initiated_by"].value() == "us"
        assert form["correspondence_type"].value() == "email"  # the contact's
        assert b'id="entry-fields"' in response.content

    def test_a_typed_description_is_kept_and_a_template_description_replaced(
        self, sales_client, contact, template
    ):
        InteractionTemplateFactory(description="Visit")
        params = {"contact": contact.no, "template": template.pk}
        kept = sales_client.get(
            self.url, {**params, "description": "About the invoice"}
        )
        assert kept.context["form"]["description"].value() == "About the invoice"
        replaced = sales_client.get(self.url, {**params, "description": "Visit"})
        assert replaced.context["form"]["description"].value() == "Phone call"

    def test_locked_fields_stay_locked(self, sales_client, contact, template):
        response = sales_client.get(
            self.url, {"lock_contact": contact.no, "template": template.pk}
        )
        form = response.context["form"]
        assert form.fields["contact"].disabled
        assert form["contact"].value() == contact.no

    def test_garbage_parameters_render_the_blank_form(self, sales_client):
        response = sales_client.get(
            self.url, {"template": "x'; drop", "contact": "\x00"}
        )
        assert response.status_code == 200

    def test_a_template_key_that_int_cannot_read_renders_the_blank_form(
        self, sales_client, template
    ):
        response = sales_client.get(self.url, {"template": "²"})
        assert response.status_code == 200
        assert response.context["form"]["description"].value() is None


class TestWithoutJavaScript:
    """The template's values reach the entry without the live refill: blank fields
    take them when saved, and "Apply template" shows them first."""

    def test_cost_and_duration_start_blank_not_zero(self, sales_client, contact):
        response = sales_client.get(CREATE_URL, {"contact": contact.no})
        form = response.context["form"]
        assert form["cost"].value() is None
        assert form["duration"].value() is None
        assert form.fields["cost"].widget.attrs["placeholder"] == "From the template"
        assert 'value="apply_template"' in response.content.decode()

    def test_saving_with_blank_fields_takes_the_templates_values(
        self, sales_client, contact, template, salesperson
    ):
        response = sales_client.post(
            CREATE_URL,
            form_data(
                contact,
                template,
                salesperson,
                description="",
                cost="",
                duration="",
                information_flow="",
                initiated_by="",
            ),
        )
        assert response.status_code == 302
        entry = InteractionLogEntry.objects.get()
        assert (entry.description, entry.cost, entry.duration) == (
            "Phone call",
            Decimal("2.50"),
            15,
        )
        assert (entry.information_flow, entry.initiated_by) == ("outbound", "us")

    def test_a_typed_zero_is_saved_as_zero(
        self, sales_client, contact, template, salesperson
    ):
        sales_client.post(
            CREATE_URL,
            form_data(contact, template, salesperson, cost="0", duration="0"),
        )
        entry = InteractionLogEntry.objects.get()
        assert (entry.cost, entry.duration) == (Decimal("0"), 0)

    def test_apply_template_fills_the_form_and_saves_nothing(
        self, sales_client, contact, template, salesperson
    ):
        contact.correspondence_type = "email"
        contact.save()
        response = sales_client.post(
            f"{CREATE_URL}?contact={contact.no}",
            {
                "lock_contact": contact.no,
                "template": template.pk,
                "description": "",
                "salesperson": salesperson.pk,
                "subject": "Offer",
                "cost": "",
                "duration": "",
                "action": "apply_template",
            },
        )
        assert response.status_code == 200
        assert not InteractionLogEntry.objects.exists()
        form = response.context["form"]
        assert not form.is_bound
        assert form.fields["contact"].disabled
        assert form["contact"].value() == contact.no
        assert form["template"].value() == template.code
        assert form["description"].value() == "Phone call"
        assert form["cost"].value() == Decimal("2.50")
        assert form["duration"].value() == 15
        assert form["information_flow"].value() == "outbound"
        assert form["correspondence_type"].value() == "email"  # the contact's
        assert form["subject"].value() == "Offer"  # what the user typed stays

    def test_apply_template_and_the_live_refill_show_the_same_values(
        self, sales_client, contact, template
    ):
        data = {"contact": contact.no, "template": template.pk, "description": ""}
        applied = sales_client.post(CREATE_URL, {**data, "action": "apply_template"})
        refilled = sales_client.get(reverse("interactions:entry_form_fields"), data)
        names = services.TEMPLATE_VALUES
        assert {name: applied.context["form"][name].value() for name in names} == {
            name: refilled.context["form"][name].value() for name in names
        }

    def test_apply_template_on_resume_keeps_the_postponed_entry(
        self, sales_client, contact, template, sales_user
    ):
        draft = services.postpone_interaction(contact=contact, user=sales_user)
        url = reverse("interactions:entry_resume", args=[draft.pk])
        assert sales_client.get(url).context["form"]["cost"].value() is None
        response = sales_client.post(
            url,
            {
                "contact": contact.no,
                "template": template.pk,
                "action": "apply_template",
            },
        )
        assert response.status_code == 200
        assert response.context["entry"] == draft
        assert response.context["form"]["duration"].value() == 15
        draft.refresh_from_db()
        assert draft.postponed
        assert draft.template is None


class TestResume:
    @pytest.fixture
    def postponed(self, contact, template, sales_user):
        entry = services.postpone_interaction(
            contact=contact, user=sales_user, template=template, description="Draft"
        )
        InteractionLogEntry.objects.filter(pk=entry.pk).update(
            date=datetime.date(2026, 1, 5)
        )
        entry.refresh_from_db()
        return entry

    def url(self, entry):
        return reverse("interactions:entry_resume", args=[entry.pk])

    def test_resume_shows_the_stored_values_dated_today(self, sales_client, postponed):
        response = sales_client.get(self.url(postponed))
        form = response.context["form"]
        assert form["description"].value() == "Draft"
        assert form["date"].value() == timezone.localdate()
        assert "originally dated" in response.content.decode()

    def test_ok_finishes_the_same_entry(
        self, sales_client, postponed, template, salesperson
    ):
        response = sales_client.post(
            self.url(postponed),
            form_data(postponed.contact, template, salesperson, description="Done"),
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("interactions:postponed_list")
        entry = InteractionLogEntry.objects.get()
        assert entry.pk == postponed.pk
        assert not entry.postponed
        assert entry.description == "Done"

    def test_postponing_again_keeps_the_same_postponed_entry(
        self, sales_client, postponed
    ):
        sales_client.post(
            self.url(postponed),
            {
                "action": "postpone",
                "contact": postponed.contact.no,
                "description": "Later",
            },
        )
        entry = InteractionLogEntry.objects.get()
        assert entry.pk == postponed.pk
        assert entry.postponed
        assert entry.description == "Later"

    def test_a_logged_entry_cannot_be_resumed(
        self, sales_client, contact, template, salesperson, sales_user
    ):
        entry = log(contact, template, sales_user)
        assert sales_client.get(self.url(entry)).status_code == 404


class TestLogEntryList:
    def test_lists_logged_entries_but_not_postponed_ones(
        self, sales_client, contact, template, sales_user, salesperson
    ):
        logged = log(contact, template, sales_user, description="Logged one")
        services.postpone_interaction(
            contact=contact, user=sales_user, description="Draft"
        )
        response = sales_client.get(LIST_URL)
        assert list(response.context["page_obj"].object_list) == [logged]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"contact": "CT00010"}, ["mine"]),
            ({"company": "CT00099"}, ["mine"]),
            ({"canceled": "true"}, ["canceled"]),
            ({"canceled": "false"}, ["mine", "other"]),
            ({"date_from": "2026-02-01"}, ["other"]),
            ({"date_to": "2026-01-31"}, ["mine", "canceled"]),
            ({"evaluation": "positive"}, ["other"]),
            ({"document_no": "si-1"}, ["other"]),
            ({"q": "other"}, ["other"]),
        ],
    )
    def test_filters(
        self, sales_client, template, sales_user, salesperson, params, expected
    ):
        company = CompanyFactory(no="CT00099")
        mine = PersonFactory(no="CT00010", company=company)
        other_contact = PersonFactory(no="CT00011")
        log(
            mine,
            template,
            sales_user,
            description="mine",
            date=datetime.date(2026, 1, 2),
        )
        canceled = log(
            other_contact,
            template,
            sales_user,
            description="canceled",
            date=datetime.date(2026, 1, 3),
        )
        services.set_canceled([canceled], True, user=sales_user)
        log(
            other_contact,
            template,
            sales_user,
            description="other",
            date=datetime.date(2026, 3, 1),
            evaluation="positive",
            document_type="sales_invoice",
            document_no="SI-1",
        )
        response = sales_client.get(LIST_URL, params)
        found = {
            entry.description for entry in response.context["page_obj"].object_list
        }
        assert found == set(expected)

    def test_sorting_by_cost(
        self, sales_client, contact, template, sales_user, salesperson
    ):
        log(contact, template, sales_user, description="cheap", cost=Decimal(1))
        log(contact, template, sales_user, description="dear", cost=Decimal(9))
        response = sales_client.get(LIST_URL, {"ordering": "-cost"})
        order = [e.description for e in response.context["page_obj"].object_list]
        assert order == ["dear", "cheap"]

    def test_create_interaction_link_carries_the_contact_filter(
        self, sales_client, contact
    ):
        response = sales_client.get(LIST_URL, {"contact": contact.no})
        assert f"{CREATE_URL}?contact={contact.no}" in response.content.decode()

    def test_create_interaction_leads_back_to_the_card_it_came_from(
        self, sales_client, contact, salesperson
    ):
        def crumbs(query):
            page = sales_client.get(
                CREATE_URL, query, headers={"Accept-Language": "nl"}
            ).content.decode()
            return page.split('<ol class="breadcrumb">')[1].split("</ol>")[0]

        trail = crumbs({"contact": contact.no})
        assert f'<a href="{reverse("crm:contact_list")}">Contacten</a>' in trail
        assert f'<a href="{contact.get_absolute_url()}">{contact.name}</a>' in trail
        trail = crumbs({"salesperson": salesperson.pk})
        assert f'<a href="{salesperson.get_absolute_url()}">{salesperson.name}' in trail
        assert ">Interactielogposten</a>" in crumbs({})

    def test_create_interaction_focuses_the_first_field_to_fill(
        self, sales_client, contact
    ):
        def focused(query):
            form = sales_client.get(CREATE_URL, query).context["form"]
            return [
                name
                for name, f in form.fields.items()
                if f.widget.attrs.get("autofocus")
            ]

        assert focused({}) == ["contact"]
        assert focused({"contact": contact.no}) == ["template"]

    def test_query_count_does_not_grow_with_rows(
        self,
        sales_client,
        template,
        sales_user,
        salesperson,
        django_assert_max_num_queries,
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        log(PersonFactory(), template, sales_user)
        with CaptureQueriesContext(connection) as one:
            sales_client.get(LIST_URL)
        for _ in range(50):
            log(PersonFactory(), template, sales_user)
        with django_assert_max_num_queries(len(one)):
            response = sales_client.get(LIST_URL)
        assert len(response.context["page_obj"].object_list) == 25


def bulk(client, action, entries=(), **extra):
    data = {"action": action, "scope": "selected", "query": ""}
    data["selected"] = [entry.pk for entry in entries]
    data.update(extra)
    return client.post(reverse("interactions:entry_bulk"), data)


class TestBulkActions:
    @pytest.fixture
    def entries(self, contact, template, sales_user, salesperson):
        return [
            log(contact, template, sales_user, description=f"e{i}") for i in range(3)
        ]

    def test_mark_canceled_asks_first_naming_the_count(self, sales_client, entries):
        response = bulk(sales_client, "cancel", entries[:2])
        assert response.status_code == 200
        assert "Do you wish to mark the selected 2 lines as canceled?" in (
            response.content.decode()
        )
        assert not InteractionLogEntry.objects.filter(canceled=True).exists()

    def test_the_entry_page_marks_and_evaluates_its_entry_and_comes_back(
        self, sales_client, entries
    ):
        entry = entries[0]
        page_url = reverse("interactions:entry_detail", args=[entry.pk])
        page = sales_client.get(page_url).content.decode()
        assert f'<input type="hidden" name="next" value="{page_url}">' in page
        assert ">Mark canceled</button>" in page
        # Not evaluated yet: nothing is chosen for it (the first evaluation was).
        assert '<option value="" selected disabled>Choose…</option>' in page
        asked = bulk(sales_client, "cancel", [entry], next=page_url)
        assert f'name="next" value="{page_url}"' in asked.content.decode()
        assert f'href="{page_url}">No</a>' in asked.content.decode()
        done = bulk(sales_client, "cancel", [entry], next=page_url, confirmed="on")
        assert done["Location"] == page_url
        entry.refresh_from_db()
        assert entry.canceled
        assert ">Remove canceled mark</button>" in (
            sales_client.get(page_url).content.decode()
        )
        done = bulk(
            sales_client,
            "evaluate",
            [entry],
            evaluation="positive",
            next=page_url,
            confirmed="on",
        )
        assert done["Location"] == page_url
        entry.refresh_from_db()
        assert entry.evaluation == "positive"
        page = sales_client.get(page_url).content.decode()
        assert 'value="" selected' not in page
        assert '<option value="positive" selected>' in page
        # Another site's address, or what is no path, is not followed: the list.
        # ("0" was a 500: redirect() took it for a URL's name; found by the fuzzer.)
        for away in ("https://evil.example/", "//evil.example/", "0", "x" * 100):
            assert bulk(sales_client, "uncancel", [entry], next=away).status_code == 200
            response = bulk(
                sales_client, "uncancel", [entry], next=away, confirmed="on"
            )
            assert response["Location"] == LIST_URL

    def test_confirmed_mark_canceled_cancels_only_the_selection(
        self, sales_client, entries
    ):
        response = bulk(sales_client, "cancel", entries[:2], confirmed="on")
        assert response.status_code == 302
        canceled = set(InteractionLogEntry.objects.filter(canceled=True))
        assert canceled == set(entries[:2])
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages == ["2 interaction log entries marked canceled."]

    @pytest.mark.parametrize("key", ["99999999999999999999", "²"])
    def test_a_key_the_database_cannot_hold_is_refused(
        self, sales_client, entries, key
    ):
        # SQLite cannot compare with a number past its integer range.
        response = bulk(
            sales_client, "cancel", selected=[entries[0].pk, key], confirmed="on"
        )
        assert response.status_code == 302
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages == ["The request was not valid."]
        assert not InteractionLogEntry.objects.filter(canceled=True).exists()

    def test_all_matching_the_filter(self, sales_client, entries, template, sales_user):
        other = log(PersonFactory(no="CT00077"), template, sales_user)
        bulk(
            sales_client, "cancel", scope="all", query="contact=CT00010", confirmed="on"
        )
        assert set(InteractionLogEntry.objects.filter(canceled=True)) == set(entries)
        other.refresh_from_db()
        assert not other.canceled

    def test_all_matching_filters_it_cannot_read_is_refused(
        self, sales_client, entries
    ):
        # The filter would be left out, and "all" be more than the list showed.
        response = bulk(
            sales_client,
            "cancel",
            scope="all",
            query="contact=CT00010&date_from=2026-02-30",
            confirmed="on",
        )
        assert response.status_code == 302
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages == ["The list's filters are not valid. Filter the list again."]
        assert not InteractionLogEntry.objects.filter(canceled=True).exists()

    def test_a_query_too_long_to_redirect_to_goes_back_to_the_plain_list(
        self, sales_client, entries
    ):
        # Django refuses to redirect to a URL this long: the page answered 400
        # although the entries were canceled.
        response = bulk(
            sales_client,
            "cancel",
            entries[:1],
            query=f"q={'x' * 20_000}",
            confirmed="on",
        )
        assert response.status_code == 302
        assert response["Location"] == LIST_URL
        assert InteractionLogEntry.objects.filter(canceled=True).count() == 1

    def test_remove_canceled_mark_refused_while_the_logged_segment_is_canceled(
        self, sales_client, entries
    ):
        segment = LoggedSegmentFactory(segment_no="SM00001", canceled=True)
        InteractionLogEntry.objects.filter(pk=entries[0].pk).update(
            canceled=True, logged_segment=segment
        )
        response = bulk(sales_client, "uncancel", entries[:1], confirmed="on")
        messages = [str(m) for m in response.wsgi_request._messages]
        assert len(messages) == 1
        assert "SM00001" in messages[0]
        assert InteractionLogEntry.objects.get(pk=entries[0].pk).canceled

    def test_evaluate(self, sales_client, entries):
        bulk(sales_client, "evaluate", entries, evaluation="negative", confirmed="on")
        assert set(
            InteractionLogEntry.objects.values_list("evaluation", flat=True)
        ) == {"negative"}

    @pytest.mark.parametrize(
        "data",
        [
            {"action": "cancel", "scope": "selected", "selected": ["abc"]},
            {"action": "cancel", "scope": "selected"},
            {"action": "explode", "scope": "selected", "selected": ["1"]},
            {"action": "evaluate", "scope": "all", "evaluation": "superb"},
            {"action": "delete", "scope": "all", "confirmed": "on"},
        ],
    )
    def test_bad_requests_change_nothing(self, sales_client, entries, data):
        response = sales_client.post(reverse("interactions:entry_bulk"), data)
        assert response.status_code == 302
        assert InteractionLogEntry.objects.count() == 3
        assert not InteractionLogEntry.objects.filter(canceled=True).exists()
        assert not InteractionLogEntry.objects.exclude(evaluation="").exists()

    def test_get_is_not_allowed(self, sales_client):
        assert sales_client.get(reverse("interactions:entry_bulk")).status_code == 405


class TestPostponedList:
    url = reverse("interactions:postponed_list")

    def test_lists_postponed_and_deletes_after_confirmation(
        self, sales_client, contact, sales_user
    ):
        draft = services.postpone_interaction(contact=contact, user=sales_user)
        response = sales_client.get(self.url, {"contact": contact.no})
        assert list(response.context["page_obj"].object_list) == [draft]
        bulk_url = reverse("interactions:postponed_bulk")
        data = {"action": "delete", "scope": "selected", "selected": [draft.pk]}
        asked = sales_client.post(bulk_url, data)
        assert "Delete the selected 1 postponed interaction?" in asked.content.decode()
        assert InteractionLogEntry.objects.exists()
        sales_client.post(bulk_url, {**data, "confirmed": "on"})
        assert not InteractionLogEntry.objects.exists()

    def test_sales_user_cannot_delete_someone_elses_postponed_entry(
        self, sales_client, contact
    ):
        from tests.factories import SalesUserFactory

        draft = services.postpone_interaction(contact=contact, user=SalesUserFactory())
        response = sales_client.post(
            reverse("interactions:postponed_bulk"),
            {
                "action": "delete",
                "scope": "selected",
                "selected": [draft.pk],
                "confirmed": "on",
            },
        )
        assert response.status_code == 302
        assert InteractionLogEntry.objects.filter(pk=draft.pk).exists()

    def test_query_count_does_not_grow_with_rows(
        self, sales_client, sales_user, django_assert_max_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        services.postpone_interaction(contact=PersonFactory(), user=sales_user)
        with CaptureQueriesContext(connection) as one:
            sales_client.get(self.url)
        for _ in range(50):
            services.postpone_interaction(contact=PersonFactory(), user=sales_user)
        with django_assert_max_num_queries(len(one)):
            sales_client.get(self.url)


class TestEntryDetailAndAttachment:
    def test_detail_and_download_with_login(
        self,
        sales_client,
        client,
        contact,
        template,
        sales_user,
        salesperson,
        settings,
        tmp_path,
    ):
        settings.MEDIA_ROOT = tmp_path
        entry = log(
            contact,
            template,
            sales_user,
            attachment=SimpleUploadedFile("note.txt", b"hello", "text/plain"),
        )
        assert sales_client.get(entry.get_absolute_url()).status_code == 200
        url = reverse("interactions:entry_attachment", args=[entry.pk])
        response = sales_client.get(url)
        assert response.status_code == 200
        # Named after the entry, with the file's extension; not the stored name.
        assert response["Content-Disposition"] == (
            f'attachment; filename="{entry.description}.txt"'
        )
        assert b"".join(response.streaming_content) == b"hello"
        client.logout()
        assert client.get(url).status_code == 302

    def test_no_attachment_is_404(
        self, sales_client, contact, template, sales_user, salesperson
    ):
        entry = log(contact, template, sales_user)
        url = reverse("interactions:entry_attachment", args=[entry.pk])
        assert sales_client.get(url).status_code == 404


class TestDeleteCanceledPage:
    url = reverse("interactions:delete_canceled")

    def test_sales_users_may_not(self, sales_client):
        assert sales_client.get(self.url).status_code == 403

    def test_counts_then_deletes_only_canceled_entries(
        self, crm_admin_client, contact, template, admin_user_crm
    ):
        salesperson = SalespersonFactory()
        kept = log(contact, template, admin_user_crm, salesperson=salesperson)
        gone = log(contact, template, admin_user_crm, salesperson=salesperson)
        services.set_canceled([gone], True, user=admin_user_crm)
        counted = crm_admin_client.post(self.url, {"contact": contact.no})
        assert counted.context["count"] == 1
        assert InteractionLogEntry.objects.count() == 2
        response = crm_admin_client.post(
            self.url,
            {
                "contact": contact.no,
                "confirmed": "1",
                "counted_filters": counted.context["counted_filters"],
            },
        )
        assert response.status_code == 302
        assert list(InteractionLogEntry.objects.all()) == [kept]
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages == ["1 interaction log entry deleted."]

    def test_changed_filters_are_counted_again_before_deleting(
        self, crm_admin_client, contact, template, admin_user_crm
    ):
        entry = log(contact, template, admin_user_crm, salesperson=SalespersonFactory())
        services.set_canceled([entry], True, user=admin_user_crm)
        counted = crm_admin_client.post(self.url, {"contact": "CT99999"})
        assert counted.context["form"].errors["contact"]
        counted = crm_admin_client.post(self.url, {"date_to": "2000-01-01"})
        response = crm_admin_client.post(
            self.url,
            {"confirmed": "1", "counted_filters": counted.context["counted_filters"]},
        )
        assert response.status_code == 200
        assert response.context["count"] == 1
        assert InteractionLogEntry.objects.exists()

    def test_bad_date_range_is_an_error(self, crm_admin_client):
        response = crm_admin_client.post(
            self.url, {"date_from": "2026-05-01", "date_to": "2026-01-01"}
        )
        assert response.context["form"].non_field_errors() == [
            "The start date is after the end date."
        ]

    def test_from_and_to_include_their_own_days(
        self, crm_admin_client, contact, template, admin_user_crm
    ):
        # A month typed as 01-12-2026 to 31-12-2026 holds its first and last day,
        # as every list's From / To does; the days around it stay.
        salesperson = SalespersonFactory()
        days = [datetime.date(2026, 11, 30), datetime.date(2026, 12, 1)]
        days += [datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)]
        entries = [
            log(contact, template, admin_user_crm, salesperson=salesperson, date=day)
            for day in days
        ]
        services.set_canceled(entries, True, user=admin_user_crm)
        month = {"date_from": "2026-12-01", "date_to": "2026-12-31"}
        counted = crm_admin_client.post(self.url, month)
        assert counted.context["count"] == 2
        crm_admin_client.post(
            self.url,
            {
                **month,
                "confirmed": "1",
                "counted_filters": counted.context["counted_filters"],
            },
        )
        assert sorted(InteractionLogEntry.objects.values_list("date", flat=True)) == [
            days[0],
            days[3],
        ]


class TestSetupPages:
    def test_template_list_shows_statistics_without_canceled_or_postponed(
        self, crm_admin_client, contact, template, admin_user_crm
    ):
        salesperson = SalespersonFactory()
        log(contact, template, admin_user_crm, salesperson=salesperson, cost=Decimal(3))
        canceled = log(contact, template, admin_user_crm, salesperson=salesperson)
        services.set_canceled([canceled], True, user=admin_user_crm)
        services.postpone_interaction(
            contact=contact, user=admin_user_crm, template=template
        )
        response = crm_admin_client.get(reverse("interactions:template_list"))
        row = response.context["object_list"][0]
        assert (row.statistics["count"], row.statistics["cost"]) == (1, Decimal(3))
        detail = crm_admin_client.get(
            reverse("interactions:template_detail", args=[template.pk])
        )
        assert detail.context["statistics"]["count"] == 1

    def test_the_template_card_shows_its_text_or_that_it_has_none(
        self, crm_admin_client
    ):
        template = InteractionTemplateFactory(
            letter_text="Beste {{ contact.name }},", correspondence_type="email"
        )
        url = reverse("interactions:template_detail", args=[template.pk])

        def card():
            return crm_admin_client.get(url, headers={"Accept-Language": "nl"})

        page = card().content.decode()
        assert "Tekst van brief en e-mail</dt>" in page
        assert "Beste {{ contact.name }}," in page
        template.letter_text = ""
        template.save()
        assert "Geen: brieven en e-mails met dit sjabloon kunnen pas worden " in (
            card().content.decode()
        )
        # A template that sends nothing (a phone call) needs no text.
        template.correspondence_type = ""
        template.save()
        assert "Geen: brieven" not in card().content.decode()
        form = crm_admin_client.get(
            reverse("interactions:template_update", args=[template.pk]),
            headers={"Accept-Language": "nl"},
        ).content.decode()
        assert "Tekst van brief en e-mail" in form

    def test_crm_admin_creates_a_template(self, crm_admin_client):
        group = InteractionGroupFactory(code="LETTER")
        response = crm_admin_client.post(
            reverse("interactions:template_create"),
            {
                "code": "abc",
                "group": group.pk,
                "description": "Letter",
                "unit_cost": "1.00",
                "unit_duration": "5",
                "information_flow": "outbound",
                "initiated_by": "us",
                "correspondence_type": "hard_copy",
            },
        )
        assert response.status_code == 302
        assert group.templates.get().code == "ABC"

    @pytest.mark.parametrize(
        ("name", "service", "data"),
        [
            ("group_create", "create_group", {"code": "visits"}),
            ("group_update", "update_group", {"code": "visits"}),
            ("template_create", "create_template", {"code": "call"}),
            ("template_update", "update_template", {"code": "visit"}),
        ],
    )
    def test_setup_pages_save_through_the_services(
        self, crm_admin_client, admin_user_crm, monkeypatch, name, service, data
    ):
        template = InteractionTemplateFactory(code="VISIT")
        calls = []
        real = getattr(services, service)

        def wrapper(*args, **kwargs):
            calls.append(kwargs["user"])
            return real(*args, **kwargs)

        monkeypatch.setattr(services, service, wrapper)
        form = {"group": template.group.pk, "unit_cost": "1", "unit_duration": "5"}
        obj = template.group if name.startswith("group") else template
        args = [obj.pk] if name.endswith("update") else []

        response = crm_admin_client.post(
            reverse(f"interactions:{name}", args=args), {**form, **data}
        )

        assert response.status_code == 302
        assert calls == [admin_user_crm]

    def test_negative_unit_cost_is_refused(self, crm_admin_client):
        group = InteractionGroupFactory()
        response = crm_admin_client.post(
            reverse("interactions:template_create"),
            {"code": "X", "group": group.pk, "unit_cost": "-1", "unit_duration": "0"},
        )
        assert response.context["form"].errors["unit_cost"]

    @pytest.mark.parametrize("name", ["group_create", "template_create"])
    def test_a_taken_code_is_named_in_dutch(self, crm_admin_client, name):
        group = InteractionGroupFactory(code="BEURS")
        InteractionTemplateFactory(code="BEURS", group=group)

        response = crm_admin_client.post(
            reverse(f"interactions:{name}"),
            {
                "code": "beurs",
                "group": group.pk,
                "unit_cost": "1",
                "unit_duration": "5",
            },
            HTTP_ACCEPT_LANGUAGE="nl",
        )

        assert response.status_code == 400
        assert "Code BEURS bestaat al." in response.content.decode()

    @pytest.mark.parametrize("name", ["group_create", "template_create"])
    def test_sales_users_cannot_change_setup(self, sales_client, name):
        assert sales_client.get(reverse(f"interactions:{name}")).status_code == 403

    @pytest.mark.parametrize("name", ["group_list", "template_list"])
    def test_sales_users_can_read_setup(self, sales_client, name):
        assert sales_client.get(reverse(f"interactions:{name}")).status_code == 200

    def test_group_list_shows_zeros_for_a_group_without_entries(self, sales_client):
        InteractionGroupFactory(code="EMPTY")
        response = sales_client.get(reverse("interactions:group_list"))
        assert response.context["object_list"][0].statistics["count"] == 0
        assert response.content.decode().count(">0.00</td>") == 1

    @pytest.mark.parametrize("name", ["group_list", "template_list"])
    def test_list_query_count_does_not_grow_with_rows_or_entries(
        self,
        sales_client,
        sales_user,
        salesperson,
        contact,
        name,
        django_assert_max_num_queries,
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = reverse(f"interactions:{name}")
        log(contact, InteractionTemplateFactory(), sales_user)
        with CaptureQueriesContext(connection) as one:
            sales_client.get(url)
        for _ in range(20):
            log(contact, InteractionTemplateFactory(), sales_user)
        with django_assert_max_num_queries(len(one)):
            response = sales_client.get(url)
        assert len(response.context["object_list"]) == 21

    def test_template_detail_query_count_does_not_grow_with_entries(
        self,
        sales_client,
        sales_user,
        salesperson,
        contact,
        template,
        django_assert_max_num_queries,
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = reverse("interactions:template_detail", args=[template.pk])
        log(contact, template, sales_user)
        with CaptureQueriesContext(connection) as one:
            sales_client.get(url)
        for _ in range(20):
            log(contact, template, sales_user)
        with django_assert_max_num_queries(len(one)):
            response = sales_client.get(url)
        assert response.context["statistics"]["count"] == 21


class TestCards:
    def test_company_card_shows_its_persons_interactions_and_statistics(
        self, sales_client, template, sales_user, salesperson
    ):
        company = CompanyFactory()
        person = PersonFactory(company=company)
        log(person, template, sales_user, cost=Decimal("4.00"))
        log(company, template, sales_user, cost=Decimal("1.00"))
        services.postpone_interaction(
            contact=person, user=sales_user, description="Later"
        )
        response = sales_client.get(company.get_absolute_url())
        assert response.context["statistics"]["count"] == 2
        assert response.context["statistics"]["cost"] == Decimal("5.00")
        items = response.context["timeline"].items
        assert sorted(e.description for e in items) == [
            "Later",
            "Phone call",
            "Phone call",
        ]
        assert f"{CREATE_URL}?contact={company.no}" in response.content.decode()

    def test_card_pages_through_canceled_entries_but_counts_only_the_others(
        self, sales_client, contact, template, sales_user, salesperson
    ):
        entries = [log(contact, template, sales_user) for _ in range(11)]
        services.set_canceled(entries[:2], True, user=sales_user)
        services.postpone_interaction(contact=contact, user=sales_user)
        response = sales_client.get(salesperson.get_absolute_url(), {"page": 2})
        page = response.context["entries_page"]
        assert (page.paginator.count, page.number, len(page.object_list)) == (11, 2, 1)
        assert response.context["statistics"]["count"] == 9

    def test_salesperson_card_shows_their_interactions(
        self, sales_client, contact, template, sales_user, salesperson
    ):
        log(contact, template, sales_user)
        log(contact, template, sales_user, salesperson=SalespersonFactory())
        response = sales_client.get(salesperson.get_absolute_url())
        assert response.context["statistics"]["count"] == 1

    @pytest.mark.parametrize("card", ["contact", "salesperson"])
    def test_query_count_does_not_grow_with_entries(
        self,
        sales_client,
        template,
        sales_user,
        salesperson,
        card,
        django_assert_max_num_queries,
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        company = CompanyFactory()
        url = (company if card == "contact" else salesperson).get_absolute_url()
        log(PersonFactory(company=company), template, sales_user)
        services.postpone_interaction(contact=company, user=sales_user)
        with CaptureQueriesContext(connection) as one:
            sales_client.get(url)
        for _ in range(50):
            log(PersonFactory(company=company), template, sales_user)
            services.postpone_interaction(contact=company, user=sales_user)
        with django_assert_max_num_queries(len(one)):
            response = sales_client.get(url)
        assert response.context["statistics"]["count"] == 51
