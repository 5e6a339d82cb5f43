"""A page that makes records numbered from a number series says, before the user
fills it in, when that series is not set up in Marketing setup, and who sets it up:
a Sales user is told a CRM admin does, under Setup → Marketing setup (a page they
cannot open); a CRM admin gets the link."""

import pytest
from django.urls import reverse

from crm.models import MarketingSetup
from tests.factories import (
    LoggedSegmentFactory,
    NumberSeriesFactory,
    SegmentFactory,
)

pytestmark = pytest.mark.django_db

CONTACTS = "There is no number series for contacts yet"
SEGMENTS = "There is no number series for segments yet"
TASKS = "There is no number series for tasks yet"
WHO = "A CRM admin sets it up under Setup → Marketing setup."


def pages():
    """(URL, the note it gives) of every page that makes numbered records."""
    segment = SegmentFactory(no="SM00001")
    logged = LoggedSegmentFactory()
    return [
        (reverse("crm:contact_create"), CONTACTS),
        (reverse("segments:segment_create"), SEGMENTS),
        (reverse("segments:segment_from_contacts") + "?city=Utrecht", SEGMENTS),
        (reverse("segments:segment_from_entries"), SEGMENTS),
        (reverse("segments:segment_log", args=[segment.no]), SEGMENTS),
        (reverse("tasks:task_create"), TASKS),
        (reverse("tasks:segment_task_create", args=[segment.no]), TASKS),
        (reverse("tasks:loggedsegment_task_create", args=[logged.pk]), TASKS),
    ]


def test_a_sales_user_is_told_who_sets_the_series_up(sales_client):
    for url, note in pages():
        html = sales_client.get(url).content.decode()

        assert note in html, url
        assert WHO in html, url
        assert f'href="{reverse("crm:marketing_setup")}"' not in html, url


def test_a_crm_admin_gets_the_link(crm_admin_client):
    MarketingSetup.objects.create(pk=1)
    for url, note in pages():
        html = crm_admin_client.get(url).content.decode()

        assert note in html, url
        assert f'<a href="{reverse("crm:marketing_setup")}">Marketing setup</a>' in (
            html
        ), url
        assert WHO not in html, url


def test_no_note_once_the_series_are_set_up(crm_admin_client):
    MarketingSetup.objects.create(
        pk=1,
        contact_nos=NumberSeriesFactory(code="CONTACT"),
        segment_nos=NumberSeriesFactory(code="SEGMENT"),
        task_nos=NumberSeriesFactory(code="TASK"),
    )
    for url, _note in pages():
        response = crm_admin_client.get(url)

        assert response.status_code == 200, url
        assert 'id="series-missing"' not in response.content.decode(), url


def test_only_the_series_the_page_needs_is_named(sales_client):
    MarketingSetup.objects.create(pk=1, task_nos=NumberSeriesFactory(code="TASK"))

    contact_page = sales_client.get(reverse("crm:contact_create")).content.decode()
    task_page = sales_client.get(reverse("tasks:task_create")).content.decode()

    assert CONTACTS in contact_page
    assert SEGMENTS not in contact_page
    assert 'id="series-missing"' not in task_page


def test_looking_at_the_page_makes_no_setup_row(sales_client):
    sales_client.get(reverse("crm:contact_create"))

    assert not MarketingSetup.objects.exists()


def test_the_edit_pages_say_nothing_of_it(sales_client, sales_user):
    segment = SegmentFactory(no="SM00001", salesperson=None)

    html = sales_client.get(
        reverse("segments:segment_update", args=[segment.no])
    ).content.decode()

    assert 'id="series-missing"' not in html
