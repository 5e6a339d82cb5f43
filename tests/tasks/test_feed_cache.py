"""The calendar feed keeps its rendered document and renders again only when the
tasks it shows changed: after every task service the next poll shows the change."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from tasks.models import CalendarFeed, Task
from tasks.services import (
    calendar,
    cancel_task,
    complete_task,
    create_task,
    create_tasks_for_segment,
    postpone_task,
    reassign_tasks,
    update_task,
)
from tasks.services.reminders import create_feed, feed_tasks, refresh_feeds
from tests.factories import (
    SalespersonFactory,
    SegmentFactory,
    SegmentLineFactory,
    TaskFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]


@pytest.fixture
def feed(sales_user):
    return create_feed(sales_user)


def poll(client, feed, etag=None, language=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    return client.get(feed.get_absolute_url(), **headers)


def events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def uid(task):
    return f"task-{task.no}@crm"


def created(task, user, contact, salesperson):
    made = create_task(user=user, contact=contact, description="Nieuw")
    return lambda found: uid(made) in found


def updated(task, user, contact, salesperson):
    update_task(task, user=user, description="Offerte sturen")
    return lambda found: str(found[uid(task)]["summary"]).startswith("Offerte")


def completed(task, user, contact, salesperson):
    complete_task(task, user=user)
    changed = Task.objects.get(pk=task.pk).updated_at.replace(microsecond=0)
    # A completed task stays in the feed its window long, as it was: its event's
    # DTSTAMP (the standard's last change) is the completion.
    return lambda found: found[uid(task)].decoded("dtstamp") == changed


def canceled(task, user, contact, salesperson):
    cancel_task(task, user=user)
    return lambda found: str(found[uid(task)]["status"]) == "CANCELLED"


def postponed(task, user, contact, salesperson):
    to = task.date + datetime.timedelta(days=7)
    postpone_task(task, to=to, user=user)
    return lambda found: found[uid(task)].decoded("dtstart") == to


def reassigned_away(task, user, contact, salesperson):
    reassign_tasks([task], salesperson=SalespersonFactory(), user=user)
    return lambda found: uid(task) not in found


def reassigned_here(task, user, contact, salesperson):
    other = TaskFactory(no="ZZ2", salesperson=SalespersonFactory())
    reassign_tasks(Task.objects.filter(pk=other.pk), salesperson=salesperson, user=user)
    return lambda found: uid(other) in found


def swapped(task, user, contact, salesperson):
    other = TaskFactory(no="ZZ3", salesperson=SalespersonFactory())
    reassign_tasks([task], salesperson=other.salesperson, user=user)
    reassign_tasks([other], salesperson=salesperson, user=user)
    return lambda found: uid(other) in found and uid(task) not in found


def segment_tasks(task, user, contact, salesperson):
    segment = SegmentFactory()
    SegmentLineFactory(segment=segment, contact=contact)
    create_tasks_for_segment(
        segment, user=user, description="Mailing nabellen", salesperson=salesperson
    )
    return lambda found: any(
        str(event["summary"]).startswith("Mailing nabellen") for event in found.values()
    )


def deleted(task, user, contact, salesperson):
    task.delete()
    return lambda found: uid(task) not in found


# What the task services change; deleting a task (no service) is polled too.
SERVICE_CHANGES = [
    created,
    updated,
    completed,
    canceled,
    postponed,
    reassigned_away,
    reassigned_here,
    swapped,
    segment_tasks,
]


@pytest.mark.parametrize("change", [*SERVICE_CHANGES, deleted])
def test_the_next_poll_shows_every_change(
    client, feed, user, contact, change, time_machine
):
    salesperson = contact.salesperson
    task = create_task(user=user, contact=contact, description="Bellen")
    TaskFactory(no="ZZ1", salesperson=salesperson, description="Blijft staan")
    before = poll(client, feed)
    assert poll(client, feed)["ETag"] == before["ETag"]  # kept, not rendered again
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1))
    shows_it = change(task, user, contact, salesperson)
    after = poll(client, feed, etag=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert shows_it(events(after))
    assert not shows_it(events(before))
    # Only the changed events were written again, and the document is the one a
    # render from nothing gives, byte for byte.
    assert after.content == fresh_document(feed)


def fresh_document(feed):
    name = f"Tasks of {feed.user.get_full_name() or feed.user.get_username()}"
    return calendar.render(feed_tasks(feed), name=name)


def test_unchanged_events_are_taken_from_the_kept_document(
    client, feed, salesperson, time_machine
):
    kept, changed = TaskFactory.create_batch(2, salesperson=salesperson)
    poll(client, feed)
    # The kept event is marked where no render would write it: it must come back.
    stored = CalendarFeed.objects.filter(pk=feed.pk)
    body = bytes(stored.get().body)
    line = f"UID:{uid(kept)}\r\n".encode()
    stored.update(body=body.replace(line, line + b"X-MARK:kept\r\n"))
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1))
    update_task(changed, user=salesperson.user, description="Nieuw")
    found = events(poll(client, feed))
    assert str(found[uid(kept)]["x-mark"]) == "kept"
    assert str(found[uid(changed)]["summary"]).startswith("Nieuw")
    assert "x-mark" not in found[uid(changed)]


def test_a_new_contact_name_is_written_when_the_feed_is_rendered_again(
    client, feed, salesperson, user, time_machine
):
    task, other = TaskFactory.create_batch(2, salesperson=salesperson)
    poll(client, feed)
    task.contact.name = "Nieuwe naam"
    task.contact.save()
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1))
    update_task(other, user=user, description="Anders")
    found = events(poll(client, feed))
    assert "Nieuwe naam" in str(found[uid(task)]["summary"])


@pytest.mark.parametrize("change", SERVICE_CHANGES)
def test_after_every_task_service_the_worker_renders_the_feed_ahead_of_its_poll(
    client,
    feed,
    user,
    contact,
    change,
    time_machine,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    salesperson = contact.salesperson
    task = create_task(user=user, contact=contact, description="Bellen")
    TaskFactory(no="ZZ1", salesperson=salesperson, description="Blijft staan")
    before = poll(client, feed)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1))
    # The tests' task backend runs the refresh at the commit, as the worker would.
    with django_capture_on_commit_callbacks(execute=True):
        shows_it = change(task, user, contact, salesperson)
    with django_assert_num_queries(3):  # feed, stamp, kept document
        after = poll(client, feed, etag=before["ETag"])
    assert after.status_code == 200
    assert shows_it(events(after))
    assert after.content == fresh_document(feed)


def test_a_feed_never_polled_is_not_rendered_ahead(
    feed, user, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        create_task(user=user, contact=contact, description="Bellen")
    feed.refresh_from_db()
    assert feed.rendered_at is None
    assert refresh_feeds(None) == 0


def test_a_feed_is_rendered_ahead_under_the_name_it_was_polled_with(
    client, feed, user, contact, time_machine
):
    # The feed's salesperson reads Dutch; the program polling asks for English.
    contact.salesperson.language_code = "nl"
    contact.salesperson.save()
    poll(client, feed, language="en")
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1))
    create_task(user=user, contact=contact, description="Bellen")
    assert refresh_feeds([contact.salesperson_id]) == 1
    again = poll(client, feed, language="en")
    assert icalendar.Calendar.from_ical(again.content)["x-wr-calname"] == (
        f"Taken van {feed.user.get_full_name() or feed.user.get_username()}"
    )
    assert refresh_feeds([contact.salesperson_id]) == 0  # kept: nothing to do


def test_the_next_poll_shows_a_task_leaving_the_closed_window(
    client, feed, user, contact, time_machine
):
    task = create_task(user=user, contact=contact, description="Bellen")
    complete_task(task, user=user)
    assert uid(task) in events(poll(client, feed))
    time_machine.move_to(datetime.datetime.now() + datetime.timedelta(days=31))
    assert uid(task) not in events(poll(client, feed))


def test_a_poll_with_the_current_etag_is_304(client, feed, salesperson):
    TaskFactory(salesperson=salesperson)
    first = poll(client, feed)
    assert first.status_code == 200
    again = poll(client, feed, etag=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""
    assert poll(client, feed, etag='"other"').status_code == 200


def test_polls_take_constant_queries(
    client, feed, salesperson, django_assert_num_queries
):
    TaskFactory(salesperson=salesperson)
    with django_assert_num_queries(4):  # feed, stamp, tasks, keep the document
        first = poll(client, feed)
    TaskFactory.create_batch(40, salesperson=salesperson)
    # feed, stamp, kept document, the tasks' keys, the changed tasks, keep it
    with django_assert_num_queries(6):
        first = poll(client, feed)
    with django_assert_num_queries(3):  # feed, stamp, kept document
        poll(client, feed)
    with django_assert_num_queries(2):  # feed, stamp: 304
        assert poll(client, feed, etag=first["ETag"]).status_code == 304
    assert len(events(poll(client, feed))) == 41


def test_a_kept_document_is_rendered_again_after_an_hour(
    client, feed, salesperson, time_machine
):
    task = TaskFactory(salesperson=salesperson)
    first = poll(client, feed)
    # A contact's new name is not in the stamp: it shows within the hour.
    task.contact.name = "Nieuwe naam"
    task.contact.save()
    assert poll(client, feed)["ETag"] == first["ETag"]
    time_machine.move_to(datetime.datetime.now() + datetime.timedelta(minutes=61))
    again = poll(client, feed, etag=first["ETag"])
    assert again.status_code == 200
    assert "Nieuwe naam" in str(events(again)[uid(task)]["summary"])


def test_a_revoked_feed_keeps_no_document_and_is_404(client, feed, sales_user):
    poll(client, feed)
    create_feed(sales_user)
    assert poll(client, feed).status_code == 404
