from django.urls import reverse
from playwright.sync_api import expect

from crm.models import Contact
from tests.e2e.conftest import ARTIFACTS, field, menu
from tests.factories import (
    CompanyFactory,
    SalespersonFactory,
    SalesUserFactory,
    UserFactory,
)


def test_create_company_and_person_find_person_and_switch_to_dutch(
    page, live_server, login, shot, marketing_setup
):
    SalespersonFactory(code="JV", name="Jan Visser")
    login(SalesUserFactory(username="anna"))
    shot("home")

    menu(page, "Contacts")
    page.get_by_role("link", name="New contact").click()
    field(page, "Type").select_option("company")
    field(page, "Name").fill("Van Dijk Installaties B.V.")
    field(page, "City").fill("Utrecht")
    shot("new-company")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("has been created")
    expect(
        page.get_by_role("heading", name="Van Dijk Installaties B.V.")
    ).to_be_visible()
    shot("company-card")

    page.get_by_role("link", name="New person").click()
    expect(field(page, "Type")).to_have_value("person")
    # The person starts with the company's address, as in NAV.
    expect(field(page, "City")).to_have_value("Utrecht")
    field(page, "Name").fill("Sanne de Vries")
    field(page, "E-mail").fill("sanne@vandijk.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Sanne de Vries")).to_be_visible()
    expect(
        page.get_by_role("main")
        .get_by_role("link", name="Van Dijk Installaties B.V.")
        .last
    ).to_be_visible()
    shot("person-card")

    menu(page, "Contacts")
    field(page, "Search").fill("Sanne")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sanne de Vries")
    shot("filtered-list")

    field(
        page.get_by_role("navigation", name="Main navigation"), "Language"
    ).select_option("nl")
    expect(page.get_by_role("heading", name="Contacten")).to_be_visible()
    expect(page.get_by_role("link", name="Nieuw contact")).to_be_visible()
    expect(page.locator("table tbody tr").first).to_contain_text("Sanne de Vries")
    shot("dutch-list")


def test_a_link_with_a_sort_order_the_list_cannot_read_says_so_and_filters_again(
    page, live_server, login, shot
):
    # An old bookmark, or a hand-edited address: the list names the problem instead
    # of showing nothing, and filtering again sorts as usual.
    CompanyFactory(name="Bakkerij Utrecht", city="Utrecht")
    login(SalesUserFactory(username="anna"))

    page.goto(f"{live_server.url}{reverse('crm:contact_list')}?ordering=postcode")

    expect(page.get_by_role("alert")).to_contain_text(
        "Sort by: Select a valid choice. postcode is not one of the available choices."
    )
    expect(page.get_by_text("No contacts match these filters.")).to_be_visible()
    shot("unreadable-sort-order")
    field(page, "City").fill("Utrecht")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr").first).to_contain_text("Bakkerij Utrecht")


def test_two_users_editing_one_contact_the_later_save_is_refused_not_lost(
    page, new_context, live_server, login, shot
):
    """Sales and an admin open the same card; sales saves the phone first. The
    admin's save, from the page opened before, must not put the old phone back:
    it is refused in Dutch, naming the new phone, and "Opnieuw openen" shows it."""
    company = CompanyFactory(
        name="Noordzee Visgroothandel B.V.", phone="070 352 1900", email="a@x.nl"
    )
    edit_url = f"{live_server.url}{reverse('crm:contact_update', args=[company.pk])}"
    login(SalesUserFactory(username="anna"))
    field(
        page.get_by_role("navigation", name="Main navigation"), "Language"
    ).select_option("nl")
    expect(page.get_by_role("link", name="Contacten").first).to_be_visible()

    other = new_context(locale="nl-NL").new_page()
    UserFactory(username="bram", password="secret-pass-123", is_superuser=True)
    other.goto(f"{live_server.url}/accounts/login/")
    other.get_by_label("Gebruikersnaam").fill("bram")
    other.get_by_label("Wachtwoord").fill("secret-pass-123")
    other.get_by_role("button", name="Aanmelden").click()
    other.wait_for_url(f"{live_server.url}/")

    page.goto(edit_url)
    other.goto(edit_url)
    field(page, "Telefoon").fill("020 555 0101")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("is opgeslagen")

    field(other, "E-mail").fill("nieuw@voorbeeld.nl")
    other.get_by_role("button", name="Opslaan").click()
    expect(other.get_by_role("alert")).to_contain_text(
        "Een andere gebruiker heeft contact "
        f"{company.no} Noordzee Visgroothandel B.V. gewijzigd nadat u deze pagina "
        "opende; uw wijzigingen zijn daarom niet opgeslagen. Nu opgeslagen: "
        "Telefoon “020 555 0101”."
    )
    other.screenshot(path=ARTIFACTS / "two-users-contact-refused.png", full_page=True)
    company.refresh_from_db()
    assert (company.phone, company.email) == ("020 555 0101", "a@x.nl")

    other.get_by_role("link", name="Opnieuw openen").click()
    expect(field(other, "Telefoon")).to_have_value("020 555 0101")
    field(other, "E-mail").fill("nieuw@voorbeeld.nl")
    other.get_by_role("button", name="Opslaan").click()
    expect(other.get_by_role("alert")).to_contain_text("is opgeslagen")
    company.refresh_from_db()
    assert (company.phone, company.email) == ("020 555 0101", "nieuw@voorbeeld.nl")


def test_saving_a_contact_again_after_going_back_asks_first_in_dutch(
    page, live_server, login, shot, marketing_setup
):
    CompanyFactory(name="Bakkerij Jansen", city="Utrecht", email="info@jansen.example")
    login(SalesUserFactory(username="anna"))
    field(
        page.get_by_role("navigation", name="Main navigation"), "Language"
    ).select_option("nl")
    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    navigation.get_by_role("link", name="Contacten", exact=True).click()
    page.get_by_role("link", name="Nieuw contact").click()
    field(page, "Naam").fill("Van Dijk Installaties")
    field(page, "E-mail").fill("info@vandijk.example")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("is gemaakt")
    made = Contact.objects.get(name="Van Dijk Installaties")

    # Back to the filled-in form, and Save again: the page asks, nothing is made.
    page.go_back()
    page.get_by_role("button", name="Opslaan").click()
    warning = page.locator("#duplicate-warning")
    expect(warning).to_contain_text(
        "Er bestaat al een contact met deze naam of dit e-mailadres. "
        "Dit contact toch aanmaken?"
    )
    expect(warning.get_by_role("listitem")).to_have_text(
        f"{made.no} Van Dijk Installaties · info@vandijk.example"
    )
    expect(page.get_by_role("button", name="Toch aanmaken")).to_be_focused()
    shot("asked-before-a-second-van-dijk")
    warning.get_by_role("link", name="Niet aanmaken").click()
    expect(page.get_by_role("heading", name="Contacten")).to_be_visible()
    assert Contact.objects.filter(name="Van Dijk Installaties").count() == 1

    # Another company at the same e-mail address, made on purpose.
    page.get_by_role("link", name="Nieuw contact").click()
    field(page, "Naam").fill("Jansen Banket")
    field(page, "E-mail").fill("INFO@jansen.example")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#duplicate-warning")).to_contain_text(
        "Bakkerij Jansen · Utrecht · info@jansen.example"
    )
    page.get_by_role("button", name="Toch aanmaken").click()
    expect(page.get_by_role("heading", name="Jansen Banket")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("is gemaakt")
    shot("made-anyway")
