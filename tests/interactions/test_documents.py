"""Automatic recording: log_document, Interaction template setup, e-mails, letters."""

import datetime
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from interactions import correspondence, letters, services
from interactions.models import (
    DocumentType,
    InteractionLogEntry,
    InteractionTemplateSetup,
)
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def email_template():
    return InteractionTemplateFactory(
        code="EMAIL",
        description="E-mail",
        group=InteractionGroupFactory(code="MAIL"),
        correspondence_type="email",
    )


def set_up(document_type, template):
    InteractionTemplateSetup.objects.update_or_create(
        document_type=document_type, defaults={"template": template}
    )


@pytest.fixture
def contact():
    return PersonFactory(
        no="CT00010",
        name="Sanne de Vries",
        email="sanne@example.com",
        address="Dorpsstraat 1",
        post_code="3511 AA",
        city="Utrecht",
        salesperson=SalespersonFactory(code="PV", name="Piet Vos"),
    )


class TestLogDocument:
    def test_every_document_type_has_a_setup_row(self):
        assert set(
            InteractionTemplateSetup.objects.values_list("document_type", flat=True)
        ) == set(DocumentType.values[1:])

    @pytest.mark.parametrize("document_type", DocumentType.values[1:])
    def test_each_type_is_logged_with_its_own_template(
        self, document_type, contact, invoice_template
    ):
        other = InteractionTemplateFactory(code="OTHER")
        for value in DocumentType.values[1:]:
            set_up(value, invoice_template if value == document_type else other)

        entry = services.log_document(
            document_type=document_type, document_no="D1", contact=contact
        )

        assert entry.template == invoice_template
        assert (entry.document_type, entry.document_no) == (document_type, "D1")

    def test_without_a_template_nothing_is_logged(self, contact):
        set_up(DocumentType.SALES_INVOICE, None)
        assert (
            services.log_document(
                document_type="sales_invoice", document_no="F1", contact=contact
            )
            is None
        )
        InteractionTemplateSetup.objects.all().delete()
        assert (
            services.log_document(
                document_type="sales_invoice", document_no="F1", contact=contact
            )
            is None
        )
        assert not InteractionLogEntry.objects.exists()

    def test_defaults_template_description_and_contacts_salesperson(
        self, contact, invoice_template, sales_user
    ):
        set_up(DocumentType.SALES_INVOICE, invoice_template)
        SalespersonFactory(code="OWN", user=sales_user)

        entry = services.log_document(
            document_type="sales_invoice",
            document_no="F1",
            contact=contact,
            user=sales_user,
        )

        assert entry.description == "Sales invoice sent"
        assert entry.salesperson.code == "PV"  # the contact's, not the user's
        assert (entry.cost, entry.duration) == (Decimal("0.50"), 1)
        assert entry.created_by == sales_user
        assert entry.contact_company == contact.company
        assert entry.date == timezone.localdate()

    def test_salesperson_is_optional_and_values_given_win(self, invoice_template, db):
        set_up(DocumentType.SALES_INVOICE, invoice_template)
        no_salesperson = PersonFactory(salesperson=None)
        day = datetime.date(2026, 1, 5)

        entry = services.log_document(
            document_type="sales_invoice",
            document_no="F2",
            contact=no_salesperson,
            description="Invoice F2",
            date=day,
        )

        assert entry.salesperson is None
        assert (entry.description, entry.date) == ("Invoice F2", day)

    def test_a_blocked_contact_salesperson_is_not_used(self, contact, invoice_template):
        set_up(DocumentType.SALES_INVOICE, invoice_template)
        contact.salesperson.blocked = True
        contact.salesperson.save()
        entry = services.log_document(
            document_type="sales_invoice", document_no="F3", contact=contact
        )
        assert entry.salesperson is None

    def test_the_same_document_within_ten_minutes_is_not_doubled(
        self, contact, invoice_template
    ):
        set_up(DocumentType.SALES_INVOICE, invoice_template)
        first = services.log_document(
            document_type="sales_invoice", document_no="F1", contact=contact
        )
        again = services.log_document(
            document_type="sales_invoice", document_no="F1", contact=contact
        )
        assert again.pk == first.pk
        other_contact = services.log_document(
            document_type="sales_invoice",
            document_no="F1",
            contact=PersonFactory(),
        )
        other_type = services.log_document(
            document_type="sales_quote", document_no="F1", contact=contact
        )
        assert other_contact.pk != first.pk
        assert other_type is None  # no template for quotes
        assert InteractionLogEntry.objects.count() == 2

    def test_after_ten_minutes_it_is_logged_again(self, contact, invoice_template):
        set_up(DocumentType.SALES_INVOICE, invoice_template)
        first = services.log_document(
            document_type="sales_invoice", document_no="F1", contact=contact
        )
        InteractionLogEntry.objects.filter(pk=first.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=11)
        )
        again = services.log_document(
            document_type="sales_invoice", document_no="F1", contact=contact
        )
        assert again.pk != first.pk

    def test_documents_without_a_number_are_never_merged(
        self, contact, invoice_template
    ):
        set_up(DocumentType.EMAIL, invoice_template)
        for _ in range(2):
            services.log_document(
                document_type="email", document_no="", contact=contact
            )
        assert InteractionLogEntry.objects.count() == 2

    def test_unknown_document_type_is_refused(self, contact):
        with pytest.raises(ValidationError) as error:
            services.log_document(document_type="fax", document_no="1", contact=contact)
        assert "document_type" in error.value.error_dict


class TestTemplateSetup:
    def test_update_sets_and_clears_templates(self, invoice_template, sales_user):
        changed = services.update_template_setup(
            {"sales_invoice": invoice_template, "sales_quote": None}, user=sales_user
        )
        assert changed == 1
        assert services.document_template("sales_invoice") == invoice_template
        assert (
            services.update_template_setup({"sales_invoice": None}, user=sales_user)
            == 1
        )
        assert services.document_template("sales_invoice") is None

    def test_missing_rows_are_created_and_blocked_templates_refused(
        self, invoice_template, sales_user
    ):
        InteractionTemplateSetup.objects.all().delete()
        services.update_template_setup(
            {"sales_invoice": invoice_template}, user=sales_user
        )
        assert InteractionTemplateSetup.objects.count() == 1
        invoice_template.blocked = True
        with pytest.raises(ValidationError, match="blocked"):
            services.update_template_setup(
                {"sales_quote": invoice_template}, user=sales_user
            )
        with pytest.raises(ValidationError, match="Unknown document type"):
            services.update_template_setup({"fax": None}, user=sales_user)

    def test_setup_page_edits_all_types_on_one_form(
        self, crm_admin_client, invoice_template, email_template
    ):
        url = reverse("interactions:template_setup")
        response = crm_admin_client.get(url)
        assert len(response.context["form"].fields) == len(DocumentType.values) - 1
        data = dict.fromkeys(DocumentType.values[1:], "")
        data.update(sales_invoice=invoice_template.pk, email=email_template.pk)
        response = crm_admin_client.post(url, data, follow=True)
        assert "has been saved" in response.content.decode()
        assert services.document_template("email") == email_template
        response = crm_admin_client.post(url, {**data, "email": "999999"})
        assert "email" in response.context["form"].errors

    def test_setup_page_is_for_crm_admins(self, sales_client):
        response = sales_client.get(reverse("interactions:template_setup"))
        assert response.status_code == 403


class TestSendEmail:
    def test_sends_then_logs_an_email_entry(
        self, settings, contact, email_template, sales_user
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        set_up(DocumentType.EMAIL, email_template)
        email_template.attachment.save("offer.pdf", ContentFile(b"%PDF-1.4"))
        SalespersonFactory(code="ME", email="me@example.com", user=sales_user)

        entry = correspondence.send_email(
            contact=contact, subject="Our offer", body="Dear Sanne", user=sales_user
        )

        [message] = mail.outbox
        assert message.to == ["sanne@example.com"]
        assert (message.subject, message.body) == ("Our offer", "Dear Sanne")
        assert message.reply_to == ["me@example.com"]
        assert len(message.attachments) == 1
        assert entry.document_type == "email"
        assert entry.correspondence_type == "email"
        assert (entry.description, entry.subject) == ("Our offer", "Our offer")
        assert entry.salesperson.code == "ME"

    def test_no_address_or_no_template_sends_and_logs_nothing(
        self, settings, contact, sales_user
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        set_up(DocumentType.EMAIL, None)
        with pytest.raises(ValidationError, match="set one up for e-mails"):
            correspondence.send_email(
                contact=contact, subject="S", body="B", user=sales_user
            )
        contact.email = ""
        with pytest.raises(ValidationError, match="has no e-mail address"):
            correspondence.send_email(
                contact=contact, subject="S", body="B", user=sales_user
            )
        assert mail.outbox == []
        assert not InteractionLogEntry.objects.exists()

    def test_a_backend_failure_logs_nothing(
        self, monkeypatch, contact, email_template, sales_user
    ):
        def refuse(self, fail_silently=False):
            raise smtplib.SMTPRecipientsRefused({"sanne@example.com": (550, b"no")})

        monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(ValidationError, match="could not be sent"):
            correspondence.send_email(
                contact=contact,
                subject="S",
                body="B",
                user=sales_user,
                template=email_template,
            )
        assert not InteractionLogEntry.objects.exists()

    def test_page_sends_and_returns_to_the_contact(
        self, settings, sales_client, contact, email_template
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        url = f"{reverse('interactions:send_email')}?contact={contact.no}"
        response = sales_client.post(
            url,
            {"subject": "Hello", "body": "Text", "template": email_template.pk},
        )
        assert response.url == contact.get_absolute_url()
        assert len(mail.outbox) == 1
        assert InteractionLogEntry.objects.get().document_type == "email"

    @pytest.mark.parametrize("subject", ["Hello\r\nBcc: x@example.com", "A\nB", "A\rB"])
    def test_a_subject_with_a_line_break_is_refused_next_to_the_field(
        self, settings, sales_client, contact, email_template, subject
    ):
        """Finding 6 of issue 16: CR/LF in the subject gave a 500."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        url = f"{reverse('interactions:send_email')}?contact={contact.no}"

        response = sales_client.post(
            url, {"subject": subject, "body": "Text", "template": email_template.pk}
        )

        assert response.status_code == 400
        assert response.context["form"].errors == {
            "subject": ["The subject must be one line, without line breaks."]
        }
        assert mail.outbox == []
        assert not InteractionLogEntry.objects.exists()

    def test_page_errors_stay_on_the_form(self, sales_client, contact):
        set_up(DocumentType.EMAIL, None)
        url = f"{reverse('interactions:send_email')}?contact={contact.no}"
        response = sales_client.post(url, {"subject": "", "body": "Text"})
        assert set(response.context["form"].errors) == {"subject"}
        response = sales_client.post(url, {"subject": "S", "body": "Text"})
        assert "template" in response.context["form"].errors
        assert (
            sales_client.get(
                f"{reverse('interactions:send_email')}?contact=NOPE"
            ).status_code
            == 404
        )


LETTER = (
    "{{ date }}\n\nDear {{contact.name}},\n\nYour address: {{ contact.address }}, "
    "{{ contact.post_code }} {{ contact.city }}.\n\n"
    "Kind regards,\n{{ salesperson.name }}"
)


class TestLetters:
    @pytest.fixture
    def letter_template(self):
        return InteractionTemplateFactory(
            code="LETTER", description="Welcome letter", letter_text=LETTER
        )

    def test_placeholders_are_filled(self, contact, letter_template):
        salesperson = SalespersonFactory(name="Anna Visser")
        text = letters.render_letter(
            letter_template,
            contact=contact,
            salesperson=salesperson,
            date=datetime.date(2026, 11, 21),
        )
        assert "Dear Sanne de Vries," in text
        assert "Dorpsstraat 1, 3511 AA Utrecht." in text
        assert text.endswith("Anna Visser")
        assert "2026" in text

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("{{ contact.password }}", "Unknown placeholder {{ contact.password }}"),
            ("{{ contact.company.users }}", "Unknown placeholder"),
            ("{{ settings.SECRET_KEY }}", "Unknown placeholder"),
            ("{% debug %}", "Template tags"),
            ("{% load static %}{{ contact.name }}", "Template tags"),
            ("Dear {{ contact.name", "not closed"),
        ],
    )
    def test_anything_outside_the_sandbox_is_refused(self, contact, text, message):
        template = InteractionTemplateFactory(letter_text=text)
        assert any(message in error for error in letters.letter_errors(text))
        with pytest.raises(ValidationError):
            letters.render_letter(template, contact=contact, salesperson=None)

    @pytest.mark.parametrize("language", ["en", "nl"])
    def test_the_template_tag_message_shows_single_percent_signs(self, language):
        """Finding 15 of issue 16: the message showed {%% … %%} literally."""
        with translation.override(language):
            [message] = letters.letter_errors("{% debug %}")

        assert "{% … %}" in message
        assert "%%" not in message

    def test_values_are_plain_text_not_markup(self, letter_template, db):
        contact = PersonFactory(name="<script>alert(1)</script> {{ date }}")
        text = letters.render_letter(letter_template, contact=contact, salesperson=None)
        assert "<script>alert(1)</script> {{ date }}" in text  # not substituted again

    def test_the_template_form_checks_the_letter_text(self, crm_admin_client):
        group = InteractionGroupFactory()
        response = crm_admin_client.post(
            reverse("interactions:template_create"),
            {
                "code": "BAD",
                "group": group.pk,
                "unit_cost": "0",
                "unit_duration": "0",
                "letter_text": "Hi {{ contact.secret }}",
            },
        )
        assert "Unknown placeholder" in str(response.context["form"].errors)

    def test_letter_page_shows_the_letter_and_logs_on_confirm_only(
        self, sales_client, contact, letter_template
    ):
        url = reverse("interactions:letter")
        response = sales_client.get(
            url, {"contact": contact.no, "template": letter_template.pk}
        )
        assert "Dear Sanne de Vries," in response.content.decode()
        assert not InteractionLogEntry.objects.exists()
        response = sales_client.post(
            url, {"contact": contact.no, "template": letter_template.pk}
        )
        assert response.url == contact.get_absolute_url()
        entry = InteractionLogEntry.objects.get()
        assert entry.document_type == "cover_sheet"
        assert entry.template == letter_template
        assert entry.correspondence_type == "hard_copy"

    def test_letter_page_escapes_and_handles_bad_input(
        self, sales_client, letter_template
    ):
        contact = PersonFactory(name="<b>Bold</b>")
        url = reverse("interactions:letter")
        response = sales_client.get(
            url, {"contact": contact.no, "template": letter_template.pk}
        )
        assert "&lt;b&gt;Bold&lt;/b&gt;" in response.content.decode()
        response = sales_client.get(url, {"contact": contact.no, "template": "x"})
        assert response.status_code == 400
        assert response.context["form"].errors
        broken = InteractionTemplateFactory(letter_text="ok")
        type(broken).objects.filter(pk=broken.pk).update(letter_text="{{ nope }}")
        response = sales_client.get(url, {"contact": contact.no, "template": broken.pk})
        assert "Unknown placeholder" in response.content.decode()
        response = sales_client.post(
            url, {"contact": contact.no, "template": broken.pk}
        )
        assert response.status_code == 400
        assert not InteractionLogEntry.objects.exists()


def test_the_template_form_names_every_placeholder_a_letter_may_hold(
    crm_admin_client,
):
    # It once said "and the others listed on the letter page", which lists none.
    page = crm_admin_client.get(
        reverse("interactions:template_create"), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    names = ", ".join(f"{{{{ {name} }}}}" for name in letters.PLACEHOLDERS)
    assert f"Tijdelijke aanduidingen: {names}." in page
    assert "{{ salesperson.job_title }}" in names
