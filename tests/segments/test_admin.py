from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from audit.models import AuditRecord
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


# Admin writes go through the services


def form_data(response):
    """The admin change form's values as a browser would post them back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False, ""):
            data[name] = value
    return data


def no_inline(monkeypatch):
    monkeypatch.setattr(segment_admin, "INLINE_LINE_LIMIT", 0)


def test_admin_add_segment_is_numbered_and_filled_by_the_service(
    admin_client, admin_user, marketing_setup, monkeypatch
):
    calls = []
    real_create_segment = services.create_segment

    def create_segment(**kwargs):
        calls.append(kwargs)
        return real_create_segment(**kwargs)

    monkeypatch.setattr(services, "create_segment", create_segment)
    template = InteractionTemplateFactory(unit_cost=Decimal("2.50"))

    response = admin_client.post(
        reverse("admin:segments_segment_add"),
        {
            "description": "From admin",
            "date": "2026-03-15",
            "template": template.pk,
            "unit_cost": "0",
            "unit_duration": "0",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.no == "SM00001"
    assert [call["user"] for call in calls] == [admin_user]
    # As on the page: the values left as they were come from the template.
    assert segment.unit_cost == Decimal("2.50")
    assert segment.created_by == admin_user


def test_admin_change_the_service_refuses_shows_the_message(
    admin_client, segment, monkeypatch
):
    no_inline(monkeypatch)
    url = reverse("admin:segments_segment_change", args=[segment.pk])
    data = form_data(admin_client.get(url))
    blocked = InteractionTemplateFactory(code="OLD", blocked=True)

    response = admin_client.post(
        url, {**data, "template": blocked.pk, "description": "Changed"}
    )

    assert response.status_code == 200
    assert "Interaction template OLD is blocked." in response.content.decode()
    segment.refresh_from_db()
    assert segment.description == "Mailing"
    assert segment.template != blocked


def test_admin_change_updates_the_header_only(admin_client, segment, monkeypatch):
    no_inline(monkeypatch)
    url = reverse("admin:segments_segment_change", args=[segment.pk])
    data = form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "description": "Renamed"})

    assert response.status_code == 302
    assert Segment.objects.get().description == "Renamed"
    assert set(segment.lines.values_list("description", flat=True)) == {"Mailing"}


def change_data_with_lines(admin_client, url):
    """form_data() with the inline lines' values."""
    page = admin_client.get(url)
    data = form_data(page)
    formset = page.context["inline_admin_formsets"][0].formset
    for index, line_form in enumerate(formset.forms):
        for name in line_form.fields:
            value = line_form[name].value()
            if value not in (None, False, ""):
                data[f"lines-{index}-{name}"] = value
    return data


def test_admin_inline_lines_go_through_the_line_services(admin_client, segment):
    url = reverse("admin:segments_segment_change", args=[segment.pk])
    data = change_data_with_lines(admin_client, url)
    first, second = segment.lines.order_by("pk")
    newcomer = PersonFactory()
    data.update(
        {
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "2",
            "lines-0-description": "Personal",
            "lines-1-DELETE": "on",
            "lines-2-contact": newcomer.pk,
            "lines-2-cost": "0",
            "lines-2-duration": "0",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    lines = {line.contact_id: line for line in segment.lines.all()}
    assert set(lines) == {first.contact_id, newcomer.pk}
    assert lines[first.contact_id].description == "Personal"
    # A new line takes the header's values, as "Add contacts" gives them.
    assert lines[newcomer.pk].cost == Decimal("2.00")
    assert lines[newcomer.pk].template_id == segment.template_id
    assert second.pk not in {line.pk for line in lines.values()}


def test_admin_inline_line_the_service_refuses_saves_nothing(admin_client, segment):
    url = reverse("admin:segments_segment_change", args=[segment.pk])
    data = change_data_with_lines(admin_client, url)
    excluded = PersonFactory(no="CT9", name="Eve Out", exclude_from_segment=True)
    data.update(
        {
            "description": "Renamed",
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "2",
            "lines-0-description": "Personal",
            "lines-2-contact": excluded.pk,
            "lines-2-cost": "0",
            "lines-2-duration": "0",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Contact CT9 Eve Out is marked “exclude from segment” and is not added to "
        "segment SM00001."
    ]
    # The header and the other line, saved before the refusal, are rolled back.
    assert Segment.objects.get().description == "Mailing"
    assert set(segment.lines.values_list("description", flat=True)) == {"Mailing"}


def test_admin_line_the_service_refuses_shows_the_message(admin_client, segment):
    excluded = PersonFactory(no="CT9", name="Eve Out", exclude_from_segment=True)

    response = admin_client.post(
        reverse("admin:segments_segmentline_add"),
        {"segment": segment.pk, "contact": excluded.pk, "cost": "0", "duration": "0"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["contact"] == [
        "Contact CT9 Eve Out is marked “exclude from segment” and is not added to "
        "segment SM00001."
    ]
    assert segment.lines.count() == 2


def test_admin_deletes_through_the_services(admin_client, segment, monkeypatch):
    deleted = []
    real_delete_segment = services.delete_segment
    monkeypatch.setattr(
        services,
        "delete_segment",
        lambda segment, *, user: (
            deleted.append(segment.no) or real_delete_segment(segment, user=user)
        ),
    )
    line = segment.lines.first()

    admin_client.post(
        reverse("admin:segments_segmentline_delete", args=[line.pk]), {"post": "yes"}
    )
    admin_client.post(
        reverse("admin:segments_segment_changelist"),
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [segment.pk],
            "post": "yes",
        },
    )

    assert deleted == ["SM00001"]
    assert not Segment.objects.exists()
    assert not SegmentLine.objects.exists()


def test_admin_log_and_cancel_leave_audit_records(admin_client, admin_user, segment):
    admin_client.post(
        reverse("admin:segments_segment_changelist"),
        {"action": "log", ACTION_CHECKBOX_NAME: [segment.pk]},
    )
    logged = LoggedSegment.objects.get()

    admin_client.post(
        reverse("admin:segments_loggedsegment_changelist"),
        {"action": "mark_canceled", ACTION_CHECKBOX_NAME: [logged.pk]},
    )

    records = AuditRecord.objects.order_by("pk")
    assert [(r.action, r.object_id, r.count, r.user) for r in records] == [
        (AuditRecord.Action.SEGMENT_LOGGED, "SM00001", 2, admin_user),
        (AuditRecord.Action.CANCELED, "SM00001", 2, admin_user),
    ]


def test_admin_logged_segment_description_is_changed_by_the_service(
    admin_client, segment
):
    logged, _follow_up = services.log_segment(segment, user=None)
    url = reverse("admin:segments_loggedsegment_change", args=[logged.pk])

    response = admin_client.post(url, {"description": "Spring mailing"})

    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.description == "Spring mailing"
    assert not logged.canceled
