import pytest
from playwright.sync_api import expect

from crm.models import Contact
from tests.e2e.conftest import field, menu
from tests.factories import AdminUserFactory, CompanyFactory, SalespersonFactory

pytestmark = pytest.mark.usefixtures("media_root")

CSV = (
    "no,type,name,company,salesperson,email,city\n"
    ",person,Sanne de Vries,CO1,JV,sanne@vandijk.example,Utrecht\n"
    ",person,Joost Bakker,CO404,JV,joost@example.com,Utrecht\n"
    "CO1,company,Van Dijk Installaties B.V.,,JV,info@vandijk.example,Amersfoort\n"
    ",person,Eva Jansen,CO1,,eva@vandijk.example,Utrecht\n"
)


def test_an_import_with_one_bad_row_previews_it_and_imports_the_rest(
    page, live_server, login, shot, marketing_setup
):
    SalespersonFactory(code="JV", name="Jan Visser")
    CompanyFactory(no="CO1", name="Van Dijk Installaties B.V.", city="Utrecht")
    login(AdminUserFactory(username="beheer"))

    menu(page, "Contacts")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import contacts")).to_be_visible()
    field(page, "File").set_input_files(
        {"name": "contacts.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("status")).to_contain_text("2 to create")
    expect(page.get_by_role("status")).to_contain_text("1 to update")
    expect(page.get_by_role("status")).to_contain_text("1 rejected")
    bad_row = page.locator("table tbody tr", has_text="Joost Bakker")
    expect(bad_row).to_contain_text("Rejected")
    expect(bad_row).to_contain_text("There is no contact with no. CO404.")
    update_row = page.locator("table tbody tr", has_text="CO1")
    expect(update_row).to_contain_text("city: Utrecht → Amersfoort")
    expect(page.locator("table tbody tr", has_text="Sanne de Vries")).to_contain_text(
        "CT00001 (next number)"
    )
    shot("preview")
    assert not Contact.objects.filter(name="Sanne de Vries").exists()

    page.get_by_role("button", name="Confirm import").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Import finished: 2 created, 1 updated, 0 unchanged, 1 rejected."
    )
    expect(page.get_by_role("heading", name="Contacts")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Sanne de Vries")).to_contain_text("CT00001")
    expect(rows.filter(has_text="Eva Jansen")).to_contain_text("CT00002")
    expect(rows.filter(has_text="CO1")).to_contain_text("Amersfoort")
    expect(page.get_by_text("Joost Bakker")).to_have_count(0)
    shot("imported")
