import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditAction, AuditRecord
from crm.models import Contact
from interactions.models import DeliveryStatus, InteractionLogEntry
from jobs.models import Job
from privacy.models import ContactExport
from tests.factories import SalesUserFactory

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def admin_client(client, world):
    client.force_login(world["user"])
    return client


def names_in(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return set(archive.namelist())


def test_the_contact_card_offers_export_and_erase_to_crm_admins(admin_client, world):
    contact = world["jan"].contact

    content = admin_client.get(contact.get_absolute_url()).content.decode()

    assert reverse("privacy:contact_export", args=[contact.pk]) in content
    assert reverse("privacy:contact_erase", args=[contact.pk]) in content


def test_sales_users_may_neither_export_nor_erase(client, world):
    client.force_login(SalesUserFactory())
    contact = world["jan"].contact

    assert client.get(contact.get_absolute_url()).status_code == 200
    for name in ("privacy:contact_export", "privacy:contact_erase"):
        assert client.post(reverse(name, args=[contact.pk])).status_code == 403
    assert Contact.objects.get(pk=contact.pk).name == "Jan de Vries"


def test_a_small_history_downloads_at_once(admin_client, world):
    contact = world["jan"].contact

    response = admin_client.post(reverse("privacy:contact_export", args=[contact.pk]))

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{contact.no}-'
    )
    assert "entries.json" in names_in(response.content)


def test_a_large_history_is_exported_by_a_job_with_an_audited_link(
    admin_client, world, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_EXPORT_JOB_THRESHOLD = 3
    contact, user = world["jan"].contact, world["user"]
    url = reverse("privacy:contact_export", args=[contact.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)

    assert response.status_code == 302
    job = Job.objects.get(kind="privacy.export")
    assert job.status == Job.Status.DONE, job.message
    export = ContactExport.objects.get()
    assert job.result == {"url": export.get_absolute_url(), "label": export.file_name}
    assert export.expires_at - timezone.now() > timedelta(hours=23)
    # The page lists it; opening it is audited each time.
    assert export.file_name in admin_client.get(url).content.decode()
    download = admin_client.get(export.get_absolute_url())
    assert "entries.json" in names_in(b"".join(download.streaming_content))
    record = AuditRecord.objects.get(action=AuditAction.DOWNLOADED)
    assert (record.user, record.object_id) == (user, contact.no)


def test_the_export_job_writes_in_the_language_of_who_asked(
    admin_client, world, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_EXPORT_JOB_THRESHOLD = 3
    url = reverse("privacy:contact_export", args=[world["jan"].contact.pk])

    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(url, HTTP_ACCEPT_LANGUAGE="nl")
    # The worker runs the job in no user's language.
    with translation.override("en"):
        for callback in callbacks:
            callback()

    export = ContactExport.objects.get()
    with zipfile.ZipFile(export.file.open("rb")) as archive:
        summary = archive.read("summary.html").decode()
    assert "Interactielogposten" in summary


def test_an_expired_export_is_gone(admin_client, world):
    contact, user = world["jan"].contact, world["user"]
    export = ContactExport.objects.create(
        contact=contact,
        created_by=user,
        file="privacy/x.zip",
        file_name="x.zip",
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    assert admin_client.get(export.get_absolute_url()).status_code == 404
    assert not AuditRecord.objects.filter(action=AuditAction.DOWNLOADED).exists()


def test_erase_asks_for_the_contact_number(admin_client, world):
    contact = world["jan"].contact
    url = reverse("privacy:contact_erase", args=[contact.pk])

    response = admin_client.post(url, {"contact_no": "CT99999"})

    assert response.status_code == 400
    assert f"Type {contact.no}, the number of this contact" in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).name == "Jan de Vries"


def test_erase_with_the_number_typed_anonymises(
    admin_client, world, django_capture_on_commit_callbacks
):
    contact = world["jan"].contact
    url = reverse("privacy:contact_erase", args=[contact.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"contact_no": contact.no.lower()}, follow=True
        )

    content = response.content.decode()
    assert f"Contact {contact.no} has been anonymised." in content
    assert f"Anonymised contact {contact.no}" in content


def test_an_erased_contact_offers_no_second_erase(
    admin_client, world, django_capture_on_commit_callbacks
):
    contact = world["jan"].contact
    erase_url = reverse("privacy:contact_erase", args=[contact.pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(erase_url, {"contact_no": contact.no})
    records = AuditRecord.objects.count()

    card = admin_client.get(contact.get_absolute_url()).content.decode()
    page = admin_client.get(erase_url).content.decode()
    again = admin_client.post(erase_url, {"contact_no": contact.no})

    assert erase_url not in card
    assert "Anonymised on" in card
    # Nor an edit, nor a lifted block: the placeholder stays as it is.
    assert reverse("crm:contact_update", args=[contact.pk]) not in card
    assert reverse("crm:contact_privacy_block", args=[contact.pk]) not in card
    lift = admin_client.post(
        reverse("crm:contact_privacy_block", args=[contact.pk]),
        {"blocked": "false"},
        follow=True,
    )
    assert "has been anonymised and cannot be changed." in lift.content.decode()
    assert Contact.objects.get(pk=contact.pk).privacy_blocked
    message = f"Contact {contact.no} has already been anonymised on"
    assert message in page
    assert 'name="contact_no"' not in page
    # A form sent before the erasure (a second tab, a double click) is refused.
    assert again.status_code == 400
    assert message in again.content.decode()
    assert AuditRecord.objects.count() == records
    api = admin_client.post(reverse("api:contact_erase", args=[contact.no]))
    assert api.status_code == 409
    assert message in api.json()["detail"]
    assert AuditRecord.objects.count() == records


def test_erase_during_a_delivery_says_why_not(admin_client, world):
    jan = world["jan"]
    InteractionLogEntry.objects.filter(pk=jan.entries[2].pk).update(
        delivery_status=DeliveryStatus.IN_PROGRESS
    )
    url = reverse("privacy:contact_erase", args=[jan.contact.pk])

    response = admin_client.post(url, {"contact_no": jan.contact.no})

    assert response.status_code == 400
    assert "while a delivery to it is in progress" in response.content.decode()


def test_the_api_exports_and_erases_for_crm_admins(
    admin_client, world, django_capture_on_commit_callbacks
):
    contact = world["jan"].contact

    export = admin_client.get(reverse("api:contact_export", args=[contact.no.lower()]))
    assert export.status_code == 200
    assert "contact.json" in names_in(export.content)
    with django_capture_on_commit_callbacks(execute=True):
        erased = admin_client.post(reverse("api:contact_erase", args=[contact.no]))

    assert erased.status_code == 200
    assert erased.json()["name"] == f"Anonymised contact {contact.no}"
    assert erased.json()["erased_at"] is not None
    listed = {
        row["no"]: row["erased_at"]
        for row in admin_client.get(reverse("api:contact_list")).json()["results"]
    }
    assert listed.pop(contact.no) == erased.json()["erased_at"]
    assert set(listed.values()) == {None}


def test_the_api_refuses_an_erase_during_a_delivery_with_409(admin_client, world):
    jan = world["jan"]
    InteractionLogEntry.objects.filter(pk=jan.entries[2].pk).update(
        delivery_status=DeliveryStatus.IN_PROGRESS
    )

    response = admin_client.post(reverse("api:contact_erase", args=[jan.contact.no]))

    # The request is right; the contact's state is not (yet): a conflict.
    assert response.status_code == 409
    assert "in progress" in response.json()["detail"]
    schema = admin_client.get(reverse("api:schema"), {"format": "json"}).json()
    erase = schema["paths"]["/api/v1/contacts/{no}/erase/"]["post"]["responses"]
    assert "409" in erase
    assert "400" not in erase


def test_the_api_refuses_sales_users(client, world):
    client.force_login(SalesUserFactory())
    contact = world["jan"].contact

    assert (
        client.get(reverse("api:contact_export", args=[contact.no])).status_code == 403
    )
    assert (
        client.post(reverse("api:contact_erase", args=[contact.no])).status_code == 403
    )


def test_the_admin_actions_go_through_the_services(client, world):
    root = world["user"]
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    contact = world["jan"].contact
    url = reverse("admin:crm_contact_changelist")

    export = client.post(
        url, {"action": "export_contact_data", "_selected_action": [contact.pk]}
    )
    erase = client.post(
        url, {"action": "erase_contact", "_selected_action": [contact.pk]}
    )

    assert "contact.json" in names_in(export.content)
    assert AuditRecord.objects.filter(
        action=AuditAction.EXPORTED, object_type="contact", user=root
    ).exists()
    assert erase["Location"] == reverse("privacy:contact_erase", args=[contact.pk])


def test_expired_exports_are_removed_with_their_files(world, media_root):
    from privacy.services import remove_expired_exports, store_export

    jan, user = world["jan"], world["user"]
    kept = store_export(jan.contact, b"zip", user=user)
    old = store_export(jan.contact, b"zip", user=user)
    ContactExport.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert remove_expired_exports() == 1

    assert list(ContactExport.objects.all()) == [kept]
    assert not (media_root / old.file.name).exists()
    assert (media_root / kept.file.name).exists()
