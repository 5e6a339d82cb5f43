from decimal import Decimal

from playwright.sync_api import expect

from interactions.models import InteractionLogEntry
from segments.models import LoggedSegment, Segment
from tests.e2e.conftest import choose, field, htmx_settled, menu
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)


def setup_data():
    user = SalesUserFactory(username="anna")
    salesperson = SalespersonFactory(code="AV", name="Anna Visser", user=user)
    group = InteractionGroupFactory(code="MAIL", description="Mailings")
    InteractionTemplateFactory(
        code="LETTER",
        description="Spring letter",
        group=group,
        unit_cost=Decimal("1.20"),
        unit_duration=5,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type="hard_copy",
    )
    InteractionTemplateFactory(
        code="EMAIL",
        description="Spring e-mail",
        group=group,
        unit_cost=Decimal("0.10"),
        unit_duration=2,
        information_flow="outbound",
        initiated_by="us",
    )
    utrecht = CompanyFactory(no="CT00001", name="Bakkerij Utrecht", city="Utrecht")
    persons = [
        PersonFactory(no=f"CT0001{n}", name=name, company=utrecht, city="Utrecht")
        for n, name in enumerate(["Sanne de Vries", "Joost Bakker", "Eva Jansen"])
    ]
    persons[2].exclude_from_segment = True
    persons[2].save()
    PersonFactory(no="CT00020", name="Piet Amsterdam", city="Amsterdam")
    return user, salesperson


def test_log_a_segment_with_a_personalised_line_and_a_follow_up(
    page, live_server, login, shot, marketing_setup
):
    user, salesperson = setup_data()
    login(user)

    # Segments → New segment → the Interaction section filled by the template.
    menu(page, "Segments", "Segments")
    page.get_by_role("link", name="New segment").click()
    field(page, "Description").fill("Spring mailing")
    choose(page, "Interaction template", "spring let", "LETTER Spring letter")
    expect(field(page, "Unit cost")).to_have_value("1.20")
    expect(field(page, "Unit duration (min.)")).to_have_value("5")
    expect(field(page, "Information flow")).to_have_value("outbound")
    expect(field(page, "Correspondence type")).to_have_value("hard_copy")
    shot("header-filled-by-template")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Segment SM00001")
    expect(page.get_by_role("heading", name="Spring mailing")).to_be_visible()

    # Add contacts by a filter: the count is shown before anything is added; the
    # company stays next to its persons.
    page.get_by_role("link", name="Add contacts").first.click()
    field(page, "City").fill("Utrecht")
    page.get_by_label("Allow company with persons").check()
    expect(page.get_by_test_id("preview")).to_have_text("3 contacts will be added.")
    shot("add-contacts-count")
    page.get_by_role("button", name="Add 3 contacts").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "3 contacts added to segment SM00001."
    )
    lines = page.locator("table tbody tr")
    expect(lines).to_have_count(3)
    expect(page.get_by_test_id("line-count")).to_have_text("3")
    expect(page.get_by_test_id("planned-cost")).to_have_text("3.60")

    # Personalise Joost Bakker's line with the e-mail template, inline.
    page.get_by_role("link", name="Personalise the line of Joost Bakker").click()
    row_form = page.get_by_role("form", name="Line of Joost Bakker")
    expect(row_form).to_be_visible()
    htmx_settled(page)
    # A negative cost is refused in the row itself: the 400 with the form's errors
    # is swapped in like any answer.
    field(row_form, "Cost").fill("-1")
    row_form.get_by_role("button", name="Save").click()
    row_form = page.get_by_role("form", name="Line of Joost Bakker")
    expect(row_form).to_contain_text("The cost cannot be negative.")
    htmx_settled(page)
    choose(row_form, "Interaction template", "e-mail", "EMAIL Spring e-mail")
    row_form = page.get_by_role("form", name="Line of Joost Bakker")
    expect(field(row_form, "Cost")).to_have_value("0.10")
    shot("line-personalised")
    row_form.get_by_role("button", name="Save").click()
    joost = page.locator("tr", has_text="Joost Bakker")
    expect(joost).to_contain_text("EMAIL")
    expect(joost).to_contain_text("Personalised")
    # The card's statistics follow the line without a reload.
    expect(page.get_by_test_id("planned-cost")).to_have_text("2.50")

    # Log with "Create follow-up segment": the follow-up's header opens to fill in.
    page.get_by_role("button", name="Log", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("each of the 3 contacts of segment SM00001")
    dialog.get_by_label("Create follow-up segment").check()
    shot("log-dialog")
    dialog.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Segment SM00001 has been logged."
    )
    expect(
        page.get_by_role("heading", name="Segment SM00002", exact=True)
    ).to_be_visible()
    expect(field(page, "Description")).to_have_value("Follow-up on segment SM00001")
    expect(field(page, "Interaction template")).to_be_focused()
    expect(page.locator("#log-check")).to_contain_text("3 lines cannot be logged.")
    shot("follow-up-segment")
    follow_up = Segment.objects.get()
    assert follow_up.no == "SM00002"
    assert follow_up.salesperson == salesperson
    assert sorted(follow_up.lines.values_list("contact__no", flat=True)) == [
        "CT00001",
        "CT00010",
        "CT00011",
    ]

    # Logged segments lists it; its entries: one per contact, one personalised.
    menu(page, "Segments", "Logged segments")
    logged_row = page.locator("table tbody tr", has_text="SM00001")
    expect(logged_row).to_contain_text("Spring mailing")
    expect(logged_row).to_contain_text("3")
    shot("logged-segments")
    logged_row.get_by_role("link", name="3").click()
    entries = page.locator("table tbody tr")
    expect(entries).to_have_count(3)
    expect(page.locator("tr", has_text="Joost Bakker")).to_contain_text("EMAIL")
    expect(page.locator("tr", has_text="Sanne de Vries")).to_contain_text("LETTER")
    shot("logged-entries")

    # Mark canceled on the logged segment cancels its three entries.
    menu(page, "Segments", "Logged segments")
    page.once("dialog", lambda question: question.accept())
    page.get_by_role("button", name="Mark canceled").click()
    expect(page.get_by_role("alert")).to_contain_text("3 interaction log entries")
    assert LoggedSegment.objects.get().canceled
    assert InteractionLogEntry.objects.filter(canceled=True).count() == 3
