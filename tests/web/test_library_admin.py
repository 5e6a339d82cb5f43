"""The admin pages of django-axes and django-tasks-db in Dutch (web/apps.py,
web/admin.py and the catalogue): their app names, models, columns, filters, actions
and fieldsets, which the packages leave in English; and the app list's headers for
screen readers, which Django's Dutch catalogue leaves in English."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import tasks

pytestmark = pytest.mark.django_db

DUTCH = {"HTTP_ACCEPT_LANGUAGE": "nl"}
# What the packages say in English; none of it may be left on a Dutch page.
ENGLISH = [
    "Axes",
    "Access attempt",
    "access attempt",
    "Access failure",
    "access failure",
    "Access log",
    "Attempted Access",
    "Attempt Time",
    "Locked Out",
    "Attempt Remaining",
    "Form Data",
    "Meta Data",
    "Failed Logins",
    "User Agent",
    "Clean up expired attempts",
    "Tasks Database Backend",
    "Task Result",
    "DBTaskResult",
    "Enqueued at",
    "Task name",
    "Task path",
    "Queue name",
    "Run after",
    "Successful",
    # Django's own, the app list's headers for screen readers (every admin page).
    "Model name",
    "Add link",
    "Change or view list link",
]


def text(response):
    """The page as a reader sees it: no markup, scripts or styles."""
    assert response.status_code == 200
    html = re.sub(
        r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def english_on(page):
    return [words for words in ENGLISH if words in page]


@pytest.fixture
def attempt():
    return AccessAttempt.objects.create(
        username="jan",
        ip_address="10.0.0.1",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="username=jan",
        failures_since_start=1,
    )


@pytest.fixture
def task_result(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks.cleanup.enqueue()
    row = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL")
    return row


def test_the_admin_index_names_the_libraries_apps_and_models_in_dutch(admin_client):
    page = text(admin_client.get(reverse("admin:index"), **DUTCH))

    for dutch in (
        "Inlogbeveiliging",
        "Inlogpogingen",
        "Mislukte inlogpogingen",
        "Aanmeldingen",
        "Wachtrij achtergrondtaken",
        "Taakresultaten",
        "Modelnaam",
    ):
        assert dutch in page
    assert english_on(page) == []


def test_the_login_attempts_list_is_dutch(admin_client, attempt):
    page = text(
        admin_client.get(reverse("admin:axes_accessattempt_changelist"), **DUTCH)
    )

    for dutch in (
        "Selecteer inlogpoging om te wijzigen",
        "Tijdstip",
        "IP-adres",
        "Browser (user-agent)",
        "Op Geblokkeerd",  # the list filter
        "Verlopen inlogpogingen opruimen",  # the action
        "nog 4 pogingen",  # the status of a row, with a limit of 5
        "1 inlogpoging",
    ):
        assert dutch in page
    assert english_on(page) == []


def test_the_locked_out_filter_is_dutch(admin_client, attempt):
    AccessAttempt.objects.filter(pk=attempt.pk).update(failures_since_start=5)

    page = text(
        admin_client.get(
            reverse("admin:axes_accessattempt_changelist"),
            {"locked_out": "yes"},
            **DUTCH,
        )
    )

    assert "Geblokkeerd" in page
    assert english_on(page) == []


def test_a_login_attempt_reads_in_dutch(admin_client, attempt):
    page = text(
        admin_client.get(
            reverse("admin:axes_accessattempt_change", args=[attempt.pk]), **DUTCH
        )
    )

    for dutch in (
        "Inlogpoging van jan op",
        "Formuliergegevens",
        "Metagegevens",
        "Mislukte pogingen",
        "POST-gegevens",
        "Verloopdatum inlogpoging",
    ):
        assert dutch in page
    assert english_on(page) == []


@pytest.mark.parametrize(
    ("model", "dutch"),
    [
        (AccessFailureLog, "Mislukte inlogpoging van jan op"),
        (AccessLog, "Aanmelding van jan op"),
    ],
)
def test_failures_and_logins_read_in_dutch(admin_client, model, dutch):
    row = model.objects.create(
        username="jan",
        ip_address="10.0.0.1",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    name = model._meta.model_name

    listed = text(admin_client.get(reverse(f"admin:axes_{name}_changelist"), **DUTCH))
    shown = text(
        admin_client.get(reverse(f"admin:axes_{name}_change", args=[row.pk]), **DUTCH)
    )

    assert "Tijdstip" in listed
    assert dutch in shown
    assert "Metagegevens" in shown
    assert (english_on(listed), english_on(shown)) == ([], [])


@pytest.mark.parametrize("model", [AccessAttempt, AccessFailureLog, AccessLog])
def test_the_path_and_the_long_user_agent_are_the_last_columns(admin_client, model):
    # In the middle it pushed the status and the lock out off a 1280 px screen.
    extra = {"failures_since_start": 1} if model is AccessAttempt else {}
    model.objects.create(username="jan", user_agent="Firefox", **extra)
    url = reverse(f"admin:axes_{model._meta.model_name}_changelist")
    html = admin_client.get(url, **DUTCH).content.decode()

    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', html)

    assert columns[-2:] == ["path_info", "user_agent"]
    assert columns[0] == "attempt_time"


def test_cleaning_up_expired_attempts_removes_them_and_says_how_many(
    admin_client, attempt, settings
):
    # axes' own action failed on every admin request (AttributeError, a 500).
    fresh = AccessAttempt.objects.create(
        username="piet", user_agent="Firefox", failures_since_start=1
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )

    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "cleanup_expired_attempts", "_selected_action": [fresh.pk]},
        follow=True,
        **DUTCH,
    )

    assert "1 verlopen inlogpoging verwijderd." in text(response)
    assert list(AccessAttempt.objects.all()) == [fresh]


def test_the_task_results_list_is_dutch(admin_client, task_result):
    page = text(
        admin_client.get(
            reverse("admin:django_tasks_database_dbtaskresult_changelist"),
            {"status__exact": "SUCCESSFUL"},
            **DUTCH,
        )
    )

    for dutch in (
        "Selecteer taakresultaat om te bekijken",
        "In de wachtrij gezet op",
        "Wachtrij",
        "Geslaagd",
        "1 taakresultaat",
    ):
        assert dutch in page
    assert english_on(page) == []


def test_a_task_result_reads_in_dutch(admin_client, task_result):
    page = text(
        admin_client.get(
            reverse(
                "admin:django_tasks_database_dbtaskresult_change",
                args=[task_result.pk],
            ),
            **DUTCH,
        )
    )

    for dutch in (
        "taakresultaat weergeven",
        "Taak cleanup (",
        "Pad van de taak",
        "Uitvoeren na",
        "Argumenten",
    ):
        assert dutch in page
    assert english_on(page) == []
