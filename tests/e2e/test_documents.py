from django.core import mail
from playwright.sync_api import expect

from interactions.models import InteractionTemplateSetup
from tests.e2e.conftest import choose, chosen, field
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)


def setup_data():
    user = SalesUserFactory(username="anna")
    SalespersonFactory(code="AV", name="Anna Visser", user=user)
    group = InteractionGroupFactory(code="CORR", description="Correspondence")
    email = InteractionTemplateFactory(
        code="EMAIL", description="E-mail", group=group, correspondence_type="email"
    )
    InteractionTemplateSetup.objects.update_or_create(
        document_type="email", defaults={"template": email}
    )
    InteractionTemplateFactory(
        code="WELCOME",
        description="Welcome letter",
        group=group,
        letter_text="Dear {{ contact.name }},\n\nWelcome!\n\n{{ salesperson.name }}",
    )
    contact = PersonFactory(
        no="CT00010",
        name="Sanne de Vries",
        email="sanne@example.com",
        address="Dorpsstraat 1",
        city="Utrecht",
    )
    return user, contact


def test_send_an_email_and_print_a_letter_from_a_contact(
    page, live_server, login, shot
):
    user, contact = setup_data()
    login(user)

    page.goto(f"{live_server.url}{contact.get_absolute_url()}")
    page.get_by_role("link", name="Send e-mail").click()
    email_template = InteractionTemplateSetup.objects.get(
        document_type="email"
    ).template
    expect(chosen(page, "Interaction template")).to_have_text(
        f"{email_template.code} \N{EN DASH} {email_template.description}"
    )
    field(page, "Subject").fill("Your quote")
    field(page, "Message").fill("Dear Sanne, here is the quote.")
    shot("send-email")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The e-mail to sanne@example.com has been sent and logged."
    )
    interactions = page.locator("#interactions table tbody tr")
    expect(interactions.first).to_contain_text("Your quote")
    shot("email-logged")
    assert [message.subject for message in mail.outbox] == ["Your quote"]

    page.get_by_role("link", name="Print letter").click()
    choose(page, "Letter", "welcome", "WELCOME Welcome letter")
    letter = page.get_by_role("article", name="Letter")
    expect(letter).to_contain_text("Dear Sanne de Vries,")
    expect(letter).to_contain_text("Anna Visser")
    shot("letter")
    page.get_by_role("button", name="Log as printed").click()
    expect(page.get_by_role("alert")).to_contain_text("The letter has been logged")
    expect(page.locator("#interactions table tbody tr")).to_have_count(2)
    expect(page.locator("#interactions")).to_contain_text("Welcome letter")
    shot("letter-logged")
