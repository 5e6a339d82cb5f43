"""Reminders: the daily task e-mail per salesperson and the iCalendar feed per user."""

import datetime
import logging
import secrets
from itertools import groupby

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from crm.models import Salesperson
from tasks.models import CalendarFeed, DigestSent, Task

logger = logging.getLogger(__name__)

# Closed tasks stay in the feed this long, so a calendar shows what was done lately.
FEED_CLOSED_DAYS = 30


def send_digests(*, today=None):
    """E-mail every salesperson with an address their open tasks due today or
    overdue, in their language, once a day. A message the server refuses is tried
    again at the next run. Returns the number sent."""
    today = today or timezone.localdate()
    waiting = (
        Salesperson.objects.active()
        .exclude(email="")
        .exclude(pk__in=DigestSent.objects.filter(date=today).values("salesperson"))
    )
    due = (
        Task.objects.open()
        .filter(salesperson__in=waiting, date__lte=today)
        .select_related("contact", "salesperson")
        .order_by("salesperson_id", "date", "start_time", "no")
    )
    sent = 0
    with get_connection() as connection:
        for _salesperson_id, tasks in groupby(
            due, key=lambda task: task.salesperson_id
        ):
            tasks = list(tasks)
            salesperson = tasks[0].salesperson
            try:
                _message(salesperson, tasks, today, connection).send()
            except OSError:
                # A refused recipient or a lost connection: the next run tries again.
                logger.exception("Task digest to %s not sent", salesperson.code)
                continue
            DigestSent.objects.create(salesperson=salesperson, date=today)
            sent += 1
    return sent


def _message(salesperson, tasks, today, connection):
    language = salesperson.language_code or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "salesperson": salesperson,
            "today": today,
            "overdue": [task for task in tasks if task.date < today],
            "due_today": [task for task in tasks if task.date == today],
            "my_tasks_url": settings.SITE_URL + reverse("tasks:my_tasks"),
        }
        return EmailMessage(
            subject=_("Your tasks for %(date)s")
            % {"date": formats.date_format(today, "SHORT_DATE_FORMAT")},
            body=render_to_string("tasks/digest_email.txt", context),
            to=[salesperson.email],
            connection=connection,
        )


@transaction.atomic
def create_feed(user):
    """Give `user` a calendar feed at a new secret URL; an old URL stops working."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user,
        defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
    )
    return feed


@transaction.atomic
def revoke_feed(user):
    """Stop `user`'s calendar feed: its URL answers 404 from now on."""
    CalendarFeed.objects.filter(user=user).delete()


def feed_tasks(feed, *, today=None):
    """The tasks a feed shows: its user's salesperson's open tasks and those closed
    in the last FEED_CLOSED_DAYS days; one query."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=FEED_CLOSED_DAYS)
    return (
        Task.objects.filter(salesperson__user=feed.user_id)
        .exclude(closed=True, date_closed__lt=since)
        .select_related("contact")
        .order_by("date", "no")
    )


def calendar(tasks, *, name):
    """The tasks as an iCalendar (RFC 5545) document, in bytes. A task with a start
    time is an event of its duration (at least 15 minutes); one without is an
    all-day event on its date."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//CRM//Taken//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    zone = timezone.get_current_timezone()
    stamp = timezone.now()
    for task in tasks:
        event = icalendar.Event()
        event.add("uid", f"task-{task.no}@crm")
        event.add("dtstamp", stamp)
        summary = task.description
        if task.contact is not None:
            summary = f"{summary} ({task.contact.name})"
        event.add("summary", summary)
        starts_at = task.starts_at()
        if starts_at is None:
            event.add("dtstart", task.date)
            event.add("dtend", task.date + datetime.timedelta(days=1))
        else:
            start = starts_at.replace(tzinfo=zone)
            event.add("dtstart", start)
            minutes = max(task.duration, 15)
            event.add("dtend", start + datetime.timedelta(minutes=minutes))
        if task.location:
            event.add("location", task.location)
        event.add("status", "CANCELLED" if task.canceled else "CONFIRMED")
        event.add("url", settings.SITE_URL + task.get_absolute_url())
        cal.add_component(event)
    return cal.to_ical()
