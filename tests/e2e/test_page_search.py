"""Zoeken naar pagina of rapport in the browser, in Dutch: Alt+Q and "/" open the top
bar's search, arrows and Enter choose, and without JavaScript the box is a form to the
results page. The top bar stays one row at 1280 and 1920 px."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import (
    CompanyFactory,
    PersonFactory,
    SalesUserFactory,
    SegmentFactory,
    UserFactory,
)

MAX_ARROWS = 20


def in_dutch(page, live_server):
    """Switch the browser to Dutch (after the login, whose form the fixture fills in
    English) and reload."""
    page.context.add_cookies(
        [{"name": "django_language", "value": "nl", "url": live_server.url}]
    )
    page.reload()


def search_box(page):
    return page.get_by_role("combobox", name="Zoeken naar pagina of rapport")


def active_option(page):
    """The option the box points at (aria-activedescendant), or None."""
    return page.evaluate(
        """() => {
            const id = document.activeElement.getAttribute("aria-activedescendant");
            const option = id && document.getElementById(id);
            if (!option || option.getAttribute("aria-selected") !== "true") return null;
            return option.querySelector(".page-search-label").textContent;
        }"""
    )


def arrow_down_to(page, label):
    """Press ArrowDown until the option called `label` is the chosen one."""
    for _ in range(MAX_ARROWS):
        page.keyboard.press("ArrowDown")
        if active_option(page) == label:
            return
    raise AssertionError(f"{label!r} cannot be reached with ArrowDown")


def test_alt_q_seg_arrows_to_logged_segments(page, live_server, login, shot):
    user = SalesUserFactory(username="anna")
    SegmentFactory(no="SM00004", description="Opvolgingssegment voorjaar")
    login(user)
    in_dutch(page, live_server)

    page.keyboard.press("Alt+q")
    box = search_box(page)
    expect(box).to_be_focused()
    page.keyboard.type("seg")
    listbox = page.get_by_role("listbox")
    expect(
        listbox.get_by_role("option", name=re.compile("^Geregistreerde segmenten"))
    ).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(
        listbox.get_by_role("group", name="Segmenten").get_by_role("option")
    ).to_have_text([re.compile("^SM00004 Opvolgingssegment voorjaar")])
    expect(page.locator("#page-search-status")).to_have_text("7 resultaten")
    # Every detail (the grey line) sits below its label, both aligned left.
    lines = page.evaluate(
        """() => [...document.querySelectorAll(".page-search-detail")].map(detail => {
            const label = detail.previousElementSibling.getBoundingClientRect();
            const below = detail.getBoundingClientRect();
            return [Math.abs(below.left - label.left) <= 1, below.top >= label.bottom];
        })"""
    )
    assert lines
    assert lines == [[True, True]] * len(lines)
    arrow_down_to(page, "Geregistreerde segmenten")
    shot("dropdown")
    page.keyboard.press("Enter")

    expect(
        page.get_by_role("heading", name="Geregistreerde segmenten", level=1)
    ).to_be_visible()
    assert page.url == f"{live_server.url}/segments/logged/"


def test_slash_then_part_of_a_name_opens_the_contact_card(page, live_server, login):
    user = SalesUserFactory(username="anna")
    PersonFactory(
        no="CT00101",
        name="Anouk de Graaf",
        company=CompanyFactory(no="CT00100", name="Bakkerij Jansen"),
    )
    login(user)
    in_dutch(page, live_server)
    page.goto(f"{live_server.url}/segments/")

    # In another field "/" is a character like any other.
    own_field = page.get_by_role("searchbox", name="Zoeken", exact=True)
    own_field.fill("a")
    own_field.press("/")
    expect(own_field).to_have_value("a/")
    expect(own_field).to_be_focused()

    page.get_by_role("heading", level=1).click()  # out of the field
    page.keyboard.press("/")
    expect(search_box(page)).to_be_focused()
    page.keyboard.type("graa")
    expect(
        page.get_by_role("option", name=re.compile("^CT00101 Anouk de Graaf"))
    ).to_be_visible()
    arrow_down_to(page, "CT00101 Anouk de Graaf")
    page.keyboard.press("Enter")

    expect(
        page.get_by_role("heading", name=re.compile("Anouk de Graaf"), level=1)
    ).to_be_visible()


def test_markup_in_a_name_is_shown_as_text_in_the_dropdown(page, live_server, login):
    PersonFactory(no="CT00102", name="<b>Vet</b> Jansen <img src=x>")
    login(SalesUserFactory(username="anna"))
    page.keyboard.press("Alt+q")
    page.keyboard.type("vet")

    option = page.get_by_role("option", name=re.compile("^CT00102"))
    expect(option.locator(".page-search-label")).to_have_text(
        "CT00102 <b>Vet</b> Jansen <img src=x>"
    )
    expect(page.get_by_role("listbox").locator("b, img")).to_have_count(0)


def test_escape_closes_and_enter_without_a_choice_opens_the_results_page(
    page, live_server, login
):
    login(SalesUserFactory(username="anna"))
    in_dutch(page, live_server)
    page.keyboard.press("Alt+q")
    page.keyboard.type("interactie")
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option").first).to_be_visible()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(search_box(page)).to_have_attribute("aria-expanded", "false")
    expect(search_box(page)).to_have_value("interactie")

    page.keyboard.press("Enter")

    expect(
        page.get_by_role("heading", name="Zoeken naar pagina of rapport", level=1)
    ).to_be_visible()
    results = page.get_by_role("region", name="Pagina's").get_by_role("link")
    expect(results).to_have_text(
        [
            "Interactielogposten",
            "Interactie maken",
            "Interactiesjablonen",
            "Interactiegroepen",
            "Uitgestelde interacties",
            "Contacten",
        ]
    )


def test_without_javascript_the_box_is_a_form_to_the_results_page(
    new_context, live_server
):
    SalesUserFactory(username="anna")
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    in_dutch(page, live_server)

    box = page.get_by_role("searchbox", name="Zoeken naar pagina of rapport")
    box.fill("seg")
    page.get_by_role("search", name="Zoeken naar pagina of rapport").get_by_role(
        "button", name="Zoeken"
    ).click()

    assert page.url == f"{live_server.url}/search/?q=seg"
    results = page.get_by_role("region", name="Pagina's").get_by_role("link")
    expect(results).to_have_text(
        [
            "Segmenten",
            "Nieuw segment",
            "Geregistreerde segmenten",
            "Opgeslagen segmentcriteria",
            "Contacten",
            "Interactielogposten",
        ]
    )
    results.filter(has_text="Geregistreerde segmenten").click()
    expect(
        page.get_by_role("heading", name="Geregistreerde segmenten", level=1)
    ).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_top_bar_stays_one_row_in_dutch(page, live_server, login, shot, width):
    # A superuser sees every menu, "Beheer" included: the widest bar there is.
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    user.first_name, user.last_name = "Sanne", "van der Berg-Bakker"
    user.save()
    page.set_viewport_size({"width": width, "height": 800})
    login(user)
    in_dutch(page, live_server)

    bar = page.get_by_role("navigation", name="Hoofdnavigatie")
    brand = bar.get_by_role("link", name="CRM", exact=True).bounding_box()
    for control in [
        bar.get_by_role("button", name="Instellingen"),
        bar.get_by_role("link", name="Beheer"),
        search_box(page),
        bar.get_by_role("button", name="Afmelden"),
    ]:
        box = control.bounding_box()
        # Every control sits on the brand's row.
        assert (
            abs((box["y"] + box["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 8
        ), control
    assert search_box(page).bounding_box()["width"] >= 150
    # A long name is cut short on one line, not wrapped (its tooltip has it all).
    name = bar.get_by_title(re.compile("^Sanne van der Berg-Bakker"))
    assert name.bounding_box()["height"] <= brand["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot("top-bar")
