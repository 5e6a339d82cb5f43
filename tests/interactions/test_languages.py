"""Template language versions (NAV's Interaction Template Language): the services,
the "Languages" table on the template page, the admin, and the single-contact
e-mail and letter pages writing in the contact's language."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions import correspondence, services
from interactions.models import (
    DocumentType,
    InteractionLogEntry,
    InteractionTemplateLanguage,
    InteractionTemplateSetup,
)
from tests.factories import (
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    InteractionTemplateLanguageFactory,
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DUTCH_LETTER = "Beste {{ contact.name }}, hierbij ons aanbod."
ENGLISH_LETTER = "Dear {{ contact.name }}, please find our offer."


@pytest.fixture
def offer():
    return InteractionTemplateFactory(
        code="OFFER", description="Offer", letter_text=DUTCH_LETTER
    )


def add_version(template, language_code="en", **values):
    return services.create_template_language(
        template,
        user=None,
        language_code=language_code,
        **{
            "description": "Offer (English)",
            "subject": "Our offer for {{ contact.name }}",
            "body": ENGLISH_LETTER,
            **values,
        },
    )


class TestServices:
    def test_create_adds_a_version(self, offer):
        version = add_version(offer)

        assert version.pk is not None
        assert list(offer.languages.values_list("language_code", flat=True)) == ["en"]

    def test_a_second_version_in_the_same_language_is_refused(self, offer):
        add_version(offer)

        with pytest.raises(ValidationError) as refused:
            add_version(offer, description="Again")

        assert refused.value.message_dict == {
            "language_code": ["This template already has a version in this language."]
        }
        assert offer.languages.count() == 1

    def test_another_template_may_have_the_same_language(self, offer):
        add_version(offer)
        add_version(InteractionTemplateFactory())

        assert InteractionTemplateLanguage.objects.count() == 2

    def test_the_body_holds_only_the_letter_placeholders(self, offer):
        with pytest.raises(ValidationError) as refused:
            add_version(offer, body="Dear {{ contact.password }}")

        assert "Unknown placeholder {{ contact.password }}" in " ".join(
            refused.value.message_dict["body"]
        )
        assert not offer.languages.exists()

    def test_an_unknown_language_is_refused(self, offer):
        with pytest.raises(ValidationError) as refused:
            add_version(offer, language_code="xx")

        assert list(refused.value.message_dict) == ["language_code"]

    def test_update_changes_the_version_and_keeps_its_language_unique(self, offer):
        english = add_version(offer)
        german = add_version(offer, language_code="de")

        services.update_template_language(english, user=None, subject="Offer")
        with pytest.raises(ValidationError, match="already has a version"):
            services.update_template_language(german, user=None, language_code="en")

        english.refresh_from_db()
        german.refresh_from_db()
        assert (english.subject, german.language_code) == ("Offer", "de")

    def test_a_replaced_attachment_file_goes_once_unused(
        self, offer, media_root, django_capture_on_commit_callbacks
    ):
        version = add_version(
            offer, attachment=SimpleUploadedFile("offer-en.pdf", b"%PDF-1.4 en")
        )
        old = version.attachment.name
        assert default_storage.exists(old)

        with django_capture_on_commit_callbacks(execute=True):
            services.update_template_language(
                version,
                user=None,
                attachment=SimpleUploadedFile("offer-en-2.pdf", b"%PDF-1.4 v2"),
            )

        assert not default_storage.exists(old)
        assert default_storage.exists(version.attachment.name)

    def test_delete_removes_the_version_and_its_unshared_file(
        self, offer, media_root, django_capture_on_commit_callbacks
    ):
        version = add_version(
            offer, attachment=SimpleUploadedFile("offer-en.pdf", b"%PDF-1.4 en")
        )
        name = version.attachment.name
        shared = add_version(offer, language_code="de")
        InteractionTemplateLanguage.objects.filter(pk=shared.pk).update(attachment=name)

        with django_capture_on_commit_callbacks(execute=True):
            services.delete_template_language(version, user=None)
        assert default_storage.exists(name)  # the German version still uses it

        with django_capture_on_commit_callbacks(execute=True):
            services.delete_template_language(
                InteractionTemplateLanguage.objects.get(pk=shared.pk), user=None
            )
        assert not default_storage.exists(name)
        assert not offer.languages.exists()

    def test_unknown_values_are_a_programming_error(self, offer):
        with pytest.raises(TypeError, match="template"):
            services.create_template_language(
                offer, user=None, language_code="en", template=offer
            )


class TestSingleContactVersion:
    """One contact: its language's version, else the template's own text; no
    segment default in between."""

    @pytest.fixture
    def english_contact(self):
        return PersonFactory(
            name="John Smith", email="john@example.com", language_code="en"
        )

    def test_a_contact_in_a_language_with_a_version_gets_it(
        self, offer, english_contact
    ):
        add_version(offer)

        text = correspondence.render_contact_letter(
            offer, contact=english_contact, salesperson=None
        )

        assert text == "Dear John Smith, please find our offer."

    @pytest.mark.parametrize("language_code", ["de", ""])
    def test_another_language_gets_the_template_text(self, offer, language_code):
        add_version(offer)
        contact = PersonFactory(name="Hans", language_code=language_code)

        text = correspondence.render_contact_letter(
            offer, contact=contact, salesperson=None
        )

        assert text == "Beste Hans, hierbij ons aanbod."

    def test_a_version_without_a_text_prints_the_template_letter(
        self, offer, english_contact
    ):
        add_version(offer, body="")

        text = correspondence.render_contact_letter(
            offer, contact=english_contact, salesperson=None
        )

        assert text.startswith("Beste John Smith")

    def test_the_logged_letter_records_its_language(
        self, offer, english_contact, sales_user
    ):
        add_version(offer)

        entry = correspondence.log_letter(
            offer, contact=english_contact, user=sales_user
        )

        assert entry.language_code == "en"

    def test_a_letter_in_the_template_text_records_no_language(self, offer, sales_user):
        add_version(offer)
        contact = PersonFactory(language_code="nl")

        entry = correspondence.log_letter(offer, contact=contact, user=sales_user)

        assert entry.language_code == ""

    def test_the_email_is_sent_with_the_versions_attachment_and_logs_its_language(
        self, settings, offer, english_contact, sales_user, media_root
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        offer.attachment.save("aanbod.pdf", ContentFile(b"%PDF-1.4 nl"))
        version = add_version(
            offer, attachment=SimpleUploadedFile("offer-en.pdf", b"%PDF-1.4 en")
        )

        entry = correspondence.send_email(
            contact=english_contact,
            subject="Our offer",
            body="Dear John",
            user=sales_user,
            template=offer,
        )

        [message] = mail.outbox
        [(filename, content, _mimetype)] = message.attachments
        # Named after the subject, not the stored file's uuid name.
        assert (filename, content) == ("Our offer.pdf", b"%PDF-1.4 en")
        assert entry.language_code == "en"
        assert entry.attachment.name == version.attachment.name

    def test_a_version_without_attachment_sends_the_templates(
        self, settings, offer, english_contact, sales_user, media_root
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        offer.attachment.save("aanbod.pdf", ContentFile(b"%PDF-1.4 nl"))
        add_version(offer)

        correspondence.send_email(
            contact=english_contact,
            subject="S",
            body="B",
            user=sales_user,
            template=offer,
        )

        [message] = mail.outbox
        assert message.attachments[0][1] == b"%PDF-1.4 nl"

    def test_the_email_page_starts_from_the_contacts_version(
        self, sales_client, offer, english_contact
    ):
        add_version(offer)
        InteractionTemplateSetup.objects.update_or_create(
            document_type=DocumentType.EMAIL, defaults={"template": offer}
        )

        response = sales_client.get(
            reverse("interactions:send_email"), {"contact": english_contact.no}
        )

        form = response.context["form"]
        assert form.initial["subject"] == "Our offer for John Smith"
        assert form.initial["body"] == "Dear John Smith, please find our offer."

    def test_the_email_page_fills_in_the_template_asked_for(
        self, sales_client, offer, english_contact
    ):
        other = InteractionTemplateFactory(letter_text="Hello {{ contact.name }}")

        response = sales_client.get(
            reverse("interactions:send_email"),
            {"contact": english_contact.no, "template": other.pk},
        )

        form = response.context["form"]
        assert (form.initial["template"], form.initial["body"]) == (
            other,
            "Hello John Smith",
        )
        response = sales_client.get(
            reverse("interactions:send_email"),
            {"contact": english_contact.no, "template": "no such template"},
        )
        assert response.status_code == 200

    def test_the_letter_page_shows_and_logs_the_contacts_version(
        self, sales_client, offer, english_contact
    ):
        add_version(offer)
        url = reverse("interactions:letter")
        query = {"contact": english_contact.no, "template": offer.pk}

        response = sales_client.get(url, query)
        assert "Dear John Smith, please find our offer." in response.content.decode()
        sales_client.post(url, query)

        assert InteractionLogEntry.objects.get().language_code == "en"


def language_url(name, template, language=None):
    args = [template.pk] if language is None else [template.pk, language.pk]
    return reverse(f"interactions:template_language_{name}", args=args)


class TestPages:
    def test_the_template_page_lists_its_languages(self, crm_admin_client, offer):
        InteractionTemplateLanguageFactory(
            template=offer, language_code="en", subject="Our offer"
        )
        InteractionTemplateLanguageFactory(
            template=offer, language_code="de", subject="Unser Angebot"
        )

        response = crm_admin_client.get(
            reverse("interactions:template_update", args=[offer.pk])
        )

        page = response.content.decode()
        assert "Languages" in page
        assert page.index("Unser Angebot") < page.index("Our offer")  # de, en
        assert language_url("create", offer) in page

    def test_the_template_page_reads_its_languages_in_one_query(
        self, crm_admin_client, offer, django_assert_num_queries
    ):
        url = reverse("interactions:template_update", args=[offer.pk])
        InteractionTemplateLanguageFactory(template=offer, language_code="en")
        with CaptureQueriesContext(connection) as one:
            crm_admin_client.get(url)
        for code in ("de", "fr", "nl"):
            InteractionTemplateLanguageFactory(template=offer, language_code=code)

        with django_assert_num_queries(len(one.captured_queries)):
            response = crm_admin_client.get(url)

        assert len(response.context["languages"]) == 4

    def test_the_detail_page_shows_the_languages_to_sales(self, sales_client, offer):
        InteractionTemplateLanguageFactory(template=offer, subject="Our offer")

        response = sales_client.get(
            reverse("interactions:template_detail", args=[offer.pk])
        )

        page = response.content.decode()
        assert "Our offer" in page
        assert language_url("create", offer) not in page

    def test_add_edit_and_delete_a_language(self, crm_admin_client, offer):
        response = crm_admin_client.post(
            language_url("create", offer),
            {
                "language_code": "en",
                "description": "Offer",
                "subject": "Our offer",
                "body": ENGLISH_LETTER,
            },
        )
        version = offer.languages.get()
        back = reverse("interactions:template_detail", args=[offer.pk])
        assert response.url == f"{back}#languages"
        assert (version.language_code, version.body) == ("en", ENGLISH_LETTER)

        crm_admin_client.post(
            language_url("update", offer, version),
            {"language_code": "en", "subject": "Your offer", "body": ""},
        )
        version.refresh_from_db()
        assert (version.subject, version.body) == ("Your offer", "")

        confirm = crm_admin_client.get(language_url("delete", offer, version))
        assert "Do you want to delete language version" in confirm.content.decode()
        assert offer.languages.exists()  # asking deletes nothing
        response = crm_admin_client.post(language_url("delete", offer, version))
        assert response.url == f"{back}#languages"
        assert not offer.languages.exists()

    @pytest.mark.parametrize("page", ["template_detail", "template_update"])
    def test_save_and_cancel_go_back_to_the_page_it_was_opened_from(
        self, crm_admin_client, offer, page
    ):
        version = InteractionTemplateLanguageFactory(template=offer)
        back = reverse(f"interactions:{page}", args=[offer.pk])
        opened_from = crm_admin_client.get(back).content.decode()

        for name, language in (("create", None), ("update", version)):
            url = f"{language_url(name, offer, language)}?next={back}"
            assert f'href="{url}"' in opened_from
            form = crm_admin_client.get(url).content.decode()
            crumbs = form.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
            assert f'<a href="{back}">' in crumbs
            assert f'<a class="btn btn-outline-secondary" href="{back}#languages">' in (
                form
            )
            data = {"language_code": "de" if language is None else "en"}
            assert crm_admin_client.post(url, data).url == f"{back}#languages"

    def test_bad_input_stays_on_the_form(self, crm_admin_client, offer):
        InteractionTemplateLanguageFactory(template=offer, language_code="en")

        response = crm_admin_client.post(
            language_url("create", offer),
            {"language_code": "en", "body": "Hi {{ contact.secret }}"},
        )

        errors = response.context["form"].errors
        assert set(errors) == {"language_code", "body"}
        assert offer.languages.count() == 1

    def test_a_language_already_there_is_not_offered(self, crm_admin_client, offer):
        InteractionTemplateLanguageFactory(template=offer, language_code="en")

        response = crm_admin_client.get(language_url("create", offer))

        choices = dict(response.context["form"].fields["language_code"].choices)
        assert "en" not in choices
        assert "de" in choices

    def test_another_templates_language_or_none_is_not_found(
        self, crm_admin_client, offer
    ):
        elsewhere = InteractionTemplateLanguageFactory()

        for name in ("update", "delete"):
            url = language_url(name, offer, elsewhere)
            assert crm_admin_client.get(url).status_code == 404
            assert crm_admin_client.post(url).status_code == 404
        missing = reverse("interactions:template_language_create", args=[0])
        assert crm_admin_client.get(missing).status_code == 404
        assert InteractionTemplateLanguage.objects.filter(pk=elsewhere.pk).exists()

    def test_sales_may_not_change_languages(self, sales_client, offer):
        version = InteractionTemplateLanguageFactory(template=offer)

        responses = [
            sales_client.post(language_url("create", offer), {"language_code": "de"}),
            sales_client.post(
                language_url("update", offer, version), {"language_code": "de"}
            ),
            sales_client.post(language_url("delete", offer, version)),
        ]

        assert [response.status_code for response in responses] == [403, 403, 403]
        version.refresh_from_db()
        assert version.language_code == "en"

    def test_without_permission_an_unknown_template_is_forbidden_not_missing(
        self, sales_client
    ):
        response = sales_client.get(
            reverse("interactions:template_language_create", args=[0])
        )

        assert response.status_code == 403

    def test_the_form_is_labelled_in_dutch(self, crm_admin_client, offer):
        crm_admin_client.cookies["django_language"] = "nl"

        response = crm_admin_client.get(language_url("create", offer))

        page = response.content.decode()
        for label in ("Taalcode", "Onderwerp", "Tekst", "Nieuwe taal"):
            assert label in page


class TestAdmin:
    @pytest.fixture
    def superuser_client(self, client):
        client.force_login(
            UserFactory(username="root", is_staff=True, is_superuser=True)
        )
        return client

    def test_the_admin_adds_through_the_service(self, superuser_client, offer):
        url = reverse("admin:interactions_interactiontemplatelanguage_add")

        refused = superuser_client.post(
            url,
            {"template": offer.pk, "language_code": "en", "body": "{{ nope }}"},
        )
        assert "Unknown placeholder" in refused.content.decode()
        response = superuser_client.post(
            url,
            {"template": offer.pk, "language_code": "en", "body": ENGLISH_LETTER},
        )

        assert response.status_code == 302
        assert offer.languages.get().body == ENGLISH_LETTER

    def test_the_admin_deletes_through_the_service(self, superuser_client, offer):
        version = InteractionTemplateLanguageFactory(template=offer)
        url = reverse(
            "admin:interactions_interactiontemplatelanguage_delete", args=[version.pk]
        )

        superuser_client.post(url, {"post": "yes"})

        assert not offer.languages.exists()


def test_the_entry_list_shows_and_filters_delivery(sales_client):
    salesperson = SalespersonFactory()
    sent = InteractionLogEntryFactory(
        salesperson=salesperson, delivery_status="sent", description="Went out"
    )
    failed = InteractionLogEntryFactory(
        salesperson=salesperson,
        delivery_status="error",
        delivery_error="550 mailbox unavailable",
        description="Bounced",
    )
    InteractionLogEntryFactory(salesperson=salesperson, description="Nothing sent")
    url = reverse("interactions:entry_list")

    page = sales_client.get(url).content.decode()
    assert "Delivery" in page
    assert 'title="550 mailbox unavailable"' in page
    response = sales_client.get(url, {"delivery_status": "error"})
    assert [entry.pk for entry in response.context["object_list"]] == [failed.pk]
    response = sales_client.get(url, {"delivery_status": "sent"})
    assert [entry.pk for entry in response.context["object_list"]] == [sent.pk]
    response = sales_client.get(url, {"delivery_status": "lost"})
    assert response.status_code == 200
    assert list(response.context["filter"].form.errors) == ["delivery_status"]


def test_the_entry_detail_shows_language_and_delivery(sales_client):
    entry = InteractionLogEntryFactory(
        language_code="en",
        delivery_status="error",
        delivery_error="550 mailbox unavailable",
    )

    page = sales_client.get(
        reverse("interactions:entry_detail", args=[entry.pk])
    ).content.decode()

    assert "English" in page
    assert "Error" in page
    assert "550 mailbox unavailable" in page


def test_the_email_page_opens_empty_on_a_text_it_cannot_merge(sales_client, offer):
    InteractionTemplateSetup.objects.update_or_create(
        document_type=DocumentType.EMAIL, defaults={"template": offer}
    )
    type(offer).objects.filter(pk=offer.pk).update(letter_text="{{ nope }}")
    contact = PersonFactory(email="hans@example.com")

    response = sales_client.get(
        reverse("interactions:send_email"), {"contact": contact.no}
    )

    assert response.status_code == 200
    assert "body" not in response.context["form"].initial
