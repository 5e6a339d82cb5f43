"""Tasks written as an iCalendar (RFC 5545) document, event by event, so that a feed
rendered again after a change writes only the events of the tasks that changed and
takes the others from its kept document as they were."""

import datetime
import hashlib
import re

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

# Above this many changed tasks the feed's own query is read whole instead of the
# changed keys one by one: an IN list of thousands of keys costs more than it saves.
CHANGED_BY_KEY = 1_000
# Each event carries what it was written from, hashed: the kept event of a task is
# written again only when this differs. An X- property: calendar programs ignore it.
KEY_PROPERTY = "X-CRM-KEY"
_KEPT_EVENT = re.compile(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", re.DOTALL)
_KEPT_UID = re.compile(rb"\r\nUID:([^\r]*)\r\n")
_KEPT_KEY = re.compile(rb"\r\n" + KEY_PROPERTY.encode() + rb":([^\r]*)\r\n")
_KEPT_NAME = re.compile(rb"\r\nX-WR-CALNAME:([^\r]*)\r\n")
_CALENDAR_END = b"END:VCALENDAR\r\n"


def render(tasks, *, name, kept=b""):
    """The document of `tasks` (a queryset in the feed's order) called `name`, in
    bytes. With `kept`, an earlier document of the same feed, the events of tasks
    whose key is unchanged are copied from it: the tasks are first read by key,
    change time and contact name only, then whole only where an event is written.
    Two queries with a kept document, one without."""
    head, write, shared = _head(name), _writer(), _shared()
    kept_events = _kept_events(kept)
    if not kept_events:
        events = (write(task, _key(task, shared)) for task in tasks)
        return head + b"".join(events) + _CALENDAR_END
    seen = list(tasks.values_list("pk", "no", "updated_at", "contact__name"))
    keys = {
        pk: _key_of(updated_at, contact, shared)
        for pk, _no, updated_at, contact in seen
    }
    reused = {}
    for pk, no, _updated_at, _contact in seen:
        event, key = kept_events.get(_uid(no), (None, None))
        if key == keys[pk]:
            reused[pk] = event
    changed = [pk for pk, *_rest in seen if pk not in reused]
    if not changed:
        to_write = []
    elif len(changed) > CHANGED_BY_KEY:
        to_write = (task for task in tasks if task.pk not in reused)
    else:
        to_write = tasks.filter(pk__in=changed).order_by()
    written = {task.pk: write(task, keys[task.pk]) for task in to_write}
    # A task deleted between the two reads is left out.
    events = (reused.get(pk) or written.get(pk, b"") for pk, *_rest in seen)
    return head + b"".join(events) + _CALENDAR_END


def _head(name):
    """The calendar's own lines, up to where its events go."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//CRM//Taken//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    return cal.to_ical().removesuffix(_CALENDAR_END)


def kept_name(kept):
    """The calendar name a kept document was written with (None without one)."""
    found = _KEPT_NAME.search(bytes(kept))
    if found is None:
        return None
    return str(icalendar.vText.from_ical(found.group(1).decode()))


def _kept_events(kept):
    """The events of a kept document by UID, each with its key."""
    events = {}
    for match in _KEPT_EVENT.finditer(bytes(kept)):
        event = match.group(0)
        uid, key = _KEPT_UID.search(event), _KEPT_KEY.search(event)
        # An event written before events had keys is written again.
        if uid and key:
            events[uid.group(1).decode()] = (event, key.group(1).decode())
    return events


def _uid(no):
    return f"task-{no}@crm"


def _key(task, shared):
    return _key_of(task.updated_at, task.contact.name if task.contact else None, shared)


def _key_of(updated_at, contact_name, shared):
    """What an event is written from besides the task's own fields: every task
    service moves updated_at; the contact's name is not the task's, nor is
    `shared` (_shared)."""
    data = f"{shared}|{updated_at.timestamp()!r}|{contact_name}".encode()
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def _shared():
    """What every event is written from besides its task: the site's address and
    the time zone."""
    return f"{settings.SITE_URL}|{timezone.get_current_timezone()}"


def _writer():
    """A function writing one task as a VEVENT, in bytes. What every event shares
    is made once: thousands of events may be written at a time. A task with a start
    time is an event of its duration (at least 15 minutes), in UTC (a TZID would
    need its VTIMEZONE); one without is an all-day event on its date. DTSTAMP is
    the task's last change: without a METHOD the standard reads it as
    LAST-MODIFIED."""
    zone = timezone.get_current_timezone()
    status = {
        canceled: icalendar.vText("CANCELLED" if canceled else "CONFIRMED")
        for canceled in (False, True)
    }
    # One reverse() for every task's URL: its key put in place of a stand-in.
    stand_in = "987654321987654321"
    task_url = settings.SITE_URL + reverse("tasks:task_detail", args=[stand_in])

    def write(task, key):
        event = icalendar.Event()
        event.add("uid", _uid(task.no))
        event.add("dtstamp", task.updated_at.astimezone(datetime.UTC))
        summary = task.description
        if task.contact is not None:
            summary = f"{summary} ({task.contact.name})"
        event.add("summary", summary)
        starts_at = task.starts_at()
        if starts_at is None:
            event.add("dtstart", task.date)
            event.add("dtend", task.date + datetime.timedelta(days=1))
        else:
            start = starts_at.replace(tzinfo=zone).astimezone(datetime.UTC)
            event.add("dtstart", start)
            minutes = max(task.duration, 15)
            event.add("dtend", start + datetime.timedelta(minutes=minutes))
        if task.location:
            event.add("location", task.location)
        event.add("status", status[task.canceled])
        event.add("url", task_url.replace(stand_in, str(task.pk)))
        event.add(KEY_PROPERTY, key)
        return event.to_ical()

    return write
