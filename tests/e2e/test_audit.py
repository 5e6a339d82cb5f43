from playwright.sync_api import expect

from interactions import services
from tests.e2e.conftest import field, menu
from tests.factories import (
    AdminUserFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)


def test_a_crm_admin_cancels_an_entry_and_finds_it_on_the_audit_trail(
    page, live_server, login, shot
):
    anna = SalesUserFactory(username="anna")
    entry = services.create_interaction(
        contact=PersonFactory(no="CT00002", name="Sanne de Vries"),
        template=InteractionTemplateFactory(code="CALL", description="Phone call"),
        salesperson=SalespersonFactory(code="AV"),
        user=anna,
    )
    login(AdminUserFactory(username="maria"))

    menu(page, "Interactions", "Interaction log entries")
    page.get_by_role("checkbox", name="Select entry").first.check()
    page.get_by_role("button", name="Mark canceled").click()
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "1 interaction log entry marked canceled."
    )

    menu(page, "Setup", "Audit trail")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("maria")
    expect(rows.first).to_contain_text("Canceled")
    expect(rows.first).to_contain_text("Interaction log entry")
    expect(rows.first).to_contain_text(f"Entries: {entry.pk}")
    expect(rows.nth(1)).to_contain_text("anna")
    expect(rows.nth(1)).to_contain_text("Created")
    expect(rows.nth(1)).to_contain_text("CT00002 Sanne de Vries")
    shot("audit-trail")

    field(page, "Action").select_option(label="Canceled")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("maria")
    shot("audit-trail-canceled")
