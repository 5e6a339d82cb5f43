"""Every page fits a 1280 px wide screen in Dutch, whose labels run longer than the
English ones: the page never scrolls sideways, the top bar keeps to one line, and a
table wider than its box scrolls inside the box with the column naming the row in view.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import InteractionLogEntryFactory, UserFactory
from tests.test_permissions import url_for, world  # noqa: F401 (the fixture)
from tests.url_names import ADMIN_PREFIX, API_PREFIX, is_public, url_names

SCREEN = {"width": 1280, "height": 800}
# The top bar on one line is about 57 px high; a wrapped one is twice that.
ONE_LINE_TOP_BAR = 70
# What a Dutch salesperson writes in a description: long enough to widen a table.
LONG_DESCRIPTION = (
    "Offerte voor de vervanging van de complete klimaatinstallatie in het hoofdkantoor"
)


def pages(world):  # noqa: F811 (the fixture's value)
    """(url name, url) of every page of the site, the admin and the API aside."""
    for name in url_names():
        if not name.startswith((API_PREFIX, ADMIN_PREFIX)) and not is_public(name):
            yield name, url_for(name, world)


@pytest.fixture
def in_dutch(page, live_server, login):
    login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page.context.add_cookies(
        [{"name": "django_language", "value": "nl", "url": live_server.url}]
    )
    page.set_viewport_size(SCREEN)


def test_every_page_fits_1280_pixels_in_dutch(page, live_server, in_dutch, world):  # noqa: F811
    InteractionLogEntryFactory(
        contact=world.person,
        template=world.template,
        salesperson=world.salesperson,
        description=LONG_DESCRIPTION,
    )
    sideways, wrapped, seen = [], [], []
    for name, url in pages(world):
        # Downloads, redirects and the fragments htmx swaps in are not pages: ask
        # first, with the same login.
        answer = page.request.get(f"{live_server.url}{url}", max_redirects=0)
        if answer.status != 200 or "<html" not in answer.text():
            continue
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        page_width, screen_width, top_bar = page.evaluate(
            """() => [
                document.documentElement.scrollWidth,
                document.documentElement.clientWidth,
                document.querySelector('nav.navbar')?.offsetHeight ?? 0,
            ]"""
        )
        seen.append(name)
        if page_width > screen_width:
            sideways.append((name, page_width))
        if top_bar > ONE_LINE_TOP_BAR:
            wrapped.append((name, top_bar))
    assert (sideways, wrapped) == ([], [])
    # The walk reached the pages people use every day, not only error pages.
    assert {
        "home",
        "interactions:entry_list",
        "segments:segment_detail",
        "crm:contact_detail",
    } <= set(seen)


def test_a_wide_table_scrolls_in_its_box_with_the_first_columns_in_view(
    page,
    live_server,
    in_dutch,
    world,  # noqa: F811
    shot,
):
    page.set_viewport_size({"width": 700, "height": 800})
    page.goto(f"{live_server.url}/interactions/")
    box = page.locator(".table-responsive").first
    first_row = box.locator("tbody tr").first
    tick, number = first_row.locator("td").nth(0), first_row.locator("td").nth(1)
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    assert page.evaluate(
        "() => document.documentElement.scrollWidth"
        " <= document.documentElement.clientWidth"
    )

    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    shot("scrolled-table")
    # After the full-page shot, which may move the page's scroll position; at once,
    # not with Bootstrap's smooth scrolling, which measured the row mid-way.
    first_row.evaluate(
        "row => row.scrollIntoView({block: 'center', behavior: 'instant'})"
    )
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    left = box.evaluate("box => box.getBoundingClientRect().left")
    tick_box, number_box = tick.bounding_box(), number.bounding_box()
    assert abs(tick_box["x"] - left) <= 1
    assert abs(number_box["x"] - (tick_box["x"] + tick_box["width"])) <= 1
    # Nothing that scrolled beneath the number covers it.
    assert number.evaluate(
        """cell => {
            const box = cell.getBoundingClientRect();
            const top = document.elementFromPoint(box.x + 5, box.y + box.height / 2);
            return top.closest('td') === cell;
        }"""
    )
