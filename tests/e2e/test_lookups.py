"""Lookups in the browser, in Dutch: a contact found by part of its name and a
template by part of its description; without JavaScript the same field is a text box
that names what it could not find."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from crm.models import Contact
from interactions import services
from interactions.models import InteractionLogEntry, InteractionTemplate
from tests.e2e.conftest import chosen, field
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)


def setup_data():
    user = SalesUserFactory(username="anna")
    SalespersonFactory(code="AV", name="Anna Visser", user=user)
    jansen = CompanyFactory(no="CT00001", name="Jansen Logistiek BV", city="Zwolle")
    PersonFactory(no="CT00002", name="Anna Jansen", company=jansen, city="Zwolle")
    piet = PersonFactory(no="CT00003", name="Piet Janssen", company=None, city="Gent")
    PersonFactory(no="CT00004", name="Sanne de Vries", company=None)
    group = InteractionGroupFactory(code="TEL", description="Telefoon")
    InteractionTemplateFactory(
        code="BELLEN", description="Telefoongesprek", group=group, unit_cost=Decimal(2)
    )
    InteractionTemplateFactory(
        code="BRIEF",
        description="Brief",
        group=InteractionGroupFactory(code="POST", description="Post"),
    )
    InteractionTemplateFactory(
        code="OUD", description="Telefoon (oud)", group=group, blocked=True
    )
    return user, piet


def in_dutch(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()


def test_create_an_interaction_finding_contact_and_template_by_typing(
    page, live_server, shot
):
    user, piet = setup_data()
    in_dutch(page, live_server, user)

    page.goto(f"{live_server.url}/interactions/")
    expect(page.get_by_role("heading", name="Interactielogposten")).to_be_visible()
    page.get_by_role("link", name="Interactie maken").click()

    # "jans": three matches, shown with number, name, company and city.
    contact = page.get_by_label("Contact")
    contact.click()
    with page.expect_response(re.compile(r"/lookup/contacts/\?q=jans")):
        page.keyboard.type("jans")
    matches = page.get_by_role("listbox", name="Gevonden")
    options = matches.get_by_role("option")
    expect(options).to_have_count(3)
    expect(options.nth(0)).to_have_text(
        "CT00002 Anna Jansen Jansen Logistiek BV · Zwolle"
    )
    expect(options.nth(1)).to_have_text("CT00001 Jansen Logistiek BV Zwolle")
    expect(options.nth(2)).to_have_text("CT00003 Piet Janssen Gent")
    shot("contact-matches")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(options.nth(2)).to_have_class(re.compile(r"\bactive\b"))
    page.keyboard.press("Enter")
    expect(chosen(page, "Contact")).to_have_text("CT00003 \N{EN DASH} Piet Janssen")

    # The template by part of its description; the blocked one is not offered.
    template = field(page, "Interactiesjabloon")
    template.click()
    with page.expect_response(re.compile(r"/lookup/templates/\?q=telefoon")):
        page.keyboard.type("telefoon")
    template_options = page.get_by_role("listbox", name="Gevonden").get_by_role(
        "option"
    )
    expect(template_options).to_have_count(1)
    expect(template_options.first).to_contain_text("BELLEN Telefoongesprek")
    page.keyboard.press("Enter")
    # Choosing it fills the form in from the template.
    expect(field(page, "Omschrijving")).to_have_value("Telefoongesprek")
    expect(chosen(page, "Interactiesjabloon")).to_have_text(
        "BELLEN \N{EN DASH} Telefoongesprek"
    )
    shot("form-filled")
    page.get_by_role("button", name="OK").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "is geregistreerd voor CT00003 Piet Janssen"
    )
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Piet Janssen")
    expect(rows.first).to_contain_text("Telefoongesprek")
    entry = InteractionLogEntry.objects.get()
    assert (entry.contact, entry.template.code) == (piet, "BELLEN")
    assert entry.salesperson.code == "AV"


def test_the_entry_list_filters_by_a_contact_found_by_its_city(page, live_server):
    user, piet = setup_data()
    call = InteractionTemplate.objects.get(code="BELLEN")
    services.create_interaction(contact=piet, template=call, user=user)
    sanne = Contact.objects.get(no="CT00004")
    services.create_interaction(contact=sanne, template=call, user=user)
    in_dutch(page, live_server, user)
    page.goto(f"{live_server.url}/interactions/")
    expect(page.locator("table tbody tr")).to_have_count(2)

    filters = page.get_by_role("search")
    filters.get_by_label("Contact").click()
    with page.expect_response(re.compile(r"/lookup/contacts/\?q=gent")):
        page.keyboard.type("gent")
    found = page.get_by_role("listbox", name="Gevonden").locator(".option.active")
    expect(found).to_contain_text("Piet Janssen")
    page.keyboard.press("Enter")
    filters.get_by_role("button", name="Filteren").click()

    expect(page).to_have_url(re.compile(r"contact=CT00003"))
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr").first).to_contain_text("Piet Janssen")
    expect(chosen(filters, "Contact")).to_have_text("CT00003 \N{EN DASH} Piet Janssen")


def test_without_javascript_the_field_takes_a_number_or_an_exact_name(
    new_context, live_server
):
    user, piet = setup_data()
    PersonFactory(no="CT00005", name="Piet Janssen", company=None)
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    in_dutch_without_script(page, live_server, user)

    page.goto(f"{live_server.url}/interactions/new/")
    field(page, "Contact").fill("piet janssen")
    field(page, "Interactiesjabloon").fill("Telefoongesprek")
    page.get_by_role("button", name="OK").click()
    expect(
        page.get_by_text("“piet janssen” komt overeen met 2 contacten; typ het nummer.")
    ).to_be_visible()

    field(page, "Contact").fill("Pieter")
    page.get_by_role("button", name="OK").click()
    expect(
        page.get_by_text("Geen contact gevonden met nummer of naam “Pieter”.")
    ).to_be_visible()

    # The template typed by its description was taken: the box names it in full.
    expect(field(page, "Interactiesjabloon")).to_have_value(
        "BELLEN \N{EN DASH} Telefoongesprek"
    )
    field(page, "Contact").fill("ct00003")
    field(page, "Omschrijving").fill("Gebeld zonder JavaScript")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "is geregistreerd voor CT00003 Piet Janssen"
    )
    assert InteractionLogEntry.objects.get().contact == piet
    context.close()


def in_dutch_without_script(page, live_server, user):
    """Log in and switch to Dutch with forms alone (the language form's button)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.context.add_cookies(
        [{"name": "django_language", "value": "nl", "url": live_server.url}]
    )
