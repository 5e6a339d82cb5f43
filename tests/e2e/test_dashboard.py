import datetime
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from interactions import services
from interactions.models import InteractionLogEntry
from tests.e2e.conftest import choose, field
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)

CHARTS_DRAWN = """() => [...document.querySelectorAll("canvas[data-chart]")]
    .every((canvas) => Chart.getChart(canvas) && canvas.width > 0)"""


def test_resume_a_postponed_interaction_from_the_start_page(
    page, live_server, login, shot
):
    user = SalesUserFactory(username="anna")
    anna = SalespersonFactory(code="AV", name="Anna Visser", user=user)
    person = PersonFactory(
        name="Sanne de Vries", company=CompanyFactory(name="Van Dijk B.V.")
    )
    call = InteractionTemplateFactory(
        code="CALL",
        description="Phone call",
        group=InteractionGroupFactory(code="PHONE", description="Phone"),
        unit_cost=Decimal("2.50"),
        unit_duration=15,
    )
    today = timezone.localdate()
    # The quarter chart counts all three, whatever the day the test runs.
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    for days, evaluation in [(0, "positive"), (8, "neutral"), (20, "")]:
        InteractionLogEntryFactory(
            contact=person,
            template=call,
            salesperson=anna,
            date=max(quarter_start, today - datetime.timedelta(days=days)),
            evaluation=evaluation,
            description="Earlier call",
        )
    services.postpone_interaction(
        contact=person,
        user=user,
        salesperson=anna,
        description="Call back about the quote",
    )
    page.emulate_media(reduced_motion="reduce")  # charts drawn without animation

    login(user)

    queue = page.get_by_role("region", name="My postponed interactions")
    expect(queue.get_by_role("listitem")).to_have_count(1)
    expect(queue).to_contain_text("Call back about the quote")
    # Three charts, drawn, each with its numbers as a table.
    expect(page.locator("canvas[data-chart]")).to_have_count(3)
    page.wait_for_function(CHARTS_DRAWN)
    expect(page.locator("details table")).to_have_count(3)
    evaluations = page.get_by_role("region", name="Evaluations")
    evaluations.get_by_text("Show as table").click()
    table = evaluations.get_by_role("table")
    expect(table).to_be_visible()
    expect(
        table.get_by_role("row", name="Positive 1 33.3 %", exact=True)
    ).to_be_visible()
    shot("start-page")

    queue.get_by_role("link", name="Resume").click()
    expect(field(page, "Description")).to_have_value("Call back about the quote")
    choose(page, "Interaction template", "phone", "CALL Phone call")
    expect(field(page, "Cost")).to_have_value("2.50")
    page.get_by_role("button", name="OK").click()
    # Today's earlier call with the same template: the page asks first.
    expect(page.get_by_role("alert")).to_contain_text(
        "already logged for this contact today"
    )
    page.get_by_role("button", name="Log anyway").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("alert")).to_contain_text("has been logged for")
    expect(queue).to_contain_text(
        "Nothing to resume: you have no postponed interactions."
    )
    recent = page.get_by_role("region", name="My recent interactions")
    expect(recent.get_by_role("row").nth(1)).to_contain_text(
        "Call back about the quote"
    )
    page.wait_for_function(CHARTS_DRAWN)
    shot("after-resume")
    assert not InteractionLogEntry.objects.filter(postponed=True).exists()
