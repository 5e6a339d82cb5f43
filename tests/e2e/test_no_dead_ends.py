"""No dead ends, in Dutch: Interactie maken without JavaScript, and a follow-up
segment from "Registreren" to logged."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from interactions.models import InteractionLogEntry
from segments import services as segment_services
from segments.models import LoggedSegment, Segment
from tests.e2e.conftest import ARTIFACTS, choose, clear, field, htmx_settled
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)


def dutch_login(page, live_server, user):
    """Log in, then switch to Dutch as the language menu does (its cookie)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.context.add_cookies(
        [{"name": "django_language", "value": "nl", "url": live_server.url}]
    )


def test_interactie_maken_without_javascript_keeps_the_templates_values(
    new_context, live_server
):
    user = SalesUserFactory(username="anna")
    SalespersonFactory(code="AV", name="Anna Visser", user=user)
    person = PersonFactory(no="CT00002", name="Sanne de Vries")
    InteractionTemplateFactory(
        code="CALL",
        description="Telefoongesprek",
        group=InteractionGroupFactory(code="PHONE"),
        unit_cost=Decimal("2.50"),
        unit_duration=15,
        information_flow="outbound",
        initiated_by="us",
    )
    context = new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    dutch_login(page, live_server, user)

    # Choose the template and save at once: cost and duration are the template's.
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Interactie maken").click()
    expect(field(page, "Kosten")).to_have_value("")
    expect(field(page, "Kosten")).to_have_attribute("placeholder", "Uit het sjabloon")
    # Without JavaScript the lookup is a text box taking the code or exact name.
    field(page, "Interactiesjabloon").fill("CALL")
    page.get_by_role("button", name="OK", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("is geregistreerd voor")
    entry = InteractionLogEntry.objects.get()
    assert (entry.cost, entry.duration) == (Decimal("2.50"), 15)
    assert entry.description == "Telefoongesprek"
    assert (entry.information_flow, entry.initiated_by) == ("outbound", "us")

    # "Sjabloon toepassen" shows the template's values in the fields first.
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Interactie maken").click()
    field(page, "Interactiesjabloon").fill("Telefoongesprek")
    field(page, "Onderwerp").fill("Offerte")
    page.get_by_role("button", name="Sjabloon toepassen").click()
    expect(field(page, "Kosten")).to_have_value(re.compile(r"^2[.,]50$"))
    expect(field(page, "Duur (min.)")).to_have_value("15")
    expect(field(page, "Omschrijving")).to_have_value("Telefoongesprek")
    expect(field(page, "Onderwerp")).to_have_value("Offerte")
    assert InteractionLogEntry.objects.count() == 1  # applying saved nothing
    page.screenshot(
        path=ARTIFACTS / "no_javascript-template-applied.png", full_page=True
    )
    # A typed 0 stays 0 (the same template today: the page asks first).
    field(page, "Duur (min.)").fill("0")
    page.get_by_role("button", name="OK", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("toch registreren?")
    page.get_by_role("button", name="Toch registreren").click()
    expect(page.get_by_role("alert")).to_contain_text("is geregistreerd voor")
    newest = InteractionLogEntry.objects.latest("pk")
    assert (newest.cost, newest.duration, newest.subject) == (
        Decimal("2.50"),
        0,
        "Offerte",
    )
    context.close()


def test_a_follow_up_segment_from_logbestand_to_logged(
    page, live_server, shot, marketing_setup
):
    user = SalesUserFactory(username="anna")
    salesperson = SalespersonFactory(code="AV", name="Anna Visser", user=user)
    letter = InteractionTemplateFactory(
        code="BRIEF",
        description="Voorjaarsbrief",
        group=InteractionGroupFactory(code="MAIL"),
        unit_cost=Decimal("1.20"),
        unit_duration=5,
    )
    InteractionTemplateFactory(
        code="BELLEN",
        description="Nabellen",
        group=InteractionGroupFactory(code="PHONE"),
        unit_cost=Decimal("2.50"),
        unit_duration=10,
    )
    company = CompanyFactory(no="CT00001", name="Bakkerij Utrecht", city="Utrecht")
    contacts = [
        company,
        *(
            PersonFactory(no=f"CT0001{n}", name=name, company=company)
            for n, name in enumerate(["Sanne de Vries", "Joost Bakker"])
        ),
    ]
    segment = segment_services.create_segment(
        user=user,
        description="Voorjaarsmailing",
        template=letter,
        salesperson=salesperson,
    )
    segment_services.add_contacts(segment, contacts, user=user)
    page.set_viewport_size({"width": 1280, "height": 800})
    dutch_login(page, live_server, user)

    # Registreren with "Opvolgingssegment maken".
    page.goto(f"{live_server.url}{segment.get_absolute_url()}")
    page.get_by_role("button", name="Registreren", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Opvolgingssegment maken").check()
    dialog.get_by_role("button", name="OK").click()

    # The follow-up's header opens, its template to fill, under the banner.
    expect(
        page.get_by_role("heading", name="Segment SM00002", exact=True)
    ).to_be_visible()
    expect(field(page, "Interactiesjabloon")).to_be_focused()
    banner = page.locator("#log-check")
    expect(banner).to_contain_text("Voordat segment SM00002 kan worden geregistreerd")
    expect(banner).to_contain_text("De kop heeft geen interactiesjabloon")
    expect(banner).to_contain_text("3 regels kunnen niet worden geregistreerd.")
    expect(banner).to_contain_text("Geen interactiesjabloon: 3")
    shot("follow-up-header")
    htmx_settled(page)
    choose(page, "Interactiesjabloon", "nabel", "BELLEN Nabellen")
    expect(field(page, "Duur per eenheid (min.)")).to_have_value("10")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("SM00002")
    expect(page.locator("#log-check")).to_have_count(0)

    # A line without a template, added by personalising it.
    page.get_by_role("link", name="De regel van Joost Bakker personaliseren").click()
    row_form = page.get_by_role("form", name="Regel van Joost Bakker")
    expect(row_form).to_be_visible()
    htmx_settled(page)
    clear(row_form, "Interactiesjabloon")
    htmx_settled(page)
    row_form = page.get_by_role("form", name="Regel van Joost Bakker")
    row_form.get_by_role("button", name="Opslaan").click()
    expect(page.locator("tr", has_text="Joost Bakker")).to_contain_text("Geen")
    page.reload()
    expect(page.locator("#log-check")).to_contain_text(
        "1 regel kan niet worden geregistreerd."
    )

    # Registreren lists the line, the total and a link; apply the header's template.
    page.get_by_role("button", name="Registreren", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "1 regel kan niet worden geregistreerd."
    )
    blocking = page.locator("#blocking-lines")
    expect(blocking.locator("tbody tr")).to_have_count(1)
    expect(blocking).to_contain_text("Joost Bakker")
    expect(blocking).to_contain_text("Geen interactiesjabloon")
    expect(blocking.get_by_role("link", name="Deze regel tonen")).to_have_attribute(
        "href", "/segments/SM00002/?blocking=true#lines-heading"
    )
    shot("log-lists-the-blocking-lines")
    blocking.get_by_role(
        "button", name="Sjabloon van de kop toepassen op deze regels"
    ).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Interactiesjabloon BELLEN toegepast op 1 regel."
    )
    expect(page.locator("#blocking-lines")).to_have_count(0)
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Segment SM00002 is geregistreerd."
    )
    assert not Segment.objects.exists()
    assert LoggedSegment.objects.filter(segment_no="SM00002").exists()
    assert set(
        InteractionLogEntry.objects.filter(segment_no="SM00002").values_list(
            "template__code", flat=True
        )
    ) == {"BELLEN"}
