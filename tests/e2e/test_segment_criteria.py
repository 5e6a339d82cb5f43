"""Segments as a toolkit: Add / Refine / Reduce, Go back, Save and Reuse criteria,
a dynamic segment logged, and Log from a filtered contact list."""

from decimal import Decimal

from playwright.sync_api import expect

from interactions.models import InteractionLogEntry
from segments import services
from segments.models import SavedSegmentCriteria, Segment
from tests.e2e.conftest import answer, choose, field, htmx_settled, menu
from tests.factories import (
    CompanyFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)
from web.lookups import SEPARATOR


def setup_data():
    user = SalesUserFactory(username="anna")
    SalespersonFactory(code="AV", name="Anna Visser", user=user)
    template = InteractionTemplateFactory(
        code="LETTER",
        description="Spring letter",
        unit_cost=Decimal("1.20"),
        unit_duration=5,
    )
    utrecht = CompanyFactory(no="CT00001", name="Bakkerij Utrecht", city="Utrecht")
    for no, name in [("CT00010", "Sanne de Vries"), ("CT00011", "Joost Bakker")]:
        PersonFactory(no=no, name=name, company=utrecht, city="Utrecht")
    PersonFactory(
        no="CT00012",
        name="Eva Jansen",
        company=None,
        city="Utrecht",
        language_code="nl",
    )
    PersonFactory(no="CT00020", name="Piet Amsterdam", company=None, city="Amsterdam")
    return user, template


def numbers(segment):
    return sorted(segment.lines.values_list("contact__no", flat=True))


def preview(page, text):
    htmx_settled(page)
    expect(page.get_by_test_id("preview")).to_have_text(text)


def test_build_go_back_save_and_reuse_criteria(
    page, live_server, login, shot, marketing_setup
):
    user, template = setup_data()
    segment = services.create_segment(
        user=user, description="Utrecht mailing", template=template
    )
    login(user)
    page.goto(f"{live_server.url}{segment.get_absolute_url()}")

    # Add: everyone in Utrecht, the company next to its persons.
    page.get_by_role("link", name="Add contacts").first.click()
    field(page, "City").fill("Utrecht")
    page.get_by_label("Allow company with persons").check()
    preview(page, "4 contacts will be added.")
    shot("add-count")
    page.get_by_role("button", name="Add 4 contacts").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "4 contacts added to segment SM00001."
    )
    expect(page.get_by_test_id("line-count")).to_have_text("4")

    # Refine: keep the persons only.
    page.get_by_role("link", name="Remove contacts - Refine").click()
    contacts = page.get_by_role("group", name="Contacts")
    contacts.get_by_label("Type").select_option("person")
    preview(page, "1 contact will be removed.")
    page.get_by_role("button", name="Remove 1 contact").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "1 contact removed from segment SM00001."
    )

    # Reduce: not those who speak Dutch.
    page.get_by_role("link", name="Remove contacts - Reduce").click()
    page.get_by_role("group", name="Contacts").get_by_label("Language").select_option(
        "nl"
    )
    preview(page, "1 contact will be removed.")
    shot("reduce-count")
    page.get_by_role("button", name="Remove 1 contact").click()
    assert numbers(segment) == ["CT00010", "CT00011"]

    # The criteria page lists the three actions in words; Go back undoes the last.
    page.get_by_role("link", name="Segment criteria").click()
    rows = page.get_by_test_id("criteria-actions").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("city starts with Utrecht")
    expect(rows.nth(0)).to_contain_text("+4")
    expect(rows.nth(1)).to_contain_text("type = Person")
    expect(rows.nth(2)).to_contain_text("language = Dutch")
    shot("criteria-page")
    page.get_by_role("link", name="Go back").click()
    expect(page.get_by_role("heading", name="Go back")).to_be_visible()
    expect(page.get_by_text("Undo action 3 (Remove contacts - Reduce)")).to_be_visible()
    page.get_by_role("button", name="Go back").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Action 3 (Remove contacts - Reduce) has been undone"
    )
    expect(rows).to_have_count(2)
    assert numbers(segment) == ["CT00010", "CT00011", "CT00012"]

    # Save the two actions left.
    save = page.get_by_role("form", name="Save criteria")
    field(save, "Code").fill("UTRECHT")
    field(save, "Description").fill("Persons in Utrecht")
    save.get_by_role("button", name="Save criteria").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The criteria of segment SM00001 have been saved as UTRECHT."
    )

    # Reuse them on a new segment that already holds someone else: replace.
    other = services.create_segment(user=user, description="Autumn", template=template)
    services.add_contacts(
        other, [PersonFactory(no="CT00099", city="Zwolle")], user=user
    )
    page.goto(f"{live_server.url}{other.get_absolute_url()}")
    page.get_by_role("link", name="Segment criteria").click()
    reuse = page.get_by_role("form", name="Reuse criteria")
    field(reuse, "Saved segment criteria").select_option(
        label=f"UTRECHT{SEPARATOR}Persons in Utrecht"
    )
    # Replacing says first how many lines it empties.
    questions = []
    page.on(
        "dialog", lambda dialog: (questions.append(dialog.message), dialog.accept())
    )
    reuse.get_by_label("Replace: empty the segment first").check()
    shot("reuse")
    reuse.get_by_role("button", name="Reuse criteria").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Criteria UTRECHT have been applied; the segment has 3 lines."
    )
    assert questions == [
        f"Replace empties segment {other.no} first: its 1 line is removed. Continue?"
    ]
    assert numbers(Segment.objects.get(no=other.no)) == [
        "CT00010",
        "CT00011",
        "CT00012",
    ]

    # Saved segment criteria are listed in the Segments menu.
    menu(page, "Segments", "Saved segment criteria")
    expect(page.locator("table tbody tr")).to_contain_text("Persons in Utrecht")
    shot("saved-criteria")
    assert SavedSegmentCriteria.objects.get().action_count == 2


def test_log_a_dynamic_segment_after_adding_a_matching_contact(
    page, live_server, login, shot, marketing_setup
):
    user, template = setup_data()
    segment = services.create_segment(
        user=user,
        description="Amsterdam calls",
        template=template,
        salesperson=user.salesperson,
        reapply_criteria=True,
    )
    services.add_contacts_by_criteria(segment, {"city": "Amsterdam"}, user=user)
    assert numbers(segment) == ["CT00020"]
    login(user)

    # A new contact in Amsterdam, entered as a user does.
    menu(page, "Contacts")
    page.get_by_role("link", name="New contact").click()
    field(page, "No.").fill("CT00030")
    field(page, "Type").select_option("person")
    field(page, "Name").fill("Mila Groen")
    field(page, "City").fill("Amsterdam")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("has been created")

    # The Log dialog says what applying the criteria again changes.
    page.goto(f"{live_server.url}{segment.get_absolute_url()}")
    page.get_by_role("button", name="Log", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("dynamic-changes")).to_contain_text("+1 / \u22120")
    shot("log-dialog")
    dialog.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Segment SM00001 has been logged."
    )
    logged = set(InteractionLogEntry.objects.values_list("contact__name", flat=True))
    assert logged == {"Piet Amsterdam", "Mila Groen"}


def test_log_an_interaction_for_a_filtered_contact_list(
    page, live_server, login, shot, marketing_setup
):
    user, _template = setup_data()
    login(user)

    menu(page, "Contacts")
    field(page, "City").fill("Amsterdam")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Log an interaction for these contacts").click()
    expect(page.get_by_test_id("preview")).to_contain_text("1 contact matches")
    field(page, "Description").fill("Amsterdam call")
    choose(page, "Interaction template", "spring", "LETTER Spring letter")
    shot("from-contacts")
    page.get_by_role("button", name="Create segment with 1 contact and log").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Segment SM00001 has been created with 1 contact."
    )
    expect(page.get_by_role("heading", name="Log segment")).to_be_visible()
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Segment SM00001 has been logged."
    )
    assert InteractionLogEntry.objects.get().contact.name == "Piet Amsterdam"


def test_in_dutch_the_unfiltered_contact_list_is_filtered_before_logging(
    page, live_server, login, shot
):
    user, _template = setup_data()
    login(user)
    page.context.add_cookies(
        [{"name": "django_language", "value": "nl", "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/")
    bar = page.get_by_role("navigation", name="Hoofdnavigatie")
    bar.get_by_role("link", name="Contacten", exact=True).click()
    page.get_by_role("link", name="Interactie registreren voor deze contacten").click()

    expect(page.get_by_test_id("no-filter")).to_contain_text(
        "Geen filter: er zou voor elk contact een interactie worden geregistreerd."
    )
    expect(page.get_by_role("button", name="registreren")).to_have_count(0)
    shot("no-filter")
    page.get_by_role("link", name="Contacten filteren").click()
    field(page, "Plaats").fill("Amsterdam")
    page.get_by_role("button", name="Filteren").click()
    page.get_by_role("link", name="Interactie registreren voor deze contacten").click()
    expect(page.get_by_test_id("preview")).to_contain_text("1 contact voldoet")


def test_in_dutch_contacten_toevoegen_and_vorige(
    page, live_server, login, shot, marketing_setup
):
    user, template = setup_data()
    segment = services.create_segment(
        user=user, description="Mailing Utrecht", template=template
    )
    login(user)
    page.context.add_cookies(
        [{"name": "django_language", "value": "nl", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{segment.get_absolute_url()}")

    page.get_by_role("link", name="Contacten toevoegen").first.click()
    field(page, "Plaats").fill("utrecht")
    page.get_by_label("Bedrijf met personen toestaan").check()
    preview(page, "4 contacten worden toegevoegd.")
    shot("contacten-toevoegen")
    page.get_by_role("button", name="4 contacten toevoegen").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "4 contacten toegevoegd aan segment SM00001."
    )

    page.get_by_role("link", name="Segmentcriteria").click()
    row = page.get_by_test_id("criteria-actions").locator("tbody tr")
    expect(row).to_contain_text("Contacten toevoegen")
    expect(row).to_contain_text("plaats begint met utrecht")
    shot("segmentcriteria")
    page.get_by_role("link", name="Vorige").click()
    page.get_by_role("button", name="Vorige").click()
    expect(page.get_by_role("alert")).to_contain_text("is ongedaan gemaakt")
    assert numbers(segment) == []


def test_remove_selected_removes_the_ticked_lines(
    page, live_server, login, marketing_setup
):
    user, template = setup_data()
    segment = services.create_segment(
        user=user, description="Utrecht mailing", template=template
    )
    services.add_contacts_by_criteria(segment, {"city": "Utrecht"}, user=user)
    login(user)
    page.goto(f"{live_server.url}{segment.get_absolute_url()}")

    # The question counts the ticked lines; "Cancel" keeps them.
    questions = []

    page.get_by_label("Select Sanne de Vries").check()
    page.once("dialog", answer(questions, accept=False))
    page.get_by_role("button", name="Remove selected").click()
    page.get_by_label("Select Eva Jansen").check()
    page.once("dialog", answer(questions, accept=True))
    page.get_by_role("button", name="Remove selected").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "2 contacts removed from segment SM00001."
    )
    assert questions == [
        "Remove the selected contact from the segment?",
        "Remove the 2 selected contacts from the segment?",
    ]
    assert numbers(segment) == ["CT00011"]
