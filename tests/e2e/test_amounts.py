"""Amounts as a Dutch user types them: `12,50` is twelve and a half, on the page
and in the database (issue 15: it was once stored as 1250)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from interactions.models import InteractionLogEntry
from tests.e2e.conftest import choose, field
from tests.e2e.test_interactions import setup_data


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12,50", Decimal("12.50")), ("1.250,50", Decimal("1250.50"))],
    ids=["12,50", "1.250,50"],
)
def test_a_dutch_user_types_an_amount_and_reads_it_back(
    page, live_server, login, shot, typed, stored
):
    user, person = setup_data()
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()

    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Interactie maken").click()
    choose(page, "Interactiesjabloon", "phone", "CALL Phone call")
    # The template's cost, written as Dutch writes it.
    expect(field(page, "Kosten")).to_have_value("2,50")
    cost = field(page, "Kosten")
    assert cost.get_attribute("inputmode") == "decimal"
    assert cost.get_attribute("type") == "text"
    cost.fill(typed)
    shot("typed")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert")).to_contain_text(f"(kosten {typed}, duur 15 min.)")

    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    navigation.get_by_role("button", name="Interacties").click()
    navigation.get_by_role("link", name="Interactielogposten", exact=True).click()
    row = page.locator("table tbody tr").first
    expect(row.locator("td.text-end").first).to_have_text(typed)
    # The list's cost filter reads the amount as typed, and keeps it so.
    field(page, "Kosten van").fill(typed)
    page.get_by_role("button", name="Filteren").click()
    expect(field(page, "Kosten van")).to_have_value(typed)
    expect(page.locator("table tbody tr")).to_have_count(1)
    shot("list-filtered")
    entry = InteractionLogEntry.objects.get()
    row.get_by_role("link", name=str(entry.pk), exact=True).click()
    expect(page.locator("dt", has_text="Kosten").locator("+ dd")).to_have_text(typed)
    shot("entry")
    assert entry.cost == stored
