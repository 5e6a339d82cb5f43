"""Bewaartermijnen in Dutch: a CRM admin sets a rule, opens the dry run, runs it and
reads the log."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from interactions.models import InteractionLogEntry
from tests.e2e.conftest import field
from tests.factories import (
    AdminUserFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
)


def test_a_retention_rule_set_previewed_run_and_logged_in_dutch(
    page, live_server, login, shot
):
    admin = AdminUserFactory(username="beheer")
    phone = InteractionGroupFactory(code="TELEFOON", description="Telefonie")
    call = InteractionTemplateFactory(code="BELLEN", group=phone)
    old = timezone.localdate() - datetime.timedelta(days=3 * 365)
    for _n in range(3):
        InteractionLogEntryFactory(template=call, date=old)
    recent = InteractionLogEntryFactory(template=call, date=timezone.localdate())
    login(admin)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, beheer")).to_be_visible()

    # Marketinginstellingen links to Bewaartermijnen.
    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    navigation.get_by_role("button", name="Instellingen").click()
    navigation.get_by_role("link", name="Marketinginstellingen", exact=True).click()
    page.get_by_role("link", name="Bewaartermijnen", exact=True).last.click()
    expect(
        page.get_by_role("heading", name="Bewaartermijnen", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("Er zijn geen bewaartermijnen ingesteld")).to_be_visible()

    # A rule: the group's entries older than 24 months are deleted.
    page.get_by_role("link", name="Nieuwe bewaartermijn").click()
    field(page, "Interactiegroep").select_option(label="TELEFOON Telefonie")
    field(page, "Actie").select_option(label="Verwijderen")
    field(page, "Ouder dan (maanden)").fill("24")
    shot("policy")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Bewaartermijn TELEFOON Telefonie is aangemaakt."
    )

    # A bad term is refused with the message, nothing saved.
    field(page, "Geannuleerde posten verwijderen na (dagen)").fill("0")
    page.get_by_role("button", name="Opslaan").click()
    expect(
        page.get_by_text("Zorg ervoor dat deze waarde minstens 1 is.")
    ).to_be_visible()
    field(page, "Geannuleerde posten verwijderen na (dagen)").fill("30")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "De bewaartermijnen zijn opgeslagen."
    )
    shot("terms")

    # The dry run says what a run would do and changes nothing.
    page.get_by_role("link", name="Proefdraaien").click()
    row = page.get_by_role("row").filter(
        has_text="Groep TELEFOON: posten ouder dan 24 maanden"
    )
    expect(row).to_contain_text("Verwijderen")
    expect(row.get_by_role("cell").last).to_have_text("3")
    expect(page.locator("#retention-total")).to_have_text("3")
    shot("dry-run")
    assert InteractionLogEntry.objects.count() == 4

    # Nu uitvoeren, after a question that says what it does: the job runs, the
    # jobs page shows it done.
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.get_by_role("button", name="Nu uitvoeren").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "De bewaartermijnen worden nu toegepast."
    )
    assert questions == [
        "De bewaarregels nu toepassen op 3 records? "
        "Dit kan niet ongedaan worden gemaakt."
    ]
    expect(page.get_by_role("heading", name="Achtergrondtaken")).to_be_visible()
    job_row = page.locator("tbody tr").filter(has_text="Bewaartermijnen toepassen")
    expect(job_row).to_contain_text("Gereed")
    # What the run says and where it leads, in Dutch like the page around them.
    expect(job_row).to_contain_text("3 records verwijderd of geanonimiseerd.")
    expect(job_row.get_by_role("link", name="Logboek bewaartermijnen")).to_be_visible()
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [recent.pk]

    # The log says what was done.
    navigation.get_by_role("button", name="Instellingen").click()
    navigation.get_by_role("link", name="Bewaartermijnen", exact=True).click()
    page.get_by_role("link", name="Logboek bewaartermijnen").first.click()
    expect(page.get_by_role("heading", name="Logboek bewaartermijnen")).to_be_visible()
    run = page.locator("tbody tr").first
    expect(run).to_contain_text(
        "Groep TELEFOON: posten ouder dan 24 maanden: verwijderd 3"
    )
    expect(run).to_contain_text("beheer")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot("log")
