from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interactions.models import InteractionLogEntry
from interactions.services import anonymise_entries
from tests.factories import InteractionLogEntryFactory, InteractionTemplateFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_root"),
]


def test_what_an_entry_says_goes_and_what_it_counts_stays(media_root):
    entry = InteractionLogEntryFactory(
        description="Gebeld met Jan de Vries",
        subject="Offerte Jan",
        delivery_error="jan@example.nl: mailbox full",
        cost=Decimal("12.50"),
        duration=15,
        attachment=SimpleUploadedFile("Jan.pdf", b"%PDF-1.4"),
    )
    other = InteractionLogEntryFactory(description="Bezoek Piet")
    stored = media_root / entry.attachment.name

    assert anonymise_entries(InteractionLogEntry.objects.filter(pk=entry.pk)) == 1

    entry.refresh_from_db()
    assert (entry.description, entry.subject, entry.delivery_error) == ("", "", "")
    assert not entry.attachment
    assert (entry.cost, entry.duration) == (Decimal("12.50"), 15)
    assert not stored.exists()
    other.refresh_from_db()
    assert other.description == "Bezoek Piet"


def test_a_file_a_template_still_uses_stays(media_root):
    template = InteractionTemplateFactory(
        attachment=SimpleUploadedFile("Folder.pdf", b"%PDF-1.4")
    )
    entry = InteractionLogEntryFactory(
        template=template, attachment=template.attachment
    )

    anonymise_entries(InteractionLogEntry.objects.filter(pk=entry.pk))

    assert (media_root / template.attachment.name).exists()
