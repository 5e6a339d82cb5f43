"""Issue 8: logging the same template for a contact twice on one day asks first."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from interactions import services
from interactions.models import InteractionLogEntry, InteractionTemplate
from tests.e2e.conftest import choose, chosen, field
from tests.e2e.test_interactions import setup_data
from tests.factories import SalespersonFactory, UserFactory

WARNING = (
    "An interaction with this template was already logged for this contact today "
    "by Maria Bakker at 10:42 — log anyway?"
)


def test_the_duplicate_warning_path_both_ways(page, live_server, login, shot):
    user, person = setup_data()
    maria = UserFactory(username="maria")
    SalespersonFactory(code="MB", name="Maria Bakker", user=maria)
    earlier = services.create_interaction(
        contact=person,
        template=InteractionTemplate.objects.get(code="CALL"),
        user=maria,
        date=timezone.localdate(),
        time=datetime.time(10, 42),
    )
    login(user)

    def create_a_call():
        page.goto(f"{live_server.url}{person.get_absolute_url()}")
        page.get_by_role("link", name="Create interaction").click()
        choose(page, "Interaction template", "phone", "CALL Phone call")
        expect(field(page, "Cost")).to_have_value("2.50")
        page.get_by_role("button", name="OK").click()

    # OK → the page asks; "Don't log" goes back and nothing is logged.
    create_a_call()
    warning = page.get_by_role("alert")
    expect(warning).to_have_text(WARNING)
    expect(chosen(page, "Interaction template")).to_have_text(
        "CALL \N{EN DASH} Phone call"
    )
    shot("duplicate-warning")
    page.get_by_role("link", name="Don't log").click()
    expect(page).to_have_url(f"{live_server.url}{person.get_absolute_url()}")
    assert list(InteractionLogEntry.objects.all()) == [earlier]

    # Again → asked again → "Log anyway", answered from the keyboard → logged once.
    create_a_call()
    expect(page.get_by_role("alert")).to_have_text(WARNING)
    # The question has the focus: Enter answers it.
    expect(page.get_by_role("button", name="Log anyway")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("has been logged for")
    expect(page).to_have_url(f"{live_server.url}{person.get_absolute_url()}")
    shot("logged-anyway")
    entries = InteractionLogEntry.objects.order_by("pk")
    assert entries.count() == 2
    assert entries.last().created_by == user
