"""Create interaction acts once per form (issue 16, finding 9): a second submit of the
same page, a double click, gets the first one's result instead of a second entry."""

import uuid

import pytest
from django.contrib.messages import get_messages

from crm import submissions
from crm.models import FormSubmission
from interactions.models import InteractionLogEntry
from tests.interactions.test_views import CREATE_URL, form_data

pytestmark = pytest.mark.django_db


def tokens_on(page):
    return page.context["submission_token"]


def test_every_rendering_of_the_form_carries_a_new_token(sales_client):
    first, second = sales_client.get(CREATE_URL), sales_client.get(CREATE_URL)

    assert tokens_on(first) != tokens_on(second)
    assert f'name="submission_token" value="{tokens_on(first)}"' in first.text


def test_the_same_form_sent_twice_logs_one_interaction(
    sales_client, contact, template, salesperson
):
    token = str(uuid.uuid4())
    data = form_data(contact, template, salesperson, submission_token=token)

    first = sales_client.post(CREATE_URL, data)
    second = sales_client.post(CREATE_URL, data)

    assert InteractionLogEntry.objects.count() == 1
    assert second.status_code == 302
    assert second.url == first.url
    assert [str(message) for message in get_messages(second.wsgi_request)][-1] == (
        "This form had been sent already; nothing was done twice."
    )


def test_a_second_submit_overtaken_by_the_first_gets_its_result_not_a_warning(
    sales_client, contact, template, salesperson, monkeypatch
):
    # The race the concurrency test hits now and then: the first submit commits
    # right after the second checked the token, so the second finds the first's
    # entry as a possible duplicate. It is the same form: no warning page.
    token = str(uuid.uuid4())
    data = form_data(contact, template, salesperson, submission_token=token)
    first = sales_client.post(CREATE_URL, data)
    checks = []
    check_not_sent = submissions.check_not_sent

    def overtaken(token):
        checks.append(token)
        if len(checks) > 1:  # the first check ran before the first commit
            check_not_sent(token)

    monkeypatch.setattr(submissions, "check_not_sent", overtaken)

    second = sales_client.post(CREATE_URL, data)

    assert second.status_code == 302
    assert second.url == first.url
    assert InteractionLogEntry.objects.count() == 1


def test_a_refused_submit_does_not_use_up_the_token(
    sales_client, contact, template, salesperson
):
    token = str(uuid.uuid4())
    refused = sales_client.post(
        CREATE_URL,
        form_data(contact, template, salesperson, date="", submission_token=token),
    )
    assert refused.status_code == 400
    assert not FormSubmission.objects.exists()

    done = sales_client.post(
        CREATE_URL, form_data(contact, template, salesperson, submission_token=token)
    )

    assert done.status_code == 302
    assert InteractionLogEntry.objects.count() == 1


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_a_form_without_a_token_of_ours_still_logs(
    sales_client, contact, template, salesperson, token
):
    response = sales_client.post(
        CREATE_URL, form_data(contact, template, salesperson, submission_token=token)
    )

    assert response.status_code == 302
    assert InteractionLogEntry.objects.count() == 1
