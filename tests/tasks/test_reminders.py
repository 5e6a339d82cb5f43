import datetime

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tasks.models import CalendarFeed, DigestSent
from tasks.services.reminders import create_feed, revoke_feed, send_digests
from tasks.tasks import send_digests as send_digests_task
from tests.factories import PersonFactory, SalespersonFactory, TaskFactory
from tests.segments.smtp import SMTPServer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        yield server


def test_the_daily_digest_goes_to_each_salesperson_in_their_language(
    smtp, frozen_today
):
    anna = SalespersonFactory(code="AV", email="anna@example.com", language_code="nl")
    bob = SalespersonFactory(code="BK", email="bob@example.com", language_code="en")
    contact = PersonFactory(name="Jan de Vries")
    TaskFactory(
        salesperson=anna, date=frozen_today, description="Offerte", contact=contact
    )
    TaskFactory(
        salesperson=anna,
        date=frozen_today - datetime.timedelta(days=3),
        description="Nabellen",
    )
    TaskFactory(salesperson=anna, date=frozen_today + datetime.timedelta(days=1))
    TaskFactory(salesperson=bob, date=frozen_today, description="Call back")
    TaskFactory(salesperson=SalespersonFactory(email=""), date=frozen_today)
    TaskFactory(
        salesperson=SalespersonFactory(email="done@example.com"),
        date=frozen_today,
        status="completed",
        closed=True,
    )
    assert send_digests_task.enqueue().return_value == 2
    messages = {to[0]: message for to, message in smtp.messages}
    assert set(messages) == {"anna@example.com", "bob@example.com"}
    dutch = messages["anna@example.com"]
    assert dutch["Subject"] == "Uw taken voor 3-12-2026"
    body = dutch.get_content()
    assert "Achterstallig:" in body
    assert "Nabellen" in body
    assert "Offerte (Jan de Vries)" in body
    assert "Vandaag:" in body
    assert "http://127.0.0.1:8000/tasks/mine/" in body
    english = messages["bob@example.com"]
    assert english["Subject"] == "Your tasks for 12/03/2026"
    assert "Today:" in english.get_content()
    # Once a day: the next hourly run sends nothing.
    assert send_digests() == 0
    assert len(smtp.messages) == 2
    assert DigestSent.objects.count() == 2


def test_a_refused_digest_is_tried_again(settings, frozen_today):
    anna = SalespersonFactory(email="anna@example.com")
    TaskFactory(salesperson=anna, date=frozen_today)
    with SMTPServer(refuse={"anna@example.com"}) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        assert send_digests() == 0
    assert not DigestSent.objects.exists()
    with SMTPServer() as server:
        settings.EMAIL_PORT = server.port
        assert send_digests() == 1
        assert len(server.messages) == 1


@pytest.fixture
def feed(sales_user):
    return create_feed(sales_user)


def test_the_feed_parses_back_with_the_library(client, feed, salesperson, frozen_today):
    meeting = TaskFactory(
        salesperson=salesperson,
        date=frozen_today,
        start_time=datetime.time(10, 30),
        duration=45,
        type="meeting",
        location="Utrecht",
        description="Demo",
    )
    call = TaskFactory(salesperson=salesperson, date=frozen_today, description="Bellen")
    TaskFactory(date=frozen_today)  # another salesperson's
    TaskFactory(
        salesperson=salesperson,
        status="completed",
        closed=True,
        date_closed=frozen_today - datetime.timedelta(days=40),
    )
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"task-{meeting.no}@crm", f"task-{call.no}@crm"}
    event = events[f"task-{meeting.no}@crm"]
    start = event.decoded("dtstart")
    assert start.utcoffset() == datetime.timedelta(0)  # UTC: no VTIMEZONE needed
    local = timezone.localtime(start)
    assert (local.date(), local.time()) == (frozen_today, datetime.time(10, 30))
    assert str(event["url"]).endswith(meeting.get_absolute_url())
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtend") - start == datetime.timedelta(minutes=45)
    assert str(event["location"]) == "Utrecht"
    assert str(event["summary"]).startswith("Demo (")
    all_day = events[f"task-{call.no}@crm"]
    assert all_day.decoded("dtstart") == frozen_today
    assert all_day.decoded("dtend") == frozen_today + datetime.timedelta(days=1)


def test_the_feed_takes_constant_queries(
    client, feed, salesperson, django_assert_num_queries
):
    TaskFactory(salesperson=salesperson)
    with django_assert_num_queries(4):  # feed, stamp, tasks, keep the document
        client.get(feed.get_absolute_url())
    TaskFactory.create_batch(40, salesperson=salesperson)
    # feed, stamp, kept document, the tasks' keys, the changed tasks, keep it
    with django_assert_num_queries(6):
        client.get(feed.get_absolute_url())


def test_a_revoked_or_replaced_feed_is_404(client, feed, sales_user):
    old = feed.get_absolute_url()
    new = create_feed(sales_user).get_absolute_url()
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    revoke_feed(sales_user)
    assert client.get(new).status_code == 404
    assert client.get(reverse("tasks:calendar_feed", args=["guess"])).status_code == 404


def test_the_subscription_page_makes_and_revokes_the_link(sales_client, sales_user):
    url = reverse("tasks:calendar_settings")
    assert "You have no calendar link." in sales_client.get(url).content.decode()
    sales_client.post(url, {"action": "create"})
    feed = CalendarFeed.objects.get(user=sales_user)
    assert feed.get_absolute_url() in sales_client.get(url).content.decode()
    sales_client.post(url, {"action": "revoke"})
    assert not CalendarFeed.objects.exists()


def test_the_feed_is_in_the_salespersons_language_whatever_the_program_asks(
    client, feed, salesperson, sales_user
):
    # Calendar programs send no language of their own: it was English, by username.
    sales_user.first_name, sales_user.last_name = "Anna", "Visser"
    sales_user.save()
    salesperson.language_code = "nl"
    salesperson.save()
    response = client.get(feed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "nl"
    assert b"X-WR-CALNAME:Taken van Anna Visser\r\n" in response.content
    salesperson.language_code = ""
    salesperson.save()
    response = client.get(feed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert response["Content-Language"] == settings.LANGUAGE_CODE
    assert b"X-WR-CALNAME:Tasks of Anna Visser\r\n" in response.content


def test_a_first_link_does_not_speak_of_an_earlier_one(sales_client):
    url = reverse("tasks:calendar_settings")
    first = sales_client.post(url, {"action": "create"}, follow=True)
    assert [str(m) for m in first.context["messages"]] == [
        "Your calendar link is ready."
    ]
    again = sales_client.post(url, {"action": "create"}, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "Your calendar link is ready; an earlier one stopped working."
    ]
