"""A postponed interaction (a draft) belongs to who postponed it (issue 16, finding 3):
others cannot open, resume, overwrite, delete or even see it; CRM admins see them all
and take one over explicitly, which is audited."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditRecord
from interactions import services
from interactions.models import InteractionLogEntry
from tests.factories import (
    AdminUserFactory,
    InteractionLogEntryFactory,
    SalesUserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("interactions:postponed_list")


@pytest.fixture
def anna():
    return SalesUserFactory(username="anna", first_name="Anna", last_name="de Boer")


@pytest.fixture
def bram():
    return SalesUserFactory(username="bram")


@pytest.fixture
def draft(anna):
    return InteractionLogEntryFactory(
        postponed=True, created_by=anna, description="Offerte nabellen"
    )


def resume_url(entry):
    return reverse("interactions:entry_resume", args=[entry.pk])


def test_the_owner_resumes_her_draft(client, anna, draft):
    client.force_login(anna)

    assert client.get(resume_url(draft)).status_code == 200
    assert "Offerte nabellen" in client.get(LIST).text


def test_resumed_from_the_contact_card_the_breadcrumb_leads_back_to_it(
    client, anna, draft
):
    client.force_login(anna)
    card = draft.contact.get_absolute_url()

    from_card = client.get(f"{resume_url(draft)}?next={card}%3Ftab%3Dtimeline").text
    from_list = client.get(resume_url(draft)).text

    crumbs = from_card.partition('class="breadcrumb"')[2].partition("</ol>")[0]
    assert f'href="{card}"' in crumbs
    assert f'href="{LIST}"' not in crumbs
    crumbs = from_list.partition('class="breadcrumb"')[2].partition("</ol>")[0]
    assert f'href="{LIST}"' in crumbs
    assert f'href="{card}"' not in crumbs


@pytest.mark.parametrize(
    "url",
    [
        lambda entry: resume_url(entry),
        lambda entry: reverse("interactions:entry_detail", args=[entry.pk]),
        lambda entry: reverse("interactions:entry_attachment", args=[entry.pk]),
    ],
    ids=["resume", "detail", "attachment"],
)
def test_another_users_draft_is_not_found(client, bram, draft, url):
    client.force_login(bram)

    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft), {"description": "Overwritten"}).status_code in (
        404,
        405,
    )
    draft.refresh_from_db()
    assert (draft.description, draft.postponed) == ("Offerte nabellen", True)


def test_another_users_draft_is_in_no_list(client, bram, draft):
    client.force_login(bram)

    assert "Offerte nabellen" not in client.get(LIST).text
    card = client.get(draft.contact.get_absolute_url()).text
    assert "Offerte nabellen" not in card


def test_another_users_draft_cannot_be_deleted_by_its_key(client, bram, draft):
    client.force_login(bram)

    client.post(
        reverse("interactions:postponed_bulk"),
        {"action": "delete", "selected": [draft.pk], "confirmed": "1"},
    )

    assert InteractionLogEntry.objects.filter(pk=draft.pk).exists()


def test_the_services_refuse_another_users_draft(bram, draft):
    with pytest.raises(PermissionDenied, match="belongs to someone else"):
        services.resume_interaction(draft, user=bram)
    with pytest.raises(PermissionDenied, match="belongs to someone else"):
        services.postpone_interaction(contact=draft.contact, user=bram, entry=draft)
    with pytest.raises(PermissionDenied, match="Only a CRM admin"):
        services.take_over_postponed(draft, user=bram)
    assert InteractionLogEntry.objects.get(pk=draft.pk).created_by.username == "anna"


def test_a_crm_admin_sees_every_draft_and_is_offered_to_take_it_over(client, draft):
    admin = AdminUserFactory(username="petra")
    client.force_login(admin)

    assert "Offerte nabellen" in client.get(LIST).text
    page = client.get(resume_url(draft))
    assert page.status_code == 200
    assert '<span title="anna">Anna de Boer</span>' in page.text
    assert reverse("interactions:entry_take_over", args=[draft.pk]) in page.text
    # Not the form: finishing it needs the take-over first.
    assert client.post(resume_url(draft), {"description": "X"}).status_code == 403


def test_taking_over_makes_the_draft_the_admins_and_is_audited(client, draft):
    admin = AdminUserFactory(username="petra")
    client.force_login(admin)

    response = client.post(reverse("interactions:entry_take_over", args=[draft.pk]))

    assert response.url == resume_url(draft)
    draft.refresh_from_db()
    assert draft.created_by == admin
    record = AuditRecord.objects.get(action="taken_over")
    assert (record.username, record.object_id, record.details["previous_owner"]) == (
        "petra",
        str(draft.pk),
        "anna",
    )
    assert client.get(resume_url(draft)).context["form"] is not None


def test_taking_over_a_finished_interaction_is_refused(client, draft):
    admin = AdminUserFactory(username="petra")
    InteractionLogEntry.objects.filter(pk=draft.pk).update(postponed=False)
    client.force_login(admin)

    response = client.post(reverse("interactions:entry_take_over", args=[draft.pk]))

    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action="taken_over").exists()


def test_the_postponed_list_query_count_does_not_grow_with_others_drafts(
    client, anna, draft, django_assert_max_num_queries
):
    client.force_login(anna)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    InteractionLogEntryFactory.create_batch(20, postponed=True, created_by=anna)
    InteractionLogEntryFactory.create_batch(20, postponed=True)

    with django_assert_max_num_queries(len(one)):
        response = client.get(LIST)

    assert len(response.context["page_obj"].object_list) == 21


def test_the_postponed_list_searches_her_drafts(client, anna, bram, draft):
    InteractionLogEntryFactory(
        postponed=True, created_by=anna, description="Brochure sturen"
    )
    InteractionLogEntryFactory(
        postponed=True, created_by=bram, description="Offerte maken"
    )
    client.force_login(anna)

    response = client.get(LIST, {"q": "offerte"})

    assert list(response.context["page_obj"].object_list) == [draft]
    assert 'name="q"' in response.content.decode()


def test_a_postponed_list_search_costs_the_same_queries_whatever_it_finds(
    client, anna, draft, django_assert_max_num_queries
):
    client.force_login(anna)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST, {"q": "nabellen"})
    InteractionLogEntryFactory.create_batch(
        20, postponed=True, created_by=anna, description="Nabellen"
    )

    with django_assert_max_num_queries(len(one)):
        response = client.get(LIST, {"q": "nabellen"})

    assert len(response.context["page_obj"].object_list) == 21
