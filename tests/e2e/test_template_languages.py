"""A Dutch CRM admin gives a template an English version under "Talen", then
writes to an English contact: the e-mail and the letter come out in English."""

import re

from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from crm import roles
from interactions.models import InteractionLogEntry, InteractionTemplateSetup
from tests.e2e.conftest import choose, field
from tests.factories import (
    AdminUserFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)

SCREEN = {"width": 1280, "height": 900}


def test_an_english_version_reaches_an_english_contact(page, live_server, login, shot):
    user = AdminUserFactory(username="marieke", groups=[roles.CRM_ADMIN])
    SalespersonFactory(code="MB", name="Marieke Bakker", user=user)
    offer = InteractionTemplateFactory(
        code="OFFER",
        description="Aanbieding",
        group=InteractionGroupFactory(code="CORR"),
        correspondence_type="email",
        letter_text="Beste {{ contact.name }}, hierbij onze aanbieding.",
    )
    email = InteractionTemplateFactory(code="EMAIL", description="E-mail")
    InteractionTemplateSetup.objects.update_or_create(
        document_type="email", defaults={"template": email}
    )
    contact = PersonFactory(
        name="John Smith", email="john@example.com", language_code="en"
    )
    login(user)
    page.context.add_cookies(
        [{"name": "django_language", "value": "nl", "url": live_server.url}]
    )
    page.set_viewport_size(SCREEN)

    page.goto(
        f"{live_server.url}{reverse('interactions:template_detail', args=[offer.pk])}"
    )
    page.get_by_role("link", name="Bewerken", exact=True).click()
    languages = page.get_by_role("region", name="Talen")
    expect(languages).to_contain_text("Geen taalversies")
    languages.get_by_role("link", name="Taal toevoegen").click()
    field(page, "Taalcode").select_option(label="Engels")
    field(page, "Omschrijving").fill("Offer")
    field(page, "Onderwerp").fill("Our offer for {{ contact.name }}")
    field(page, "Tekst").fill("Dear {{ contact.name }}, please find our offer.")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Taalversie Engels van OFFER is toegevoegd."
    )
    row = languages.get_by_role("row", name=re.compile("Engels"))
    expect(row).to_contain_text("Our offer for {{ contact.name }}")
    shot("template-languages-1280")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

    page.goto(f"{live_server.url}{contact.get_absolute_url()}")
    page.get_by_role("link", name="E-mail verzenden").click()
    expect(field(page, "Onderwerp")).to_have_value("")
    # Choosing the template fills in its English version.
    choose(page, "Interactiesjabloon", "aanbied", "OFFER Aanbieding")
    expect(field(page, "Onderwerp")).to_have_value("Our offer for John Smith")
    expect(field(page, "Bericht")).to_have_value(
        "Dear John Smith, please find our offer."
    )
    page.get_by_role("button", name="Verzenden", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("john@example.com")
    [message] = mail.outbox
    assert (message.subject, message.body) == (
        "Our offer for John Smith",
        "Dear John Smith, please find our offer.",
    )

    page.get_by_role("link", name="Brief afdrukken").click()
    choose(page, "Brief", "aanbied", "OFFER Aanbieding")
    letter = page.get_by_role("article", name="Brief")
    expect(letter).to_contain_text("Dear John Smith, please find our offer.")
    expect(letter).not_to_contain_text("Beste")
    shot("english-letter")
    page.get_by_role("button", name="Registreren als afgedrukt").click()
    expect(page.get_by_role("alert")).to_contain_text("geregistreerd")

    assert sorted(
        InteractionLogEntry.objects.values_list("document_type", "language_code")
    ) == [("cover_sheet", "en"), ("email", "en")]
