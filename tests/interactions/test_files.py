import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from interactions.services import remove_orphaned_attachments
from interactions.tasks import cleanup
from tests.factories import InteractionTemplateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

DAY = 24 * 60 * 60


def stored(media_root, name, content=b"x", age=2 * DAY):
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_a_file_no_record_refers_to_is_removed_once_a_day_old(media_root):
    orphan = stored(media_root, "attachments/2026/11/" + "a" * 32 + ".pdf")
    fresh = stored(media_root, "attachments/2026/12/" + "b" * 32 + ".pdf", age=60)

    assert remove_orphaned_attachments() == 1

    assert not orphan.exists()
    # An upload of the last day may belong to a record not committed yet.
    assert fresh.exists()


def test_a_file_any_record_refers_to_stays(media_root):
    template = InteractionTemplateFactory(
        attachment=SimpleUploadedFile("Offer.pdf", b"%PDF-1.4")
    )
    used = media_root / template.attachment.name
    then = time.time() - 2 * DAY
    os.utime(used, (then, then))

    assert remove_orphaned_attachments() == 0
    assert used.exists()


def test_nothing_stored_yet_removes_nothing(media_root):
    assert remove_orphaned_attachments() == 0


def test_the_cleanup_task_reports_what_it_removed(media_root):
    stored(media_root, "attachments/2026/10/" + "c" * 32 + ".docx")

    assert cleanup.call() == {"attachments": 1}


def test_the_clock_runs_the_cleanup(media_root, capsys):
    orphan = stored(media_root, "attachments/2026/09/" + "d" * 32 + ".pdf")

    # The test settings run what the clock enqueues at once (immediate backend).
    call_command("clock", "--once")

    assert "interactions.tasks.cleanup" in capsys.readouterr().out
    assert not orphan.exists()


def test_every_attachment_a_form_shows_is_a_download_named_after_its_row(
    crm_admin_client,
):
    from django.urls import reverse

    from interactions.models import InteractionTemplateLanguage
    from tests.factories import SegmentFactory, SegmentLineFactory

    def upload(name):
        return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode())

    template = InteractionTemplateFactory(
        description="Kerstactie 2026", attachment=upload("kerst.pdf")
    )
    version = InteractionTemplateLanguage.objects.create(
        template=template, language_code="en", attachment=upload("xmas.pdf")
    )
    segment = SegmentFactory(description="Voorjaarsmailing", attachment=upload("a.pdf"))
    line = SegmentLineFactory(
        segment=segment, description="Voor Anouk", attachment=upload("b.pdf")
    )
    for row, form_url, name, content in [
        (
            template,
            reverse("interactions:template_update", args=[template.pk]),
            "Kerstactie 2026.pdf",
            b"kerst.pdf",
        ),
        (
            version,
            reverse(
                "interactions:template_language_update",
                args=[template.pk, version.pk],
            ),
            "Kerstactie 2026.pdf",
            b"xmas.pdf",
        ),
        (
            segment,
            reverse("segments:segment_update", args=[segment.no]),
            "Voorjaarsmailing.pdf",
            b"a.pdf",
        ),
        (
            line,
            reverse("segments:line_update", args=[segment.no, line.pk]),
            "Voor Anouk.pdf",
            b"b.pdf",
        ),
    ]:
        form = crm_admin_client.get(form_url, headers={"Accept-Language": "nl"})
        url = row.get_attachment_url()
        # Not the media folder's address, which is not served.
        assert f'<a href="{url}">Huidig bestand downloaden</a>' in form.content.decode()
        assert "/media/" not in form.content.decode()
        response = crm_admin_client.get(url)
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert b"".join(response.streaming_content).endswith(content)
    card = crm_admin_client.get(
        reverse("interactions:template_detail", args=[template.pk])
    ).content.decode()
    assert f'<a href="{template.get_attachment_url()}">Download</a>' in card
