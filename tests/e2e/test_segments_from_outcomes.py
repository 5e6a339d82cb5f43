import datetime
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from interactions import services as interaction_services
from interactions.models import InteractionLogEntry
from segments import services as segment_services
from tests.e2e.conftest import choose, field, htmx_settled, menu
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)


def setup_data():
    """Phone calls of the last month: negative with Sanne (twice), Joost and Eva
    (excluded from segments), positive with Piet; a negative call two months ago
    with Kees and a negative letter to Lotte."""
    user = SalesUserFactory(username="anna")
    SalespersonFactory(code="AV", name="Anna Visser", user=user)
    call = InteractionTemplateFactory(
        code="CALL",
        description="Phone call",
        group=InteractionGroupFactory(code="PHONE", description="Phone calls"),
        unit_cost=Decimal("1.50"),
        unit_duration=10,
        information_flow="outbound",
        initiated_by="us",
    )
    letter = InteractionTemplateFactory(code="LETTER", description="Letter")
    today = timezone.localdate()
    people = {
        name: PersonFactory(name=name)
        for name in ("Sanne de Vries", "Joost Bakker", "Eva Jansen", "Piet Smit")
    }
    people["Eva Jansen"].exclude_from_segment = True
    people["Eva Jansen"].save()
    outcomes = [
        ("Sanne de Vries", call, "negative", 3),
        ("Sanne de Vries", call, "negative", 12),
        ("Joost Bakker", call, "very_negative", 5),
        ("Joost Bakker", call, "negative", 20),
        ("Eva Jansen", call, "negative", 8),
        ("Piet Smit", call, "positive", 4),
    ]
    for name, template, evaluation, days_ago in outcomes:
        interaction_services.create_interaction(
            contact=people[name],
            template=template,
            user=user,
            evaluation=evaluation,
            date=today - datetime.timedelta(days=days_ago),
        )
    interaction_services.create_interaction(
        contact=PersonFactory(name="Kees Mulder"),
        template=call,
        user=user,
        evaluation="negative",
        date=today - datetime.timedelta(days=60),
    )
    interaction_services.create_interaction(
        contact=PersonFactory(name="Lotte Visser"),
        template=letter,
        user=user,
        evaluation="negative",
        date=today - datetime.timedelta(days=2),
    )
    return user, today


def filter_negative_calls(form, today):
    """Last month's negative phone calls, in the log entry filters of `form`."""
    choose(form, "Template", "phone", "CALL Phone call")
    field(form, "Evaluation").select_option(label="Negative")
    field(form, "From").fill(f"{today - datetime.timedelta(days=30):%Y-%m-%d}")
    field(form, "To").fill(f"{today:%Y-%m-%d}")


def test_build_a_segment_from_negative_phone_calls_and_log_it(
    page, live_server, login, shot, marketing_setup
):
    user, today = setup_data()
    login(user)

    # The log entry list, filtered to last month's negative phone calls.
    menu(page, "Interactions", "Interaction log entries")
    filters = page.get_by_role("search", name="Filter interaction log entries")
    filter_negative_calls(filters, today)
    filters.get_by_role("button", name="Filter").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(4)
    shot("negative-calls")

    # The count of distinct contacts is shown before anything is created.
    page.get_by_role("link", name="Create segment from these contacts").click()
    expect(page.get_by_test_id("preview")).to_contain_text(
        "4 interaction log entries match, with 3 different contacts; 1 is excluded."
    )
    filters = page.get_by_role("region", name="Filters")
    expect(filters).to_contain_text("CALL Phone call")
    expect(filters).to_contain_text("Negative")
    field(page, "Description").fill("Call back after a bad call")
    choose(page, "Interaction template", "phone", "CALL Phone call")
    expect(field(page, "Unit cost")).to_have_value("1.50")
    shot("confirm")
    page.get_by_role("button", name="Create segment with 2 contacts").click()

    # The new segment opens with the two contacts; Eva was skipped.
    expect(page.get_by_role("alert")).to_contain_text(
        "Segment SM00001 has been created with 2 contacts. 1 contact marked "
        "“exclude from segment” was skipped."
    )
    expect(
        page.get_by_role("heading", name="Call back after a bad call")
    ).to_be_visible()
    lines = page.locator("table tbody tr")
    expect(lines).to_have_count(2)
    expect(page.locator("tr", has_text="Sanne de Vries")).to_contain_text("CALL")
    expect(page.locator("tr", has_text="Joost Bakker")).to_be_visible()
    shot("segment")

    # Log it: one new phone call entry per contact.
    page.get_by_role("button", name="Log", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("each of the 2 contacts of segment SM00001")
    dialog.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Segment SM00001 has been logged."
    )
    shot("logged")
    logged = InteractionLogEntry.objects.filter(segment_no="SM00001")
    assert sorted(logged.values_list("contact__name", flat=True)) == [
        "Joost Bakker",
        "Sanne de Vries",
    ]
    assert set(logged.values_list("template__code", "cost")) == {
        ("CALL", Decimal("1.50"))
    }


def test_add_contacts_from_interactions_to_a_segment(
    page, live_server, login, shot, marketing_setup
):
    user, today = setup_data()
    segment = segment_services.create_segment(user=user, description="Win them back")
    segment_services.add_contacts(
        segment, [PersonFactory(name="Piet Smit Jr.")], user=user
    )
    login(user)

    page.goto(f"{live_server.url}{segment.get_absolute_url()}")
    page.get_by_role("link", name="Add contacts from interactions").click()
    filter_negative_calls(
        page.get_by_role("form", name="Interaction log entry filters"), today
    )
    # The count follows the filters while they are typed (htmx).
    htmx_settled(page)
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text(
        "4 interaction log entries match, with 3 different contacts; 0 are "
        "already in the segment; 1 is excluded."
    )
    shot("preview")
    page.get_by_role("button", name="Add 2 contacts").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "2 contacts added to segment SM00001. 1 contact marked “exclude from "
        "segment” was skipped."
    )
    expect(page.get_by_test_id("line-count")).to_have_text("3")
    shot("segment")
