"""Privacy geblokkeerd in the browser, in Dutch: block a contact on its card, then
try to log an interaction for it and read the refusal."""

from decimal import Decimal

from playwright.sync_api import expect

from audit.models import AuditAction, AuditRecord
from crm.models import Contact
from interactions.models import InteractionLogEntry
from tests.e2e.conftest import choose
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
    SegmentFactory,
    SegmentLineFactory,
)


def test_block_a_contact_then_an_interaction_is_refused_in_dutch(
    page, live_server, login, shot
):
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
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()

    # The card → "Privacy blokkeren" asks first; nothing changes until confirmed.
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Privacy blokkeren").click()
    expect(page.get_by_role("heading", name="Privacy blokkeren")).to_be_visible()
    expect(page.get_by_text("markeren als “Privacy geblokkeerd”?")).to_be_visible()
    shot("confirm")
    page.get_by_role("button", name="Privacy blokkeren").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Contact CT00002 Sanne de Vries is nu om privacyredenen geblokkeerd."
    )
    expect(page.get_by_text("Privacy geblokkeerd", exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="Privacyblokkering opheffen")).to_be_visible()
    shot("card-blocked")
    assert AuditRecord.objects.filter(
        action=AuditAction.BLOCKED, object_id="CT00002", username="anna"
    ).exists()

    # The card offers no action the block refuses, and says why.
    interactions = page.locator("#interactions")
    expect(interactions).to_contain_text(
        "Privacy geblokkeerd: geen nieuwe interacties, e-mails, brieven of taken."
    )
    for refused in ("Interactie maken", "E-mail verzenden", "Brief afdrukken"):
        expect(interactions.get_by_role("link", name=refused)).to_have_count(0)
    expect(page.get_by_role("link", name="Taak maken")).to_have_count(0)

    # Logging an interaction for it from the menu is refused, with the reason.
    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    navigation.get_by_role("button", name="Interacties").click()
    navigation.get_by_role("link", name="Interactie maken", exact=True).click()
    choose(page, "Contact", "sanne", "CT00002 Sanne de Vries")
    choose(page, "Interactiesjabloon", "phone", "CALL Phone call")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Contact CT00002 Sanne de Vries is om privacyredenen geblokkeerd: er kunnen "
        "geen nieuwe interacties, segmentregels, taken of verzendingen voor worden "
        "gemaakt."
    )
    shot("refused")
    assert not InteractionLogEntry.objects.exists()


def test_the_contact_list_filters_privacy_blocked_contacts_in_dutch(
    page, live_server, login, shot
):
    user = SalesUserFactory(username="anna")
    PersonFactory(no="CT00001", name="Open Olga", company=None)
    PersonFactory(no="CT00002", name="Bram Blok", company=None, privacy_blocked=True)
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()

    page.goto(f"{live_server.url}/contacts/")
    page.get_by_label("Privacy geblokkeerd").select_option(label="Ja")
    page.get_by_role("button", name="Filteren").click()

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bram Blok")
    expect(rows.first).to_contain_text("Privacy geblokkeerd")
    shot("list-filtered")


def test_the_log_dialog_names_a_blocked_contacts_line_before_ok_in_dutch(
    page, live_server, login, shot
):
    user = SalesUserFactory(username="anna")
    template = InteractionTemplateFactory(code="BRIEF")
    segment = SegmentFactory(no="SM00001", description="Nieuwsbrief", template=template)
    SegmentLineFactory(segment=segment, template=template)
    blocked = SegmentLineFactory(segment=segment, template=template)
    Contact.objects.filter(pk=blocked.contact_id).update(privacy_blocked=True)
    login(user)
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()

    page.goto(f"{live_server.url}{segment.get_absolute_url()}")
    page.get_by_role("button", name="Registreren", exact=True).click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Voordat segment SM00001 kan worden geregistreerd")
    expect(dialog).to_contain_text("1 regel kan niet worden geregistreerd.")
    shot("log-dialog-names-the-blocked-line")
    dialog.get_by_role("link", name="Deze regels tonen").click()
    expect(page.locator("#blocking-filter")).to_be_visible()
    rows = page.get_by_role("table", name="Regels").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(blocked.contact.name)
    assert not InteractionLogEntry.objects.exists()
