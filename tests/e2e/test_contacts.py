from playwright.sync_api import expect

from tests.e2e.conftest import field, menu
from tests.factories import SalespersonFactory, SalesUserFactory


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
