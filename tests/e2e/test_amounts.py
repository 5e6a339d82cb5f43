"""Amounts as a Dutch user types them: `12,50` is twelve and a half, on the page
and in the database (issue 15: it was once stored as 1250)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from crm.models import MarketingSetup
from interactions.models import InteractionLogEntry
from tasks.models import Task
from tests.e2e.conftest import choose, field
from tests.e2e.test_interactions import setup_data
from tests.factories import NumberSeriesFactory


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


def test_a_dutch_user_types_a_task_duration_with_a_thousands_dot(
    page, live_server, login, shot
):
    # A number input would have sent "1.250" as typed by the browser's own rules;
    # the text input leaves it to the server, which reads it as Dutch writes it.
    user, person = setup_data()
    setup = MarketingSetup.load()
    setup.task_nos = NumberSeriesFactory(code="TASK", prefix="TK")
    setup.save()
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()

    page.goto(f"{live_server.url}{reverse('tasks:task_create')}?contact={person.pk}")
    field(page, "Omschrijving").fill("Offerte voorbereiden")
    duration = field(page, "Duur (min.)")
    assert duration.get_attribute("type") == "text"
    duration.fill("1.250")
    shot("typed")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_be_visible()
    task = Task.objects.get()
    assert task.duration == 1250
    page.goto(f"{live_server.url}{reverse('tasks:task_update', args=[task.pk])}")
    expect(field(page, "Duur (min.)")).to_have_value("1.250")
    # Half a minute is refused with a message, and the typed text stays.
    field(page, "Duur (min.)").fill("1,5")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Vul een geheel getal in zoals 30.")).to_be_visible()
    expect(field(page, "Duur (min.)")).to_have_value("1,5")
    task.refresh_from_db()
    assert task.duration == 1250
