from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import field, menu
from tests.factories import CompanyFactory, SalespersonFactory, SalesUserFactory


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
