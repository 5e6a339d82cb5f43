from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from interactions.models import InteractionLogEntry
from segments import admin as segment_admin
from segments import services
from segments.models import LoggedSegment, Segment, SegmentLine
from tests.factories import (
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SegmentLineFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def segment(marketing_setup, admin_user):
    segment = services.create_segment(
        user=admin_user,
        description="Mailing",
        template=InteractionTemplateFactory(unit_cost=Decimal("2.00")),
        salesperson=SalespersonFactory(),
    )
    services.add_contacts(segment, PersonFactory.create_batch(2), user=admin_user)
    return segment


@pytest.mark.parametrize("model", [Segment, SegmentLine, LoggedSegment])
def test_admin_classes_pass_the_system_checks(model):
    assert admin.site._registry[model].check() == []


@pytest.mark.parametrize("model", [Segment, SegmentLine, LoggedSegment])
def test_admin_changelist_and_change_pages_load(admin_client, segment, model):
    if model is LoggedSegment:
        services.log_segment(segment, user=None, create_follow_up=True)
    obj = model.objects.first()
    info = model._meta.app_label, model._meta.model_name

    changelist = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    change = admin_client.get(
        reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    )

    assert changelist.status_code == 200
    assert change.status_code == 200


def test_admin_segment_page_links_to_lines_instead_of_a_huge_inline(
    admin_client, segment, monkeypatch
):
    monkeypatch.setattr(segment_admin, "INLINE_LINE_LIMIT", 1)
    url = reverse("admin:segments_segment_change", args=[segment.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"] == []
    assert f"?segment__id__exact={segment.pk}" in response.content.decode()


def test_admin_add_segment_takes_the_next_number(admin_client, marketing_setup):
    response = admin_client.post(
        reverse("admin:segments_segment_add"),
        {
            "description": "From admin",
            "date": "2026-03-15",
            "unit_cost": "0",
            "unit_duration": "0",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Segment.objects.get().no == "SM00001"


@pytest.mark.parametrize("cost", ["sNaN", "NaN", "Infinity"])
def test_admin_a_line_cost_that_is_no_number_shows_the_error(
    admin_client, marketing_setup, cost
):
    # The formset compares a new line's values with the defaults to see whether it
    # was filled in, and comparing with "sNaN" raised.
    response = admin_client.post(
        reverse("admin:segments_segment_add"),
        {
            "description": "From admin",
            "date": "2026-03-15",
            "unit_cost": "0",
            "unit_duration": "0",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-cost": cost,
        },
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors[0]["cost"] == ["Enter an amount such as 12.50."]
    assert not Segment.objects.exists()


def test_admin_add_segment_without_series_shows_the_error(admin_client, db):
    response = admin_client.post(
        reverse("admin:segments_segment_add"),
        {
            "description": "From admin",
            "date": "2026-03-15",
            "unit_cost": "0",
            "unit_duration": "0",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Set up a number series for segments in Marketing setup." in (
        response.content.decode()
    )
    assert not Segment.objects.exists()


def test_admin_log_action_logs_the_segment(admin_client, segment):
    response = admin_client.post(
        reverse("admin:segments_segment_changelist"),
        {"action": "log", ACTION_CHECKBOX_NAME: [segment.pk]},
        follow=True,
    )

    assert "Segment SM00001 has been logged." in response.content.decode()
    assert InteractionLogEntry.objects.filter(segment_no="SM00001").count() == 2
    assert not Segment.objects.exists()


def test_admin_log_action_shows_the_rule_broken(admin_client, segment):
    SegmentLine.objects.update(template=None)
    SegmentLineFactory()  # another segment, untouched

    response = admin_client.post(
        reverse("admin:segments_segment_changelist"),
        {"action": "log", ACTION_CHECKBOX_NAME: [segment.pk]},
        follow=True,
    )

    assert "Choose an interaction template for" in response.content.decode()
    assert not LoggedSegment.objects.exists()


def test_admin_logged_segment_actions_cancel_and_uncancel_entries(
    admin_client, segment
):
    logged, _follow_up = services.log_segment(segment, user=None)
    url = reverse("admin:segments_loggedsegment_changelist")

    response = admin_client.post(
        url,
        {"action": "mark_canceled", ACTION_CHECKBOX_NAME: [logged.pk]},
        follow=True,
    )

    assert "2 interaction log entries marked canceled." in response.content.decode()
    logged.refresh_from_db()
    assert logged.canceled
    assert set(logged.log_entries.values_list("canceled", flat=True)) == {True}

    response = admin_client.post(
        url,
        {"action": "remove_canceled_mark", ACTION_CHECKBOX_NAME: [logged.pk]},
        follow=True,
    )

    assert "Canceled mark removed from 2 interaction log entries." in (
        response.content.decode()
    )
    logged.refresh_from_db()
    assert not logged.canceled
    assert set(logged.log_entries.values_list("canceled", flat=True)) == {False}
