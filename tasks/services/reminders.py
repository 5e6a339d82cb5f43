"""Reminders: the daily task e-mail per salesperson and the iCalendar feed per user."""

import datetime
import hashlib
import logging
import secrets
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from crm.models import Salesperson
from tasks.models import CalendarFeed, DigestSent, Task
from tasks.services import calendar

logger = logging.getLogger(__name__)

# Closed tasks stay in the feed this long, so a calendar shows what was done lately.
FEED_CLOSED_DAYS = 30
# A kept feed is rendered again after this long even when its tasks' stamp is the
# same: what the stamp does not see (a contact's new name in a summary, a change
# whose transaction committed after a later one) shows within this time.
FEED_REFRESH = datetime.timedelta(hours=1)


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


def language_of(salesperson):
    """The language of what goes to `salesperson` (None: nobody's), read by
    programs rather than on a page: the digest, the calendar feed."""
    if salesperson is not None and salesperson.language_code:
        return salesperson.language_code
    return settings.LANGUAGE_CODE


def _message(salesperson, tasks, today, connection):
    with translation.override(language_of(salesperson)):
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


def refresh_feeds(salesperson_ids):
    """Render again the kept documents of the feeds of `salesperson_ids`' users
    (None: everyone's) whose tasks changed, under the name they were last polled
    with. Feeds never polled are left alone. Returns how many were rendered."""
    feeds = CalendarFeed.objects.filter(rendered_at__isnull=False).defer("body")
    if salesperson_ids is not None:
        feeds = feeds.filter(user__salesperson__in=salesperson_ids)
    rendered = 0
    for feed in feeds:
        kept = _kept_body(feed)
        name = calendar.kept_name(kept)
        if name is None:
            continue
        stamp = feed_stamp(feed, name=name)
        if not is_kept(feed, stamp):
            feed_document(feed, name=name, stamp=stamp, kept=kept)
            rendered += 1
    return rendered


def _kept_body(feed):
    """The document `feed` keeps, read apart: the feed rows are read without it."""
    return bytes(CalendarFeed.objects.values_list("body", flat=True).get(pk=feed.pk))


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


def feed_stamp(feed, *, name, today=None):
    """What the feed's document is made of, in one aggregate query over the tasks it
    shows: their count and latest change (every task service moves updated_at; a
    deleted task lowers the count, a task leaving the closed window too), the day,
    the calendar's name and the site. Equal stamps give equal documents."""
    tasks = feed_tasks(feed, today=today).order_by()
    seen = tasks.aggregate(count=models.Count("*"), changed=models.Max("updated_at"))
    parts = [
        seen["count"],
        seen["changed"].isoformat() if seen["changed"] else "",
        (today or timezone.localdate()).isoformat(),
        name,
        settings.SITE_URL,
        str(timezone.get_current_timezone()),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def is_kept(feed, stamp):
    """Whether the feed's kept document is the one for `stamp`."""
    return (
        feed.stamp == stamp
        and feed.rendered_at is not None
        and timezone.now() - feed.rendered_at < FEED_REFRESH
    )


def feed_etag(feed):
    """The HTTP entity tag of the feed's kept document."""
    kept = f"{feed.stamp}|{feed.rendered_at.isoformat()}"
    return '"' + hashlib.sha256(kept.encode()).hexdigest()[:32] + '"'


def feed_document(feed, *, name, stamp, today=None, kept=None):
    """The feed's iCalendar document for `stamp`: the kept one when is_kept, else
    rendered now and kept (`feed` then carries the new stamp), taking the events of
    unchanged tasks from the kept one (`kept`, when the caller has read it). One
    query when kept; when rendered, two the first time and at most four after."""
    if feed.rendered_at is None:
        kept = b""
    elif kept is None:
        kept = _kept_body(feed)
    if kept and is_kept(feed, stamp):
        return kept
    body = calendar.render(feed_tasks(feed, today=today), name=name, kept=kept)
    feed.stamp, feed.rendered_at = stamp, timezone.now()
    # By token: a feed revoked or replaced meanwhile is not written back.
    CalendarFeed.objects.filter(pk=feed.pk, token=feed.token).update(
        stamp=stamp, body=body, rendered_at=feed.rendered_at
    )
    return body
