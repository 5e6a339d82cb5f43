"""Saved segment criteria in the admin: through the same services as the pages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from segments import services
from segments.models import SavedSegmentCriteria
from tests.factories import PersonFactory, SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(admin_user):
    segment = SegmentFactory(no="SG1")
    PersonFactory(city="Utrecht")
    services.add_contacts_by_criteria(segment, {"city": "Utrecht"}, user=admin_user)
    return services.save_criteria(
        segment, code="UTRECHT", description="Utrecht", user=admin_user
    )


def test_the_admin_passes_the_system_checks():
    assert admin.site._registry[SavedSegmentCriteria].check() == []


def test_the_list_shows_the_number_of_actions(admin_client, saved):
    response = admin_client.get(
        reverse("admin:segments_savedsegmentcriteria_changelist")
    )

    assert response.status_code == 200
    assert response.context["cl"].result_list[0].action_count == 1


def test_the_description_changes_through_the_service(admin_client, saved):
    url = reverse("admin:segments_savedsegmentcriteria_change", args=[saved.pk])
    page = admin_client.get(url)
    assert "Utrecht" in page.content.decode()

    response = admin_client.post(
        url,
        {
            "description": "Persons in Utrecht",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "1",
            "actions-MIN_NUM_FORMS": "0",
            "actions-MAX_NUM_FORMS": "1000",
            "actions-0-id": saved.actions.get().pk,
            "actions-0-saved": saved.pk,
        },
    )

    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.description == "Persons in Utrecht"
    assert saved.actions.count() == 1


def test_delete_through_the_service(admin_client, saved):
    url = reverse("admin:segments_savedsegmentcriteria_delete", args=[saved.pk])

    admin_client.post(url, {"post": "yes"})

    assert not SavedSegmentCriteria.objects.exists()


def test_saved_criteria_are_not_added_here(admin_client):
    url = reverse("admin:segments_savedsegmentcriteria_add")

    assert admin_client.get(url).status_code == 403
