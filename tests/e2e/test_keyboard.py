"""The main flows work with the keyboard alone, and the focus is always visible."""

import re

from playwright.sync_api import expect

from interactions.models import InteractionLogEntry
from segments.models import LoggedSegment
from tests.e2e import test_segments
from tests.e2e.conftest import field
from tests.e2e.test_interactions import setup_data

MAX_TABS = 200


def tab_to(page, name):
    """Press Tab until the control called `name` has the focus, as a person would."""
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*\*?\s*$")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        label = page.evaluate(
            """() => {
                const el = document.activeElement;
                const labelled = el.labels && el.labels.length ? el.labels[0] : null;
                return (labelled ? labelled.innerText : el.innerText || el.value || '');
            }"""
        )
        if pattern.match(label):
            assert_focus_is_visible(page)
            return
    raise AssertionError(f"{name!r} cannot be reached with Tab")


def type_and_pick(page, typed, text):
    """In the focused lookup: type, wait for the matches, Enter on the first."""
    listbox = page.locator(f"#{page.locator(':focus').get_attribute('aria-controls')}")
    with page.expect_response(lambda response: f"q={typed}" in response.url):
        page.keyboard.type(typed)
    expect(listbox.locator(".option.active")).to_contain_text(text)
    page.keyboard.press("Enter")


def assert_focus_is_visible(page):
    # A lookup's search box shows the focus on the box around it (Tom Select).
    outline = page.evaluate(
        """() => {
            const active = document.activeElement;
            const style = getComputedStyle(active.closest('.ts-control') || active);
            return [style.outlineStyle, style.outlineWidth, style.boxShadow];
        }"""
    )
    style, width, shadow = outline
    assert (style != "none" and width != "0px") or shadow != "none", outline


def test_create_an_interaction_with_the_keyboard_alone(page, live_server, login, shot):
    user, person = setup_data()
    login(user)
    page.goto(f"{live_server.url}{person.get_absolute_url()}")

    tab_to(page, "Create interaction")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Create interaction")).to_be_visible()
    tab_to(page, "Interaction template")
    type_and_pick(page, "CALL", "Phone call")
    expect(field(page, "Cost")).to_have_value("2.50")
    # The fields were swapped in with the template's values; the focus stays on the
    # template, so the next Tabs go on to the fields after it.
    expect(page.get_by_role("combobox", name="Interaction template")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Apply template")).to_be_focused()
    page.keyboard.press("Tab")
    expect(field(page, "Description")).to_be_focused()
    tab_to(page, "Subject")
    page.keyboard.type("Asked about the spring offer")
    shot("keyboard-form")
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("has been logged for")
    entry = InteractionLogEntry.objects.get()
    assert (entry.subject, entry.cost) == ("Asked about the spring offer", 2.5)


def test_log_a_segment_with_the_keyboard_alone(
    page, live_server, login, shot, marketing_setup
):
    user, _salesperson = test_segments.setup_data()
    login(user)
    page.goto(f"{live_server.url}/segments/new/")
    tab_to(page, "Description")
    page.keyboard.type("Keyboard mailing")
    tab_to(page, "Interaction template")
    type_and_pick(page, "LETTER", "Spring letter")
    expect(field(page, "Unit cost")).to_have_value("1.20")
    tab_to(page, "Save")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Segment SM00001")

    tab_to(page, "Add contacts")
    page.keyboard.press("Enter")
    expect(field(page, "City")).to_be_visible()
    tab_to(page, "City")
    page.keyboard.type("Utrecht")
    tab_to(page, "Allow company with persons")
    page.keyboard.press("Space")
    # The count is redrawn after typing and again when the field loses the focus.
    expect(page.get_by_role("button", name="Add 3 contacts")).to_be_enabled()
    tab_to(page, "Add 3 contacts")
    # A count redrawn while the button has the focus gives the focus back to it: the
    # race that once made Enter land on the page instead of the button.
    page.evaluate(
        """() => {
            document.getElementById('criteria-preview-submit').dataset.old = '1';
            htmx.trigger('#criteria-form', 'change');
        }"""
    )
    page.wait_for_function(
        "() => !document.getElementById('criteria-preview-submit').dataset.old"
    )
    assert page.evaluate("() => document.activeElement.id") == (
        "criteria-preview-submit"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(
        "3 contacts added to segment SM00001."
    )

    tab_to(page, "Log")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_contain_text("each of the 3 contacts")
    # Bootstrap moves the focus into the dialog once it has faded in.
    page.wait_for_function("() => document.activeElement.closest('.modal.show')")
    tab_to(page, "OK")
    shot("keyboard-log")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").first).to_contain_text(
        "Segment SM00001 has been logged."
    )
    assert LoggedSegment.objects.count() == 1
    assert InteractionLogEntry.objects.count() == 3
