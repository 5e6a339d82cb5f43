import pytest
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import Job
from tests.factories import AdminUserFactory, SalesUserFactory
from web.views import PAGE_SIZE

LIST = reverse("jobs:list")


@pytest.fixture
def queued_only(settings, db):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }


def job_of(user, *, status=Job.Status.QUEUED, **values):
    job = services.start_job("test.count", user=user, params={"to": 30})
    Job.objects.filter(pk=job.pk).update(status=status, **values)
    job.refresh_from_db()
    return job


def test_a_user_sees_only_their_own_jobs(client, queued_only):
    anna, piet = SalesUserFactory(username="anna"), SalesUserFactory(username="piet")
    mine = job_of(anna, progress_total=40, progress_done=10)
    theirs = job_of(piet)
    client.force_login(anna)

    response = client.get(LIST)

    assert response.status_code == 200
    assert list(response.context["object_list"]) == [mine]
    content = response.content.decode()
    assert f'id="job-{mine.pk}"' in content
    assert f'id="job-{theirs.pk}"' not in content
    assert '<progress class="w-100" max="100" value="25"' in content
    assert "25 %" in content
    assert client.get(reverse("jobs:row", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("jobs:cancel", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("jobs:retry", args=[theirs.pk])).status_code == 404


def test_a_crm_admin_sees_everyones_jobs_newest_first(client, queued_only):
    first = job_of(SalesUserFactory(username="anna"))
    second = job_of(SalesUserFactory(username="piet"))
    client.force_login(AdminUserFactory(username="maria"))

    response = client.get(LIST)

    assert list(response.context["object_list"]) == [second, first]
    assert "piet" in response.content.decode()


def test_only_unfinished_rows_poll(sales_client, sales_user, queued_only):
    running = job_of(sales_user, status=Job.Status.RUNNING)
    done = job_of(sales_user, status=Job.Status.DONE, finished_at=timezone.now())

    content = sales_client.get(LIST).content.decode()

    assert f'hx-get="{reverse("jobs:row", args=[running.pk])}"' in content
    assert f'hx-get="{reverse("jobs:row", args=[done.pk])}"' not in content
    assert 'hx-trigger="every 2s"' in content
    assert f'href="{LIST}">Refresh</a>' in content
    assert "http-equiv" not in content


def test_the_polled_row_of_a_finished_job_calls_for_its_toast_once(
    sales_client, sales_user, queued_only
):
    running = job_of(sales_user, status=Job.Status.RUNNING)
    done = job_of(
        sales_user,
        status=Job.Status.DONE,
        finished_at=timezone.now(),
        result={"url": "/segments/logged/", "label": "Logged segment SM00001"},
    )
    htmx = {"HX-Request": "true"}

    polled = sales_client.get(reverse("jobs:row", args=[running.pk]), headers=htmx)
    finished = sales_client.get(reverse("jobs:row", args=[done.pk]), headers=htmx)
    toasts = sales_client.get(reverse("jobs:toasts"), headers=htmx).content.decode()
    again = sales_client.get(reverse("jobs:toasts"), headers=htmx).content.decode()

    assert "HX-Trigger" not in polled
    assert 'hx-trigger="every 2s"' in polled.content.decode()
    assert finished["HX-Trigger"] == "jobFinished"
    assert "hx-trigger" not in finished.content.decode()
    assert "Count is done." in toasts
    assert 'href="/segments/logged/">Logged segment SM00001</a>' in toasts
    assert "toast" not in again


def test_any_page_shows_the_toast_of_a_finished_job_once(
    sales_client, sales_user, queued_only
):
    job_of(sales_user, status=Job.Status.FAILED, finished_at=timezone.now())
    job_of(sales_user, status=Job.Status.RUNNING)

    first = sales_client.get(reverse("home")).content.decode()
    again = sales_client.get(reverse("home")).content.decode()

    assert first.count('class="toast show"') == 1
    assert "Count failed." in first
    assert 'class="toast show"' not in again


def test_cancel_asks_first_then_cancels(sales_client, sales_user, queued_only):
    job = job_of(sales_user)
    url = reverse("jobs:cancel", args=[job.pk])

    confirm = sales_client.get(url)
    assert "Cancel Count?" in confirm.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED

    response = sales_client.post(url, follow=True)

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELED
    assert "The job has been canceled." in response.content.decode()


def test_cancel_of_a_finished_job_says_so(sales_client, sales_user, queued_only):
    job = job_of(sales_user, status=Job.Status.DONE, finished_at=timezone.now())

    response = sales_client.post(reverse("jobs:cancel", args=[job.pk]), follow=True)

    assert "This job has already finished." in response.content.decode()


def test_retry_runs_a_failed_job_again(
    sales_client, sales_user, django_capture_on_commit_callbacks
):
    job = job_of(sales_user, status=Job.Status.FAILED, finished_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = sales_client.post(reverse("jobs:retry", args=[job.pk]), follow=True)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempt == 2
    assert "The job runs again." in response.content.decode()


def test_the_list_shows_the_result_link_and_retry_buttons(
    sales_client, sales_user, queued_only
):
    job_of(
        sales_user,
        status=Job.Status.DONE,
        finished_at=timezone.now(),
        notified_at=timezone.now(),
        result={"url": "/exports/1/", "label": "Download"},
    )
    failed = job_of(sales_user, status=Job.Status.FAILED, notified_at=timezone.now())

    content = sales_client.get(LIST).content.decode()

    assert (
        '<a class="btn btn-sm btn-outline-primary" href="/exports/1/">Download</a>'
        in content
    )
    assert f'action="{reverse("jobs:retry", args=[failed.pk])}"' in content


def test_the_page_in_dutch(sales_client, sales_user, queued_only):
    job_of(sales_user, status=Job.Status.RUNNING)

    content = sales_client.get(LIST, headers={"Accept-Language": "nl"}).content.decode()

    assert "Achtergrondtaken" in content
    assert "Vernieuwen" in content
    assert "Bezig" in content


def test_list_query_count_does_not_grow(
    client, queued_only, django_assert_max_num_queries
):
    admin = AdminUserFactory()
    client.force_login(admin)
    job_of(SalesUserFactory(), status=Job.Status.RUNNING)
    with django_assert_max_num_queries(20) as one:
        client.get(LIST)
    for number in range(30):
        job_of(SalesUserFactory(username=f"user{number}"), status=Job.Status.RUNNING)
    with django_assert_max_num_queries(len(one)):
        response = client.get(LIST)
    assert len(response.context["object_list"]) == PAGE_SIZE


def test_the_page_warns_when_a_job_waits_and_none_runs(
    client, sales_client, sales_user, queued_only
):
    def warning(page_client):
        content = page_client.get(
            LIST, headers={"Accept-Language": "nl"}
        ).content.decode()
        return content.split('<div class="alert alert-warning mt-2 mb-0" role="alert">')

    waiting = job_of(sales_user)
    assert len(warning(sales_client)) == 1  # just queued: the worker may be near
    long_ago = timezone.now() - timezone.timedelta(minutes=3)
    Job.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    shown = warning(sales_client)[1]
    local = timezone.localtime(long_ago)
    since = f"{local.day}-{local.month}-{local.year} {local:%H:%M}"
    assert (
        f"Er lijkt geen achtergrondverwerker te draaien: een taak wacht sinds {since} "
        "en er loopt er geen."
    ) in " ".join(shown.split())
    assert "Vraag de CRM-beheerder de achtergrondverwerker te starten." in shown
    client.force_login(AdminUserFactory())
    assert "de dienst crm-worker op een server" in warning(client)[1]
    # A job running: the worker is busy, not missing.
    job_of(SalesUserFactory(), status=Job.Status.RUNNING)
    assert len(warning(sales_client)) == 1
