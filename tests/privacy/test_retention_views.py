"""The retention pages: who may open them, the terms and policies forms (bad input
is a 400 with the message), the dry run, "Run now" and the run log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from interactions.models import InteractionLogEntry
from jobs.models import Job
from privacy.models import RetentionPolicy, RetentionRun, RetentionSettings
from privacy.services import RETENTION_JOB_KIND, apply_retention
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    JobFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    ("privacy:retention", {}),
    ("privacy:retention_policy_create", {}),
    ("privacy:retention_plan", {}),
    ("privacy:retention_runs", {}),
]


def _old_entries(template, count, months=30):
    day = timezone.localdate() - datetime.timedelta(days=31 * months)
    return [
        InteractionLogEntryFactory(template=template, date=day) for _n in range(count)
    ]


@pytest.fixture
def template():
    return InteractionTemplateFactory(
        code="CALL", group=InteractionGroupFactory(code="PHONE")
    )


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_sales_users_may_not_open_the_retention_pages(sales_client, name, kwargs):
    assert sales_client.get(reverse(name, kwargs=kwargs)).status_code == 403


def test_sales_users_may_not_start_a_run(sales_client):
    assert sales_client.post(reverse("privacy:retention_run")).status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_crm_admins_open_the_retention_pages(crm_admin_client, name, kwargs):
    assert crm_admin_client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_marketing_setup_links_to_the_retention_page(crm_admin_client):
    page = crm_admin_client.get(reverse("crm:marketing_setup")).content.decode()
    assert reverse("privacy:retention") in page


def test_saving_the_terms(crm_admin_client):
    response = crm_admin_client.post(
        reverse("privacy:retention"),
        {
            "canceled_days": "30",
            "postponed_days": "",
            "audit_years": "7",
            "file_hours": "12",
        },
    )
    assert response.status_code == 302
    terms = RetentionSettings.load()
    assert (terms.canceled_days, terms.postponed_days, terms.audit_years) == (
        30,
        None,
        7,
    )
    assert terms.file_hours == 12


@pytest.mark.parametrize(
    "values",
    [
        {"canceled_days": "0", "file_hours": "24"},
        {"canceled_days": "-3", "file_hours": "24"},
        {"audit_years": "abc", "file_hours": "24"},
        {"audit_years": "101", "file_hours": "24"},
        {"file_hours": ""},
        {"file_hours": "9" * 30},
    ],
)
def test_bad_terms_are_a_400_with_the_message(crm_admin_client, values):
    response = crm_admin_client.post(reverse("privacy:retention"), values)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not RetentionSettings.objects.exists()


def test_creating_changing_and_deleting_a_policy(crm_admin_client, template):
    response = crm_admin_client.post(
        reverse("privacy:retention_policy_create"),
        {"template": template.pk, "action": "anonymise", "months": "18"},
    )
    assert response.status_code == 302
    policy = RetentionPolicy.objects.get()
    assert (policy.template, policy.action, policy.months) == (
        template,
        "anonymise",
        18,
    )

    url = reverse("privacy:retention_policy_update", args=[policy.pk])
    crm_admin_client.post(
        url, {"template": template.pk, "action": "delete", "months": "24"}
    )
    policy.refresh_from_db()
    assert (policy.action, policy.months) == ("delete", 24)

    delete = reverse("privacy:retention_policy_delete", args=[policy.pk])
    assert (
        b"Delete the retention policy of CALL" in crm_admin_client.get(delete).content
    )
    assert crm_admin_client.post(delete).status_code == 302
    assert not RetentionPolicy.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"action": "delete", "months": "3"}, "Choose either"),
        (
            {"group": "PHONE", "template": "CALL", "action": "delete", "months": "3"},
            "Choose either",
        ),
        ({"group": "PHONE", "action": "burn", "months": "3"}, "valid choice"),
        ({"group": "PHONE", "action": "delete", "months": "0"}, "equal to 1."),
        ({"group": "PHONE", "action": "delete", "months": "-5"}, "cannot be negative"),
        ({"group": "PHONE", "action": "delete", "months": "x" * 5000}, "whole number"),
        ({"group": "99999", "action": "delete", "months": "3"}, "valid choice"),
    ],
)
def test_a_bad_policy_is_a_400_with_the_message(
    crm_admin_client, template, values, message
):
    keys = {"PHONE": template.group.pk, "CALL": template.pk}
    data = {name: keys.get(value, value) for name, value in values.items()}
    response = crm_admin_client.post(reverse("privacy:retention_policy_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    # One message, in words: not a second one naming the database constraint.
    assert len(response.context["form"].errors.as_data()) == 1
    assert sum(map(len, response.context["form"].errors.values())) == 1
    assert "retentionpolicy_" not in response.content.decode()
    assert not RetentionPolicy.objects.exists()


def test_the_months_field_starts_at_one(crm_admin_client):
    page = crm_admin_client.get(reverse("privacy:retention_policy_create"))
    months = page.context["form"]["months"]
    assert months.field.min_value == 1
    # Typed as text and read by the server: "1.200" in Dutch is 1200 months.
    assert 'inputmode="numeric"' in str(months)


def test_a_second_policy_for_the_same_group_is_refused(crm_admin_client, template):
    RetentionPolicy.objects.create(group=template.group, action="delete", months=12)
    response = crm_admin_client.post(
        reverse("privacy:retention_policy_create"),
        {"group": template.group.pk, "action": "anonymise", "months": "3"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "group": ["Interaction group PHONE Phone group already has a retention policy."]
    }
    assert RetentionPolicy.objects.count() == 1


def test_an_unknown_policy_is_a_404(crm_admin_client):
    url = reverse("privacy:retention_policy_update", args=[4242])
    assert crm_admin_client.get(url).status_code == 404


def test_the_dry_run_shows_the_counts_and_changes_nothing(crm_admin_client, template):
    _old_entries(template, 3)
    RetentionPolicy.objects.create(group=template.group, action="delete", months=12)

    response = crm_admin_client.get(reverse("privacy:retention_plan"))

    page = response.content.decode()
    assert "Group PHONE: entries older than 12 months" in page
    assert response.context["total"] == 3
    assert InteractionLogEntry.objects.count() == 3
    assert not RetentionRun.objects.exists()


def test_run_now_starts_the_job_and_the_log_shows_the_run(
    crm_admin_client, admin_user_crm, template, django_capture_on_commit_callbacks
):
    _old_entries(template, 2)
    RetentionPolicy.objects.create(group=template.group, action="delete", months=12)

    with django_capture_on_commit_callbacks(execute=True):
        response = crm_admin_client.post(reverse("privacy:retention_run"))

    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == f"{reverse('jobs:list')}#job-{job.pk}"
    assert (job.kind, job.status, job.created_by) == (
        RETENTION_JOB_KIND,
        "done",
        admin_user_crm,
    )
    assert not InteractionLogEntry.objects.exists()
    log = crm_admin_client.get(reverse("privacy:retention_runs")).content.decode()
    assert "Group PHONE: entries older than 12 months: deleted 2" in log


def test_a_run_started_in_dutch_reports_in_dutch_whatever_the_worker_speaks(
    crm_admin_client, template, django_capture_on_commit_callbacks
):
    _old_entries(template, 2)
    RetentionPolicy.objects.create(group=template.group, action="delete", months=12)

    with django_capture_on_commit_callbacks() as callbacks:
        crm_admin_client.post(
            reverse("privacy:retention_run"), HTTP_ACCEPT_LANGUAGE="nl"
        )
    # The worker runs the job in no user's language.
    with translation.override("en"):
        for callback in callbacks:
            callback()

    job = Job.objects.get()
    assert job.status == "done"
    assert (job.message, job.result["label"]) == (
        "2 records verwijderd of geanonimiseerd.",
        "Logboek bewaartermijnen",
    )


def test_run_now_is_refused_while_a_run_is_going_on(crm_admin_client):
    JobFactory(kind=RETENTION_JOB_KIND, status="queued")
    response = crm_admin_client.post(reverse("privacy:retention_run"), follow=True)
    assert "A retention run is already queued or running." in response.content.decode()
    assert Job.objects.count() == 1


def test_run_now_takes_no_get(crm_admin_client):
    assert crm_admin_client.get(reverse("privacy:retention_run")).status_code == 405


def test_the_pages_in_dutch(crm_admin_client, template):
    RetentionPolicy.objects.create(group=template.group, action="delete", months=12)
    crm_admin_client.cookies["django_language"] = "nl"
    page = crm_admin_client.get(
        reverse("privacy:retention"), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "Bewaartermijnen" in page
    plan = crm_admin_client.get(
        reverse("privacy:retention_plan"), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "Nu uitvoeren" in plan
    assert "Groep PHONE: posten ouder dan 12 maanden" in plan


def test_a_term_of_one_reads_in_the_singular_in_dutch(crm_admin_client, template):
    RetentionPolicy.objects.create(group=template.group, action="delete", months=1)
    RetentionPolicy.objects.create(template=template, action="anonymise", months=1)
    _old_entries(template, 1)
    apply_retention()
    crm_admin_client.cookies["django_language"] = "nl"

    plan, runs, terms = (
        crm_admin_client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        for name in (
            "privacy:retention_plan",
            "privacy:retention_runs",
            "privacy:retention",
        )
    )

    for page in (plan, runs):
        assert "Sjabloon CALL: posten ouder dan 1 maand" in page
        assert "Groep PHONE: posten ouder dan 1 maand" in page
        assert "1 maanden" not in page
    assert "geanonimiseerd 1" in runs
    assert ", Gereed, 1 record." in terms


def _runs(count):
    for _n in range(count):
        apply_retention()


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("privacy:retention", "policies"),
        ("privacy:retention_plan", "policies"),
        ("privacy:retention_runs", "runs"),
    ],
)
def test_the_pages_do_not_query_per_row(
    crm_admin_client, django_assert_max_num_queries, name, build
):
    def grow(count):
        if build == "runs":
            _runs(count)
            return
        for _n in range(count):
            template = InteractionTemplateFactory()
            RetentionPolicy.objects.create(template=template, action="delete", months=6)
            RetentionPolicy.objects.create(
                group=InteractionGroupFactory(), action="anonymise", months=12
            )

    url = reverse(name)
    grow(1)
    crm_admin_client.get(url)  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        crm_admin_client.get(url)
    grow(20)
    # The dry run counts per rule: one query per policy is what it reports, so it
    # may grow by exactly one count per policy added, nothing else.
    extra = 40 if name == "privacy:retention_plan" else 0
    with django_assert_max_num_queries(len(one) + extra):
        assert crm_admin_client.get(url).status_code == 200


def test_the_jobs_page_shows_the_daily_run_as_the_systems(crm_admin_client):
    JobFactory(kind=RETENTION_JOB_KIND, status="done", created_by=None)
    page = crm_admin_client.get(reverse("jobs:list")).content.decode()
    assert "Apply retention rules" in page
    assert "System" in page
