from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from interactions.models import InteractionLogEntry
from tests.e2e.conftest import answer, choose, chosen, field, menu
from tests.factories import (
    AdminUserFactory,
    CompanyFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)


def setup_data():
    user = SalesUserFactory(username="anna")
    SalespersonFactory(code="AV", name="Anna Visser", user=user)
    company = CompanyFactory(no="CT00001", name="Van Dijk Installaties B.V.")
    person = PersonFactory(no="CT00002", name="Sanne de Vries", company=company)
    InteractionTemplateFactory(
        code="CALL",
        description="Phone call",
        group=InteractionGroupFactory(code="PHONE", description="Phone"),
        unit_cost=Decimal("2.50"),
        unit_duration=15,
        information_flow="outbound",
        initiated_by="us",
    )
    return user, person


def test_create_postpone_resume_cancel_and_delete_interactions(
    page, live_server, login, shot
):
    user, person = setup_data()
    login(user)

    # Open a contact → Create interaction → choose a template: the fields fill in.
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Create interaction").click()
    expect(field(page, "Contact")).to_be_disabled()
    choose(page, "Interaction template", "phone", "CALL Phone call")
    expect(field(page, "Description")).to_have_value("Phone call")
    expect(field(page, "Cost")).to_have_value("2.50")
    expect(field(page, "Duration (min.)")).to_have_value("15")
    expect(field(page, "Information flow")).to_have_value("outbound")
    shot("template-chosen")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert")).to_contain_text("has been logged for")
    shot("back-on-contact")

    menu(page, "Interactions", "Interaction log entries")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Phone call")
    expect(rows.first).to_contain_text("Sanne de Vries")
    shot("log-entries")

    # Start another → Cancel → "finish later?" Yes → it is postponed.
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Create interaction").click()
    field(page, "Description").fill("Call back about the quote")
    page.get_by_role("button", name="Cancel").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Do you want to finish this interaction later?")
    shot("postpone-question")
    dialog.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("alert")).to_contain_text("postponed")

    menu(page, "Interactions", "Postponed interactions")
    postponed = page.locator("table tbody tr")
    expect(postponed).to_have_count(1)
    expect(postponed.first).to_contain_text("Call back about the quote")
    shot("postponed-list")

    # Resume → the stored values are back → choose a template → OK → logged.
    postponed.first.get_by_role("link", name="Resume").click()
    expect(field(page, "Description")).to_have_value("Call back about the quote")
    choose(page, "Interaction template", "call", "CALL Phone call")
    expect(chosen(page, "Interaction template")).to_have_text(
        "CALL \N{EN DASH} Phone call"
    )
    expect(field(page, "Cost")).to_have_value("2.50")
    expect(field(page, "Description")).to_have_value("Call back about the quote")
    shot("resume")
    page.get_by_role("button", name="OK").click()
    # The contact had a call logged today already: the page asks first (issue 8).
    expect(page.get_by_role("alert")).to_contain_text("log anyway?")
    page.get_by_role("button", name="Log anyway").click()
    expect(page.get_by_text("There are no postponed interactions.")).to_be_visible()
    assert InteractionLogEntry.objects.filter(postponed=False).count() == 2

    # Mark one canceled from the list, then delete canceled entries by command.
    menu(page, "Interactions", "Interaction log entries")
    expect(page.locator("table tbody tr")).to_have_count(2)
    page.get_by_role("checkbox", name="Select entry").first.check()
    page.get_by_role("button", name="Mark canceled").click()
    expect(
        page.get_by_text("Do you wish to mark the selected 1 line as canceled?")
    ).to_be_visible()
    shot("cancel-question")
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "1 interaction log entry marked canceled."
    )
    expect(page.locator("tbody .badge", has_text="Canceled")).to_have_count(1)
    shot("one-canceled")

    call_command("delete_canceled_interactions")
    page.reload()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("tbody .badge", has_text="Canceled")).to_have_count(0)
    shot("after-delete")


def test_crm_admin_deletes_canceled_entries_from_the_page(
    page, live_server, login, shot
):
    _user, person = setup_data()
    admin = AdminUserFactory(username="maria")
    SalespersonFactory(code="MB", name="Maria Bakker", user=admin)
    template = InteractionTemplateFactory(code="VISIT", description="Visit")
    from interactions import services

    kept = services.create_interaction(contact=person, template=template, user=admin)
    gone = services.create_interaction(contact=person, template=template, user=admin)
    services.set_canceled([gone], True, user=admin)
    login(admin)
    menu(page, "Setup", "Delete canceled entries")
    choose(page, "Contact", "sanne", "Sanne de Vries")
    page.get_by_role("button", name="Count matching entries").click()
    expect(page.get_by_role("status")).to_contain_text(
        "1 canceled interaction log entry matches these filters."
    )
    shot("counted")
    page.get_by_role("button", name="Delete 1 entry").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "1 interaction log entry deleted."
    )
    assert list(InteractionLogEntry.objects.all()) == [kept]


def test_postponing_in_dutch(page, live_server, login, shot):
    user, person = setup_data()
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Interactie maken").click()
    expect(page.get_by_role("heading", name="Interactie maken")).to_be_visible()
    choose(page, "Interactiesjabloon", "phone", "CALL Phone call")
    expect(field(page, "Kosten")).to_have_value("2,50")
    page.get_by_role("button", name="Annuleren").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Wilt u deze interactie later voltooien?")
    shot("dutch-postpone-question")
    dialog.get_by_role("button", name="Ja").click()
    expect(page.get_by_role("alert")).to_contain_text("De interactie is uitgesteld.")
    page.goto(f"{live_server.url}/interactions/postponed/")
    expect(page.get_by_role("heading", name="Uitgestelde interacties")).to_be_visible()
    expect(page.get_by_role("link", name="Hervatten")).to_have_count(1)
    shot("dutch-postponed-list")


def test_evaluate_and_cancel_one_entry_on_its_page_in_dutch(
    page, live_server, login, shot
):
    user, person = setup_data()
    entry = InteractionLogEntryFactory(
        contact=person, description="Offerte besproken", created_by=user
    )
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()
    url = f"{live_server.url}{reverse('interactions:entry_detail', args=[entry.pk])}"
    page.goto(url)

    # Evalueren is not asked: the entry comes back with the evaluation.
    page.get_by_label("Evaluatie", exact=True).select_option(label="Positief")
    page.get_by_role("button", name="Evalueren").click()
    expect(page).to_have_url(url)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("dt", has_text="Evaluatie").locator("+ dd")).to_have_text(
        "Positief"
    )

    # Markeren als geannuleerd asks in a dialog naming the entry; Cancel on it
    # leaves the entry as it was.
    questions = []
    page.once("dialog", answer(questions, accept=False))
    page.get_by_role("button", name="Markeren als geannuleerd").click()
    expect(page.get_by_role("heading", name="Offerte besproken")).not_to_contain_text(
        "Geannuleerd"
    )
    page.once("dialog", answer(questions, accept=True))
    page.get_by_role("button", name="Markeren als geannuleerd").click()
    expect(page.get_by_role("heading", name="Offerte besproken")).to_contain_text(
        "Geannuleerd"
    )
    assert (
        questions
        == [
            f"Interactielogpost {entry.pk} markeren als geannuleerd? "
            "De post telt dan niet meer mee in de statistieken."
        ]
        * 2
    )
    shot("canceled")
    entry.refresh_from_db()
    assert (entry.evaluation, entry.canceled) == ("positive", True)
