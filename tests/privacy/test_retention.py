"""The retention rules, the dry run and the run: every rule, dry run == run,
statistics, batches, stopping, the daily task and the job."""

import datetime
import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from audit.models import AuditAction, AuditRecord
from crm.imports import MediaStorage
from interactions.models import (
    InteractionDailyStatistics,
    InteractionLogEntry,
    InteractionTotalStatistics,
)
from interactions.services import set_canceled
from jobs.models import Job
from jobs.services import attach_file, fail_stale_jobs
from privacy import tasks
from privacy.models import RetentionPolicy, RetentionRun, RetentionSettings
from privacy.services import (
    RETENTION_JOB_KIND,
    apply_retention,
    plan_retention,
    rule_label,
    start_retention,
)
from privacy.services.rules import RULE_LABELS
from tests.factories import (
    AuditRecordFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    JobFactory,
)
from tests.interactions.test_statistics import _daily_reads, assert_statistics_match

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
TODAY = timezone.localdate(NOW)


def _date(months_ago, days=0):
    """A date `months_ago` whole months before TODAY, `days` earlier still."""
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - months_ago, 12)
    return TODAY.replace(year=year, month=month + 1) - datetime.timedelta(days=days)


def _statistics():
    return [
        list(model.objects.order_by("pk").values_list("entries", "cost", "duration"))
        for model in (InteractionDailyStatistics, InteractionTotalStatistics)
    ]


def _counts(lines):
    return {line["key"]: line["count"] for line in lines}


@pytest.fixture
def world():
    """Two groups; group A has templates CALL and LETTER, group B has VISIT."""
    group_a = InteractionGroupFactory(code="A")
    group_b = InteractionGroupFactory(code="B")
    return {
        "A": group_a,
        "B": group_b,
        "CALL": InteractionTemplateFactory(code="CALL", group=group_a),
        "LETTER": InteractionTemplateFactory(code="LETTER", group=group_a),
        "VISIT": InteractionTemplateFactory(code="VISIT", group=group_b),
    }


def _entry(template, date, **values):
    return InteractionLogEntryFactory(
        template=template, date=date, description=f"About Jan {date}", **values
    )


def _terms(**values):
    terms = RetentionSettings.load()
    for name, value in values.items():
        setattr(terms, name, value)
    terms.save()


def test_nothing_is_deleted_until_a_term_is_set(world):
    _entry(world["CALL"], _date(120))
    assert _counts(plan_retention(now=NOW)) == {"job_files": 0, "import_previews": 0}
    run = apply_retention(now=NOW)
    assert run.total == 0
    assert InteractionLogEntry.objects.count() == 1


def test_a_group_policy_deletes_its_old_entries_and_keeps_the_statistics_right(world):
    old = _entry(world["CALL"], _date(12, days=1))
    edge = _entry(world["CALL"], _date(12))  # exactly 12 months: kept
    other_group = _entry(world["VISIT"], _date(24))
    RetentionPolicy.objects.create(group=world["A"], action="delete", months=12)

    run = apply_retention(now=NOW)

    assert not InteractionLogEntry.objects.filter(pk=old.pk).exists()
    assert set(InteractionLogEntry.objects.values_list("pk", flat=True)) == {
        edge.pk,
        other_group.pk,
    }
    assert run.status == RetentionRun.Status.DONE
    assert run.total == 1
    assert_statistics_match()


def test_a_template_policy_overrides_its_groups(world):
    call = _entry(world["CALL"], _date(30))
    letter = _entry(world["LETTER"], _date(30))
    RetentionPolicy.objects.create(group=world["A"], action="delete", months=12)
    RetentionPolicy.objects.create(template=world["CALL"], action="delete", months=36)

    counts = _counts(apply_retention(now=NOW).counts)

    assert InteractionLogEntry.objects.filter(pk=call.pk).exists()
    assert not InteractionLogEntry.objects.filter(pk=letter.pk).exists()
    assert sorted(counts.values()) == [0, 0, 0, 1]


def test_anonymise_clears_the_texts_and_keeps_what_the_entries_count(
    world, media_root, django_capture_on_commit_callbacks
):
    entry = _entry(
        world["VISIT"],
        _date(7),
        subject="Jan",
        cost=Decimal("12.50"),
        attachment=SimpleUploadedFile("jan.pdf", b"%PDF"),
    )
    stored = media_root / entry.attachment.name
    RetentionPolicy.objects.create(group=world["B"], action="anonymise", months=6)

    before = _statistics()
    with django_capture_on_commit_callbacks(execute=True):
        assert apply_retention(now=NOW).total == 1

    # Anonymising changes no figure: both statistics tables are as they were.
    assert _statistics() == before
    entry.refresh_from_db()
    assert (entry.description, entry.subject, entry.attachment.name) == ("", "", "")
    assert entry.cost == Decimal("12.50")
    assert not stored.exists()
    assert_statistics_match()
    # Nothing left to anonymise: the next run neither counts nor touches it.
    assert apply_retention(now=NOW).total == 0


def test_canceled_entries_go_some_days_after_they_were_canceled(world, user):
    entry = _entry(world["CALL"], TODAY)
    set_canceled(InteractionLogEntry.objects.filter(pk=entry.pk), True, user=user)
    InteractionLogEntry.objects.filter(pk=entry.pk).update(
        canceled_at=NOW - datetime.timedelta(days=31)
    )
    recent = _entry(world["CALL"], TODAY, canceled=True, canceled_at=NOW)
    _terms(canceled_days=30)

    assert _counts(plan_retention(now=NOW))["canceled"] == 1
    apply_retention(now=NOW)

    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [recent.pk]
    assert_statistics_match()


def test_a_canceled_entry_taken_by_the_canceled_rule_is_not_counted_twice(world):
    _entry(world["CALL"], _date(30), canceled=True, canceled_at=NOW - _days(400))
    _terms(canceled_days=30)
    RetentionPolicy.objects.create(group=world["A"], action="anonymise", months=12)

    plan = _counts(plan_retention(now=NOW))

    assert plan["canceled"] == 1
    assert sum(plan.values()) == 1
    assert _counts(apply_retention(now=NOW).counts) == plan


def _days(days):
    return datetime.timedelta(days=days)


def test_postponed_drafts_go_after_some_days(world):
    draft = _entry(world["CALL"], TODAY, postponed=True)
    InteractionLogEntry.objects.filter(pk=draft.pk).update(created_at=NOW - _days(15))
    fresh = _entry(world["CALL"], TODAY, postponed=True)
    InteractionLogEntry.objects.filter(pk=fresh.pk).update(created_at=NOW - _days(13))
    _terms(postponed_days=14)

    apply_retention(now=NOW)

    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_audit_records_go_after_some_years():
    old = AuditRecordFactory(at=NOW - _days(3 * 366))
    kept = AuditRecordFactory(at=NOW - _days(2 * 365))
    _terms(audit_years=3)

    run = apply_retention(now=NOW)

    assert not AuditRecord.objects.filter(pk=old.pk).exists()
    assert AuditRecord.objects.filter(pk=kept.pk).exists()
    # The run's own record says what each rule did.
    record = AuditRecord.objects.get(action=AuditAction.RETENTION_APPLIED)
    assert record.count == 1
    assert record.details["counts"]["audit"] == 1
    assert record.object_id == str(run.pk)


def test_job_files_go_some_hours_after_the_job_finished(media_root):
    old = JobFactory(status="done", finished_at=NOW - _days(2))
    attach_file(old, ContentFile(b"a,b"), name="export.csv", keep=_days(30))
    new = JobFactory(status="done", finished_at=NOW - datetime.timedelta(hours=1))
    attach_file(new, ContentFile(b"a,b"), name="export.csv", keep=_days(30))
    stored = media_root / old.file.name
    _terms(file_hours=24)

    assert _counts(plan_retention(now=NOW))["job_files"] == 1
    apply_retention(now=NOW)

    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file
    assert not stored.exists()
    assert new.file


def test_import_previews_go_after_some_hours(media_root):
    waiting = MediaStorage()
    name = waiting._storage.save(
        f"{waiting.MEDIA_FOLDER}/upload.csv", ContentFile(b"x")
    )
    path = media_root / name
    _terms(file_hours=2)
    now = timezone.now()

    assert _counts(plan_retention(now=now))["import_previews"] == 0
    three_hours_ago = (now - datetime.timedelta(hours=3)).timestamp()
    os.utime(path, (three_hours_ago, three_hours_ago))
    assert _counts(plan_retention(now=now))["import_previews"] == 1
    apply_retention(now=now)
    assert not path.exists()


def _rich_world(world, user):
    """Entries for every rule, and some that no rule takes."""
    for months in (1, 7, 13, 25, 40):
        for template in ("CALL", "LETTER", "VISIT"):
            _entry(world[template], _date(months))
    _entry(world["VISIT"], _date(50), canceled=True, canceled_at=NOW - _days(90))
    _entry(world["CALL"], _date(2), canceled=True, canceled_at=NOW - _days(90))
    draft = _entry(world["LETTER"], TODAY, postponed=True)
    InteractionLogEntry.objects.filter(pk=draft.pk).update(created_at=NOW - _days(60))
    AuditRecordFactory(at=NOW - _days(4000))
    RetentionPolicy.objects.create(group=world["A"], action="delete", months=24)
    RetentionPolicy.objects.create(
        template=world["LETTER"], action="anonymise", months=6
    )
    RetentionPolicy.objects.create(group=world["B"], action="anonymise", months=12)
    _terms(canceled_days=30, postponed_days=30, audit_years=10)


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_the_dry_run_counts_exactly_what_the_run_does(world, user, batch_size):
    _rich_world(world, user)
    before = InteractionLogEntry.objects.count()

    plan = _counts(plan_retention(now=NOW))
    run = apply_retention(now=NOW, batch_size=batch_size)

    assert _counts(run.counts) == plan
    assert plan == {
        "postponed": 1,
        "canceled": 2,
        f"policy-{RetentionPolicy.objects.get(template=world['LETTER']).pk}": 4,
        f"policy-{RetentionPolicy.objects.get(group=world['A']).pk}": 2,
        f"policy-{RetentionPolicy.objects.get(group=world['B']).pk}": 3,
        "audit": 1,
        "job_files": 0,
        "import_previews": 0,
    }
    assert InteractionLogEntry.objects.count() == before - 5
    assert_statistics_match()
    # Done is done: the plan after the run is empty.
    assert sum(_counts(plan_retention(now=NOW)).values()) == 0


def test_each_batch_is_reported_and_logged_and_the_run_can_stop(world, user):
    for _n in range(5):
        _entry(world["CALL"], _date(30))
    RetentionPolicy.objects.create(group=world["A"], action="delete", months=12)
    reports = []

    def progress(done, total):
        reports.append((done, total))
        return done < 4

    run = apply_retention(now=NOW, batch_size=2, progress=progress)

    assert reports == [(2, 5), (4, 5)]
    assert run.status == RetentionRun.Status.STOPPED
    assert run.total == 4
    assert RetentionRun.objects.get().total == 4
    assert InteractionLogEntry.objects.count() == 1
    assert_statistics_match()


def test_a_failing_run_is_logged_as_failed(world, monkeypatch):
    _entry(world["CALL"], _date(30))
    RetentionPolicy.objects.create(group=world["A"], action="delete", months=12)

    def broken(entries, **where):
        raise RuntimeError("disk full")

    walk = "privacy.services.retention_entries"
    monkeypatch.setattr(f"{walk}.delete_entries", broken)
    # A group policy that deletes goes by days.
    monkeypatch.setattr(f"{walk}.delete_days_of_groups", broken)
    with pytest.raises(RuntimeError):
        apply_retention(now=NOW)
    run = RetentionRun.objects.get()
    assert run.status == RetentionRun.Status.FAILED
    assert run.message == "disk full"
    assert InteractionLogEntry.objects.count() == 1


def test_the_daily_task_runs_a_job_without_an_owner(
    world, django_capture_on_commit_callbacks
):
    _entry(world["CALL"], _date(30))
    RetentionPolicy.objects.create(group=world["A"], action="delete", months=12)

    with django_capture_on_commit_callbacks(execute=True):
        job_id = tasks.apply_retention.call()

    job = Job.objects.get(pk=job_id)
    assert (job.kind, job.status, job.created_by) == (RETENTION_JOB_KIND, "done", None)
    assert job.progress_done == job.progress_total == 1
    assert InteractionLogEntry.objects.count() == 0
    assert RetentionRun.objects.get().user is None


def test_every_term_of_one_reads_in_the_singular():
    one = {"code": "CALL", "days": 1, "months": 1, "years": 1, "hours": 1}
    with translation.override("nl"):
        labels = [str(rule_label(kind, one)) for kind in RULE_LABELS]
    assert labels == [
        "Uitgestelde interacties ouder dan 1 dag",
        "Geannuleerde posten, meer dan 1 dag geleden geannuleerd",
        "Sjabloon CALL: posten ouder dan 1 maand",
        "Groep CALL: posten ouder dan 1 maand",
        "Auditrecords ouder dan 1 jaar",
        "Bestanden van achtergrondtaken die meer dan 1 uur geleden klaar waren",
        "Uploads die al meer dan 1 uur op een import wachten",
    ]
    assert str(rule_label("template", {**one, "months": 2})) == (
        "Template CALL: entries older than 2 months"
    )


def test_the_daily_run_reports_in_the_sites_language(
    world, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "nl"
    _entry(world["CALL"], _date(30))
    RetentionPolicy.objects.create(group=world["A"], action="delete", months=12)

    # The clock's worker may have any language active; the run has no user's.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        job_id = tasks.apply_retention.call()

    job = Job.objects.get(pk=job_id)
    assert job.params == {"language": "nl"}
    assert (job.message, job.result["label"]) == (
        "1 record verwijderd of geanonimiseerd.",
        "Logboek bewaartermijnen",
    )


def test_a_second_run_is_refused_while_one_is_queued(admin_user_crm):
    JobFactory(kind=RETENTION_JOB_KIND, status="running", created_by=None)
    with pytest.raises(ValidationError, match="already queued or running"):
        start_retention(user=admin_user_crm)
    assert tasks.apply_retention.call() is None


def test_the_daily_task_is_scheduled(settings):
    tasks_scheduled = {
        entry["task"]: entry["every"] for entry in settings.JOBS_SCHEDULE
    }
    assert tasks_scheduled["privacy.tasks.apply_retention"] == 24 * 60 * 60


def test_a_policy_is_for_a_group_or_a_template_not_both(world):
    from privacy.services import save_retention_policy

    with pytest.raises(ValidationError):
        save_retention_policy(
            RetentionPolicy(
                group=world["A"], template=world["CALL"], action="delete", months=3
            ),
            user=None,
        )
    with pytest.raises(ValidationError):
        save_retention_policy(
            RetentionPolicy(group=world["A"], action="delete", months=0), user=None
        )


def test_a_run_whose_worker_died_is_logged_as_failed_in_its_language(world):
    run = RetentionRun.objects.create(started_at=NOW)
    job = JobFactory(
        kind=RETENTION_JOB_KIND,
        status="running",
        started_at=NOW,
        heartbeat_at=NOW,
        params={"language": "nl"},
    )

    with translation.override("en"):
        assert fail_stale_jobs(NOW + datetime.timedelta(hours=1)) == [job]

    run.refresh_from_db()
    assert run.status == RetentionRun.Status.FAILED
    assert run.message == "De worker is gestopt terwijl de run bezig was."


def _daily_rows(group):
    return InteractionDailyStatistics.objects.filter(group=group)


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_days_a_group_policy_empties_leave_the_daily_statistics_whole(
    world, batch_size
):
    # Several days, one of them fuller than a batch of 2 (cut into parts), canceled
    # entries among them; group B's entries of the same days are kept.
    for number, days in enumerate((0, 0, 0, 0, 0, 3, 9)):
        _entry(world["CALL"], _date(30, days=days), canceled=number < 2)
        _entry(world["LETTER"], _date(30, days=days), evaluation="positive")
    kept = _entry(world["VISIT"], _date(30))
    RetentionPolicy.objects.create(group=world["A"], action="delete", months=12)

    with CaptureQueriesContext(connection) as queries:
        run = apply_retention(now=NOW, batch_size=batch_size)

    assert run.total == 14
    # No template has a policy of its own: the policy deletes every counted entry
    # of its days, so the daily table is not asked how many they hold, but for a
    # day cut into parts (smaller batches cannot hold its 10 entries).
    assert bool(_daily_reads(queries.captured_queries)) is (batch_size < 10)
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    # The group's rows went, not just to zero; the other group's stayed.
    assert not _daily_rows(world["A"]).exists()
    assert _daily_rows(world["B"]).get().entries == 1
    assert_statistics_match()


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_days_a_group_policy_empties_partly_keep_the_rest_counted(world, batch_size):
    # LETTER has a longer policy of its own: its entries of the same days stay, so
    # those days are decremented entry by entry, not removed.
    for days in (0, 0, 0, 3):
        _entry(world["CALL"], _date(30, days=days))
    letters = [_entry(world["LETTER"], _date(30, days=days)) for days in (0, 3)]
    only_calls = _entry(world["CALL"], _date(30, days=5))
    RetentionPolicy.objects.create(group=world["A"], action="delete", months=12)
    RetentionPolicy.objects.create(template=world["LETTER"], action="delete", months=36)

    plan = _counts(plan_retention(now=NOW))
    with CaptureQueriesContext(connection) as queries:
        run = apply_retention(now=NOW, batch_size=batch_size)

    assert _counts(run.counts) == plan
    assert run.total == 5
    assert _daily_reads(queries.captured_queries)
    assert set(InteractionLogEntry.objects.values_list("pk", flat=True)) == {
        letter.pk for letter in letters
    }
    day = _daily_rows(world["A"]).filter(date=only_calls.date)
    # A range of days is removed whole only when it keeps nothing: with batches of
    # one day, the day of calls alone; in a range with the letters' days it is
    # decremented to zero.
    assert not day.exists() if batch_size == 1 else not day.filter(entries__gt=0)
    assert sorted(
        _daily_rows(world["A"]).filter(entries__gt=0).values_list("entries", flat=True)
    ) == [1, 1]
    assert_statistics_match()
