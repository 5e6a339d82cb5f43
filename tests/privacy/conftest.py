"""A contact built with every feature the CRM has, and another one beside it."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditAction, AuditObjectType
from crm.models import CorrespondenceType
from interactions.models import DeliveryStatus
from segments.models import SegmentCriteriaAction, SegmentHistory
from segments.services.printing import letters_pdf
from tasks.models import CalendarFeed, Task
from tests.factories import (
    AdminUserFactory,
    AuditRecordFactory,
    CompanyFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    JobFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
    SegmentFactory,
    SegmentLineFactory,
    TaskFactory,
)


@dataclass
class Person:
    """A contact, its personal values and the texts only its records hold."""

    contact: object
    values: list
    texts: list
    entries: list = field(default_factory=list)
    files: list = field(default_factory=list)


def build_person(
    *, name, email, phone, address, tag, template, salesperson, logged, user
):
    """A person with entries (one with an attachment, one postponed, one delivered
    by e-mail with an error, one hard-copy letter sent in `logged`), a personalised
    segment line, a segment history row, a task, and audit records."""
    contact = PersonFactory(
        name=name,
        email=email,
        phone=phone,
        address=address,
        post_code="1015 CJ",
        city="Amsterdam",
        company=CompanyFactory(name=f"Bedrijf {tag}"),
    )
    note = f"Gesprek met {name} over {tag}"
    attachment_text = f"Offerte {tag} voor {name}".encode()
    person = Person(contact, [name, email, phone, address], [note])
    common = {"contact": contact, "template": template, "salesperson": salesperson}
    person.entries = [
        InteractionLogEntryFactory(
            **common,
            description=note,
            subject=f"Offerte {name}",
            attachment=SimpleUploadedFile(f"offerte-{tag}.txt", attachment_text),
        ),
        InteractionLogEntryFactory(
            **common, description=f"Concept {name}", postponed=True
        ),
        InteractionLogEntryFactory(
            **common,
            description=f"Mail {tag}",
            correspondence_type=CorrespondenceType.EMAIL,
            delivery_status=DeliveryStatus.ERROR,
            delivery_error=f"{email}: mailbox full",
            logged_segment=logged,
            segment_no=logged.segment_no,
        ),
        InteractionLogEntryFactory(
            **common,
            description=f"Brief {tag}",
            correspondence_type=CorrespondenceType.HARD_COPY,
            delivery_status=DeliveryStatus.SENT,
            logged_segment=logged,
            segment_no=logged.segment_no,
        ),
    ]
    person.files.append(person.entries[0].attachment.name)
    segment = SegmentFactory(description="Nieuwsbrief")
    line = SegmentLineFactory(
        segment=segment,
        contact=contact,
        template=template,
        salesperson=salesperson,
        description=f"Persoonlijk voor {name}",
        attachment=SimpleUploadedFile(f"brief-{tag}.txt", attachment_text),
    )
    action = SegmentCriteriaAction.objects.create(
        segment=segment, sequence=1, action="add", criteria={"search": name}
    )
    SegmentHistory.objects.create(
        action=action,
        line_id=line.pk,
        added=True,
        contact=contact,
        description=f"Voor {name}",
    )
    TaskFactory(
        contact=contact,
        salesperson=salesperson,
        description=f"{name} terugbellen",
        location=address,
    )
    entry = person.entries[0]
    AuditRecordFactory(
        action=AuditAction.CREATED,
        object_type=AuditObjectType.ENTRY,
        object_id=str(entry.pk),
        object_repr=note,
        details={"contact": str(contact)},
    )
    AuditRecordFactory(
        action=AuditAction.BLOCKED,
        object_type=AuditObjectType.CONTACT,
        object_id=contact.no,
        object_repr=str(contact),
    )
    AuditRecordFactory(
        action=AuditAction.EXPORTED,
        object_type=AuditObjectType.LIST,
        object_id="",
        object_repr="Contacts",
        details={"format": "csv", "filters": {"search": email}},
    )
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[contact],
        action_flag=CHANGE,
        change_message="[]",
    )
    # A list export kept by a job, and a job asked with the contact's e-mail.
    job = JobFactory(
        created_by=user,
        params={"query": urlencode({"search": email, "city": "Amsterdam"})},
    )
    job.file.save(
        f"contacten-{tag}.csv", ContentFile(f"\ufeffNo.;Name\n{contact.no};{name}\n")
    )
    job.save()
    person.files.append(job.file.name)
    return person


@pytest.fixture
def world(db, media_root):
    """Jan (to be exported or erased) and Piet (who must stay as he is)."""
    user = AdminUserFactory(username="beheer")
    template = InteractionTemplateFactory(code="BRIEF")
    salesperson = SalespersonFactory(code="AV", name="Anna Visser")
    logged = LoggedSegmentFactory(segment_no="SM00077", description="Najaarsactie")
    jan = build_person(
        name="Jan de Vries",
        email="jan.devries@example.nl",
        phone="+31 6 12345678",
        address="Keizersgracht 123",
        tag="jan",
        template=template,
        salesperson=salesperson,
        logged=logged,
        user=user,
    )
    piet = build_person(
        name="Piet Jansen",
        email="piet.jansen@example.nl",
        phone="+31 6 87654321",
        address="Prinsengracht 456",
        tag="piet",
        template=template,
        salesperson=salesperson,
        logged=logged,
        user=user,
    )
    logged.letters.save(
        "SM00077.pdf",
        ContentFile(
            letters_pdf([(jan.contact, "Beste Jan,"), (piet.contact, "Beste Piet,")])
        ),
    )
    # Jan attends Piet's task.
    Task.objects.get(contact=piet.contact).attendee_contacts.add(jan.contact)
    feed = CalendarFeed.objects.create(user=user, token="t" * 40, stamp="x")
    feed.body = f"SUMMARY:{jan.contact.name} terugbellen".encode()
    feed.save()
    return {"jan": jan, "piet": piet, "user": user, "logged": logged}
