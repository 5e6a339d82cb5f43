import pytest
from django.urls import reverse
from django.utils import translation

from privacy.services import placeholder_name

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
