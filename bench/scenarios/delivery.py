"""Scenario: delivering a logged segment's e-mails (--delivery-emails of them) to a
local SMTP server (aiosmtpd, a process of its own that discards what it gets), against
a bare smtplib loop sending the same messages, already built, over one connection.

deliver_logged_segment does everything a delivery does (claims committed before
sending, the version and merge per contact, batches of DELIVERY_BATCH_SIZE over one
connection each, the statuses afterwards); the baseline only writes the bytes.
Target (issue 18): delivery / smtplib ≤ 2.
"""

import smtplib
import socket
import subprocess
import sys
import time
from email.utils import parseaddr

import support  # sets Django up: keep it the first third-party import
from django.conf import settings
from django.core import mail
from django.db import transaction

from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from interactions.models import (
    DeliveryStatus,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from segments.models import DeliveryClaim
from segments.services import (
    add_contacts,
    create_segment,
    deliver_logged_segment,
    log_segment,
)

TARGET = 2
PREFIX = "DLB-P"
LETTER = (
    "Beste {{ contact.name }},\n\nHierbij ons voorjaarsaanbod, speciaal voor u "
    "samengesteld.\n\nMet vriendelijke groet,\n{{ salesperson.name }}\n"
)


def emails(args):
    """How many e-mails: --delivery-emails, else --segment-lines up to 10,000 (so
    the tiny CI run sends few)."""
    return args.delivery_emails or min(10_000, args.segment_lines)


def prepare(count):
    series = NumberSeries.objects.get_or_create(
        code="DLBENCH", defaults={"description": "Delivery bench", "prefix": "DLB"}
    )[0]
    setup = MarketingSetup.load()
    if setup.segment_nos_id is None:
        setup.segment_nos = series
        setup.save()
    salesperson = Salesperson.objects.get_or_create(
        code="DLB", defaults={"name": "Delivery bench", "email": "bench@localhost"}
    )[0]
    group = InteractionGroup.objects.get_or_create(code="DLB")[0]
    template = InteractionTemplate.objects.get_or_create(
        code="DLB",
        defaults={
            "group": group,
            "description": "Voorjaarsaanbod",
            "unit_cost": "0.10",
            "unit_duration": 1,
            "information_flow": InteractionTemplate.InformationFlow.OUTBOUND,
            "initiated_by": InteractionTemplate.InitiatedBy.US,
            "correspondence_type": "email",
            "letter_text": LETTER,
        },
    )[0]
    existing = Contact.objects.filter(no__startswith=PREFIX).count()
    if existing < count:
        Contact.objects.bulk_create(
            (
                Contact(
                    no=f"{PREFIX}{n:07d}",
                    name=f"Bench contact {n}",
                    type=Contact.Type.PERSON,
                    email=f"contact{n}@bench.example",
                )
                for n in range(existing, count)
            ),
            batch_size=5000,
        )
    contacts = Contact.objects.filter(
        no__startswith=PREFIX, no__lt=f"{PREFIX}{count:07d}"
    )
    return template, salesperson, contacts


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server():
    """aiosmtpd in a process of its own (no share of this one's GIL), discarding."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("The SMTP server did not start.")


def logged_segment(template, salesperson, contacts, count):
    segment = create_segment(
        user=None,
        description="Delivery benchmark",
        template=template,
        salesperson=salesperson,
        ignore_contact_correspondence_type=True,
    )
    assert add_contacts(segment, contacts) == count
    # No user: no job is started; the benchmark runs the delivery itself.
    logged, _follow_up = log_segment(segment, user=None, deliver=True)
    return logged


def clean_up(logged):
    with transaction.atomic():
        entries = InteractionLogEntry.objects.filter(logged_segment=logged)
        DeliveryClaim.objects.filter(entry_id__in=entries.values("pk")).delete()
        entries.delete()
        logged.delete()


def built_messages(logged):
    """The messages the delivery sends, as bytes, built before the baseline's clock
    starts: (from, to, bytes) per entry, the same as deliver_logged_segment's."""
    mail.outbox = []
    previous = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    try:
        deliver_logged_segment(logged)
    finally:
        settings.EMAIL_BACKEND = previous
    return [
        (parseaddr(m.from_email)[1], m.to, m.message().as_bytes()) for m in mail.outbox
    ]


def run(args):
    count = emails(args)
    support.ensure_database()
    template, salesperson, contacts = prepare(count)
    server, port = start_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        django_seconds, baseline_seconds = [], []
        for _repeat in range(args.repeat):
            logged = logged_segment(template, salesperson, contacts, count)
            started = time.perf_counter()
            deliver_logged_segment(logged)
            django_seconds.append(time.perf_counter() - started)
            sent = InteractionLogEntry.objects.filter(
                logged_segment=logged, delivery_status=DeliveryStatus.SENT
            ).count()
            assert sent == count, (sent, count)
            clean_up(logged)

            logged = logged_segment(template, salesperson, contacts, count)
            messages = built_messages(logged)
            clean_up(logged)
            started = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port) as connection:
                for sender, recipients, content in messages:
                    connection.sendmail(sender, recipients, content)
            baseline_seconds.append(time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait()
    seconds = sorted(django_seconds)[len(django_seconds) // 2]
    baseline = sorted(baseline_seconds)[len(baseline_seconds) // 2]
    return [
        support.Result(
            scenario=f"delivery: {count:,} e-mails to aiosmtpd",
            seconds=seconds,
            baseline=f"smtplib sendmail loop, one connection, {count:,} messages",
            baseline_seconds=baseline,
            target=TARGET,
            notes=[
                f"{seconds / count * 1000:.2f} ms an e-mail "
                f"(batches of {settings.DELIVERY_BATCH_SIZE}); baseline "
                f"{baseline / count * 1000:.2f} ms"
            ],
        )
    ]
