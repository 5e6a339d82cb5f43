"""Log segment with an Opvolgtaak, in Dutch: one follow-up task per logged contact,
seen in the task list."""

import datetime

from playwright.sync_api import expect

from crm.models import MarketingSetup
from segments import services
from tasks.models import Task
from tests.e2e.conftest import field
from tests.factories import (
    InteractionTemplateFactory,
    NumberSeriesFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)


def test_log_a_segment_with_a_follow_up_task(
    page, live_server, login, shot, marketing_setup
):
    user = SalesUserFactory(username="anna")
    salesperson = SalespersonFactory(code="AV", name="Anna Visser", user=user)
    setup = MarketingSetup.load()
    setup.task_nos = NumberSeriesFactory(code="TASK", prefix="TK")
    setup.save()
    segment = services.create_segment(
        user=user,
        description="Voorjaarsmailing",
        template=InteractionTemplateFactory(code="LETTER", description="Brief"),
        salesperson=salesperson,
    )
    people = [
        PersonFactory(name="Sanne de Vries", company=None),
        PersonFactory(name="Joost Bakker", company=None),
    ]
    services.add_contacts(segment, people, user=user)
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()

    page.goto(f"{live_server.url}{segment.get_absolute_url()}")
    page.locator('[data-bs-target="#log-dialog"]').click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("elk van de 2 contacten van segment SM00001")
    section = dialog.get_by_role("group", name="Opvolgtaak")
    section.get_by_label("Opvolgtaak maken").check()
    day = datetime.date.today() + datetime.timedelta(days=7)
    field(section, "Opvolgdatum").fill(day.isoformat())
    field(section, "Soort opvolging").select_option(label="Telefoongesprek")
    field(section, "Omschrijving opvolging").fill("Nabellen voorjaarsmailing")
    shot("log-dialog-with-follow-up-task")
    dialog.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Segment SM00001 is geregistreerd."
    )

    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    navigation.get_by_role("button", name="Taken").click()
    navigation.get_by_role("link", name="Taken", exact=True).click()
    rows = page.locator("table tbody tr", has_text="Nabellen voorjaarsmailing")
    expect(rows).to_have_count(2)
    expect(page.locator("table tbody")).to_contain_text("Sanne de Vries")
    expect(page.locator("table tbody")).to_contain_text("Joost Bakker")
    shot("task-list-after-log")
    assert set(Task.objects.values_list("segment_no", "date", "type")) == {
        ("SM00001", day, "phone_call")
    }
