import datetime
import re

from playwright.sync_api import expect

from interactions import services
from segments import services as segment_services
from tests.e2e.conftest import choose, clear, field, htmx_settled
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)

DAY = datetime.date(2026, 3, 16)


def setup_data():
    """A person with 30 calls and letters over 30 days, a postponed interaction and a
    logged segment."""
    user = SalesUserFactory(username="anna")
    salesperson = SalespersonFactory(code="AV", name="Anna Visser", user=user)
    call = InteractionTemplateFactory(
        code="CALL",
        description="Phone call",
        group=InteractionGroupFactory(code="PHONE", description="Phone"),
    )
    letter = InteractionTemplateFactory(
        code="LETTER",
        description="Letter",
        group=InteractionGroupFactory(code="MAIL", description="Mail"),
    )
    company = CompanyFactory(no="CT00001", name="Van Dijk Installaties B.V.")
    person = PersonFactory(no="CT00002", name="Sanne de Vries", company=company)
    for day in range(30):
        services.create_interaction(
            contact=person,
            template=letter if day % 3 == 0 else call,
            user=user,
            description=f"Contact moment {day + 1}",
            date=DAY - datetime.timedelta(days=day),
            time=datetime.time(10, 0),
            evaluation="positive" if day % 2 else "neutral",
        )
    services.postpone_interaction(
        contact=person, user=user, description="Call back about the quote"
    )
    segment = segment_services.create_segment(
        user=user,
        description="Spring mailing",
        template=letter,
        salesperson=salesperson,
        date=DAY + datetime.timedelta(days=1),
    )
    segment_services.add_contacts(segment, [person], user=user)
    segment_services.log_segment(segment, user=user)
    return user, person


def test_walk_a_contacts_timeline_filter_it_and_page_through_it(
    page, live_server, login, shot, marketing_setup
):
    user, person = setup_data()
    login(user)

    # The contact card: postponed interaction, logged segment and entries in one stream.
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    stream = page.locator("#timeline-stream tbody tr")
    expect(stream).to_have_count(25)
    expect(stream.nth(0)).to_contain_text("Call back about the quote")
    expect(stream.nth(0)).to_contain_text("Postponed")
    expect(stream.nth(0).get_by_role("link", name="Resume")).to_be_visible()
    expect(stream.nth(1)).to_contain_text("Logged segment SM00001 — Spring mailing")
    expect(stream.nth(2)).to_contain_text("Contact moment 1")
    shot("timeline")

    # Filter by template: htmx swaps the stream in, and the address says what it shows.
    with page.expect_response(re.compile(r"template=LETTER")) as answer:
        choose(page, "Template", "letter", "LETTER Letter")
    assert answer.value.text().lstrip().startswith('<div id="timeline-stream"')
    expect(stream).to_have_count(11)  # ten letters and the logged segment
    expect(page).to_have_url(re.compile(r"template=LETTER"))
    for row in stream.all():
        expect(row).to_contain_text("LETTER")
    # … and by evaluation as well.
    field(page, "Evaluation").select_option(label="Positive")
    expect(stream).to_have_count(5)
    expect(stream.first).to_contain_text("Contact moment 4")
    shot("filtered")

    # Back to everything, then Older: the next page, then Newer: the first again.
    clear(page, "Template")
    field(page, "Evaluation").select_option(label="All")
    expect(stream).to_have_count(25)
    htmx_settled(page)
    pages = page.get_by_role("navigation", name="Timeline pages")
    pages.get_by_role("link", name="Older").click()
    expect(stream).to_have_count(7)
    expect(stream.first).to_contain_text("Contact moment 24")
    expect(stream.last).to_contain_text("Contact moment 30")
    expect(page).to_have_url(re.compile(r"older="))
    shot("older")
    htmx_settled(page)
    pages.get_by_role("link", name="Newer").click()
    expect(stream).to_have_count(25)
    expect(stream.first).to_contain_text("Call back about the quote")
    expect(pages.get_by_role("link", name="Newer")).to_have_count(0)


def test_the_timeline_filters_and_pages_without_javascript(
    new_context, live_server, marketing_setup
):
    user, person = setup_data()
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    stream = page.locator("#timeline-stream tbody tr")
    field(page, "Evaluation").select_option(label="Neutral")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"\?.*evaluation=neutral.*#timeline$"))
    expect(stream).to_have_count(15)
    expect(field(page, "Evaluation")).to_have_value("neutral")

    field(page, "Evaluation").select_option(label="All")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("navigation", name="Timeline pages").get_by_role(
        "link", name="Older"
    ).click()
    expect(stream).to_have_count(7)
    expect(stream.first).to_contain_text("Contact moment 24")
    context.close()
