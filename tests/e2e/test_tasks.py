"""Taken in the browser, in Dutch: a follow-up task made with an interaction, seen in
Mijn taken, completed with its interaction logged, and the next recurring one."""

import datetime
from decimal import Decimal

from playwright.sync_api import expect

from crm.models import MarketingSetup, Salesperson
from interactions.models import InteractionLogEntry
from tasks.models import Task
from tests.e2e.conftest import answer, choose, field
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    NumberSeriesFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)


def setup_data():
    user = SalesUserFactory(username="anna")
    SalespersonFactory(code="AV", name="Anna Visser", user=user)
    person = PersonFactory(no="CT00002", name="Sanne de Vries")
    InteractionTemplateFactory(
        code="CALL",
        description="Telefoongesprek",
        group=InteractionGroupFactory(code="PHONE"),
        unit_cost=Decimal("2.50"),
        unit_duration=15,
    )
    setup = MarketingSetup.load()
    setup.task_nos = NumberSeriesFactory(code="TASK", prefix="TK")
    setup.save()
    return user, person


def test_follow_up_task_from_an_interaction_completed_in_mijn_taken(
    page, live_server, login, shot
):
    user, person = setup_data()
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()

    # Interactie maken with an Opvolgtaak for today that recurs weekly.
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Interactie maken").click()
    choose(page, "Interactiesjabloon", "tele", "CALL Telefoongesprek")
    section = page.get_by_role("group", name="Opvolgtaak")
    section.get_by_label("Opvolgtaak maken").check()
    today = datetime.date.today()
    field(section, "Opvolgdatum").fill(today.isoformat())
    field(section, "Soort opvolging").select_option(label="Telefoongesprek")
    field(section, "Omschrijving opvolging").fill("Terugbellen over offerte")
    choose(section, "Te registreren sjabloon", "CALL", "CALL Telefoongesprek")
    field(section, "Terugkeerinterval").fill("1w")
    shot("interaction-with-follow-up")
    page.get_by_role("button", name="OK", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("is geregistreerd voor")
    expect(page.get_by_role("alert")).to_contain_text("Opvolgtaak TK00001 is gemaakt.")

    # Mijn taken: the task is due today.
    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    navigation.get_by_role("button", name="Taken").click()
    navigation.get_by_role("link", name="Mijn taken", exact=True).click()
    today_section = page.get_by_role("region", name="Vandaag")
    row = today_section.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Terugbellen over offerte")
    expect(row).to_contain_text("Sanne de Vries")
    shot("mijn-taken")

    # Voltooien (its accessible name names the task): the interaction is logged and
    # the next one comes a week later.
    row.get_by_role("button", name="Taak TK00001 voltooien").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Taak TK00001 is voltooid.")
    expect(alert).to_contain_text("is geregistreerd.")
    expect(alert).to_contain_text("Volgende taak TK00002 op")
    expect(today_section.locator("tbody tr")).to_have_count(0)
    expect(page.locator("table")).to_contain_text("TK00002")
    shot("completed")

    task = Task.objects.get(no="TK00001")
    logged = InteractionLogEntry.objects.get(pk=task.logged_entry_no)
    assert (logged.contact, logged.description) == (person, "Terugbellen over offerte")
    assert InteractionLogEntry.objects.count() == 2
    assert Task.objects.get(no="TK00002").date == today + datetime.timedelta(weeks=1)


def test_postpone_then_cancel_a_task_on_its_card(page, live_server, login, shot):
    user, person = setup_data()
    task = Task.objects.create(
        no="TK00007",
        description="Offerte nabellen",
        contact=person,
        salesperson=Salesperson.objects.get(user=user),
        date=datetime.date.today(),
    )
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()
    page.goto(f"{live_server.url}{task.get_absolute_url()}")

    later = datetime.date.today() + datetime.timedelta(days=4)
    field(page, "Nieuwe datum").fill(later.isoformat())
    page.get_by_role("button", name="Uitstellen").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Taak TK00007 is uitgesteld tot {later.day}-{later.month}-{later.year}."
    )

    # Taak annuleren asks first: "no" leaves the task open, "yes" cancels it.
    questions = []

    page.once("dialog", answer(questions, accept=False))
    page.get_by_role("button", name="Taak annuleren").click()
    assert questions == [
        "Taak TK00007 annuleren? De taak blijft als geannuleerd in de takenlijst staan."
    ]
    task.refresh_from_db()
    assert not task.canceled
    page.once("dialog", answer(questions, accept=True))
    page.get_by_role("button", name="Taak annuleren").click()
    expect(page.get_by_role("alert")).to_contain_text("Taak TK00007 is geannuleerd.")
    shot("canceled")
    task.refresh_from_db()
    assert task.canceled
