from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditRecord, details_text
from privacy.models import RetentionPolicy
from privacy.services import (
    apply_retention,
    erase_contact,
    export_contact_data,
    placeholder_name,
)
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
)

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.mark.parametrize(
    ("name", "dutch"),
    [
        ("privacy:contact_export", "Een zipbestand met alles wat het CRM over"),
        ("privacy:contact_export", "Het contact heeft 4 interactielogposten."),
        ("privacy:contact_erase", "Anonimiseren van <strong>"),
        ("privacy:contact_erase", "Typ het contactnummer om te bevestigen"),
    ],
)
def test_the_pages_speak_dutch(client, world, name, dutch):
    client.force_login(world["user"])
    url = reverse(name, args=[world["jan"].contact.pk])

    content = client.get(url, headers={"accept-language": "nl"}).content.decode()

    assert dutch in content


def test_the_placeholder_is_stored_in_the_erasing_users_language(world):
    contact = world["jan"].contact

    with translation.override("nl"):
        assert placeholder_name(contact) == f"Geanonimiseerd contact {contact.no}"
    with translation.override("en"):
        assert placeholder_name(contact) == f"Anonymised contact {contact.no}"


def test_privacys_audit_records_read_in_dutch_on_the_audit_trail(client, world):
    jan, user = world["jan"], world["user"]
    quote = InteractionTemplateFactory(code="QUOTE")
    RetentionPolicy.objects.create(template=quote, action="delete", months=6)
    RetentionPolicy.objects.create(
        group=InteractionGroupFactory(code="MAIL"), action="anonymise", months=12
    )
    old = timezone.localdate() - timedelta(days=400)
    InteractionLogEntryFactory.create_batch(3, template=quote, date=old)
    export_contact_data(jan.contact, user=user)
    erase_contact(jan.contact, user=user)
    apply_retention(user=user)
    client.force_login(user)

    page = client.get(reverse("audit:list"), headers={"accept-language": "nl"})

    # The stored details stay as they were recorded: keys and numbers.
    records = AuditRecord.objects.filter(object_type__in=["contact", "retention"])
    with translation.override("nl"):
        shown = {record.action: details_text(record.details) for record in records}
    assert shown["erased"] == (
        "Posten: 4; Segmentregels: 1; Taken: 1; Brieven: 1; Exports: 0; "
        "Bestanden: 1; Auditrecords: 7"
    )
    # In the order the labels were declared, on either database (jsonb keeps none).
    assert shown["exported"] == "Posten: 4; Indeling: zip; Taken: 2; Bestanden: 1"
    # As a run applies the rules, its policies by name, on either database.
    assert shown["retention_applied"] == (
        "Wat er is gedaan: Groep MAIL: posten ouder dan 12 maanden: 0, "
        "Sjabloon QUOTE: posten ouder dan 6 maanden: 3, "
        "Bestanden van achtergrondtaken: 0, Uploads die op een import wachten: 0"
    )
    html = page.content.decode()
    assert "Segmentregels:" in html
    assert "Sjabloon QUOTE: posten ouder dan 6 maanden: 3" in html
    assert "segment_lines" not in html
    assert "policy-" not in html


def test_a_retention_run_names_a_policy_deleted_since_and_its_other_rules(db):
    policy = RetentionPolicy.objects.create(
        group=InteractionGroupFactory(code="MAIL"), action="delete", months=1
    )
    counts = {
        "postponed": 1,
        "canceled": 2,
        f"policy-{policy.pk}": 3,
        f"policy-{policy.pk + 1}": 4,
        "audit": 5,
    }

    with translation.override("nl"):
        assert details_text({"counts": counts}) == (
            "Wat er is gedaan: Uitgestelde interacties: 1, Geannuleerde posten: 2, "
            "Groep MAIL: posten ouder dan 1 maand: 3, "
            "Een sindsdien verwijderde bewaartermijn: 4, Auditrecords: 5"
        )


@pytest.mark.parametrize(
    "chosen",
    [{}, {"group": "PHONE", "template": "CALL"}],
    ids=["neither", "both"],
)
def test_a_policy_without_one_group_or_template_says_so_in_dutch(
    crm_admin_client, chosen
):
    # One message for neither and both: it must not say "not both" to a user who
    # chose neither.
    template = InteractionTemplateFactory(
        code="CALL", group=InteractionGroupFactory(code="PHONE")
    )
    keys = {"PHONE": template.group.pk, "CALL": template.pk}
    data = {name: keys[value] for name, value in chosen.items()}

    response = crm_admin_client.post(
        reverse("privacy:retention_policy_create"),
        {**data, "action": "delete", "months": "3"},
        headers={"accept-language": "nl"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Kies één van beide: een interactiegroep of een interactiesjabloon." in html
    assert "niet allebei" not in html
