"""Retention: the rules of the "Bewaartermijnen" page, what the next run would do
(plan_retention, the dry run) and the run itself (apply_retention), batch by batch.

The rules run in a fixed order and each one's selection leaves out what an earlier
one takes, so an entry is dealt with once and the dry run counts exactly what the
run will do (at the same `now`):

1. postponed interactions created more than N days ago: deleted;
2. canceled entries canceled more than N days ago: deleted;
3. each template's policy: its entries dated more than N months ago;
4. each group's policy: likewise, for the entries of templates without a policy;
5. audit records older than N years: deleted;
6. files of finished jobs and waiting import uploads older than N hours: deleted.

Entries go through the interactions services (delete_entries, anonymise_entries,
and for the group policies that delete, delete_days_of_groups range of days by
range of days, all those groups together), so the statistics tables lose exactly
the deleted entries and keep anonymised ones.
"""

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType, AuditRecord
from audit.services import record_audit
from crm.imports import remove_stale_import_previews, stale_import_previews
from interactions.models import InteractionLogEntry
from interactions.services.anonymise import CLEARED
from jobs.models import UNFINISHED, Job
from jobs.services import expired_files, remove_expired_files, start_job
from privacy.models import (
    RetentionAction,
    RetentionPolicy,
    RetentionRun,
    RetentionSettings,
)
from privacy.services.retention_entries import apply_entry_rules, entry_counts
from privacy.services.rules import policy_rule, rule_label

# The job kind of a run (registered in privacy.apps).
RETENTION_JOB_KIND = "privacy.apply_retention"
# Rows per batch, each batch its own transaction: a few seconds of work at most.
BATCH_SIZE = 5000
# Entries per range of days of the group policies that delete, one transaction
# each (about 0.2-0.4 s at a million entries, the statistics locked meanwhile):
# deleting whole days costs little per entry, but where a day's entries lie
# scattered over the table every range reads most of its pages, so fewer, larger
# ranges (bench/scenarios/retention.py: in ranges of 100,000 a run took 1.6x as
# long on entries scattered over the table, 1.1x on entries in date order).
DAYS_BATCH_SIZE = 250_000

# What a rule counts.
ENTRIES = "entries"
AUDIT_RECORDS = "audit_records"
FILES = "files"


@dataclasses.dataclass
class Rule:
    """One line of the plan: what it selects, and how it counts and applies."""

    key: str
    kind: str
    params: dict
    action: str
    unit: str
    count: Callable[[], int]
    # Entry rules: their entries (a queryset) and the Q that selects them; all entry
    # rules share one walk of the table.
    entries: object = None
    where: Q | None = None
    # A group policy that deletes: the group's key. Its entries are walked by days
    # (with the other such policies') and the days it empties leave the daily
    # statistics in one statement.
    by_days: int | None = None
    # …and its cutoff: its entries are the group's logged ones dated before it,
    # but for some (a template's own policy, canceled ones taken earlier).
    before: object = None
    # …and whether they are every counted one of those (no template has a policy
    # of its own): the days it empties need no count of the daily table then.
    every_counted: bool = False
    # Other rules: apply(batch_size, after_batch, progress) -> how many, where
    # after_batch(n) is called inside each batch's transaction with its number and
    # progress(examined, changed so far) after it.
    apply: Callable[..., int] | None = None

    @property
    def label(self):
        return rule_label(self.kind, self.params)

    def as_dict(self, count):
        return {
            "key": self.key,
            "kind": self.kind,
            "params": self.params,
            "label": str(self.label),
            "action": self.action,
            "unit": self.unit,
            "count": count,
        }


def _entry_rule(key, kind, params, action, where, **walk):
    """A rule that deletes or anonymises the entries `where` (a Q) selects;
    `walk`: Rule's fields of a group policy that deletes."""
    entries = InteractionLogEntry.objects.filter(where)
    return Rule(
        key,
        kind,
        params,
        action,
        ENTRIES,
        entries.count,
        entries=entries,
        where=where,
        **walk,
    )


def _not_anonymised():
    # An entry with all its texts blank has nothing left to anonymise: a second run
    # neither counts nor touches it.
    return ~Q(**CLEARED)


def policy_entries(policy, *, today, own=(), taken=None):
    """The logged entries `policy` applies to on `today`, as a Q: of its template
    or group (a group's leaves out `own`, the keys of the templates with a policy of
    their own), dated before today minus its months, and not in `taken` (a Q of
    earlier rules)."""
    cutoff = today - relativedelta(months=policy.months)
    where = Q(postponed=False, date__lt=cutoff)
    if policy.template_id is not None:
        where &= Q(template_id=policy.template_id)
    else:
        where &= Q(group_id=policy.group_id)
        # Written out, not a subquery: with none, the counts by day read only an
        # index of the entries (group, canceled, date, postponed).
        if own:
            where &= ~Q(template_id__in=own)
    if taken is not None:
        where &= ~taken
    if policy.action == RetentionAction.ANONYMISE:
        where &= _not_anonymised()
    return where


def retention_rules(*, now=None):
    """The rules in force at `now`, in the order a run applies them; a term left
    blank gives no rule."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    terms = RetentionSettings.load()
    rules = []
    if terms.postponed_days:
        drafts = Q(
            postponed=True, created_at__lt=now - timedelta(days=terms.postponed_days)
        )
        rules.append(
            _entry_rule(
                "postponed",
                "postponed",
                {"days": terms.postponed_days},
                RetentionAction.DELETE,
                drafts,
            )
        )
    taken = None
    if terms.canceled_days:
        cutoff = now - timedelta(days=terms.canceled_days)
        # Entries canceled before the cancel time was recorded count from creation.
        taken = Q(canceled=True) & (
            Q(canceled_at__lt=cutoff)
            | Q(canceled_at__isnull=True, created_at__lt=cutoff)
        )
        canceled = taken & Q(postponed=False)
        rules.append(
            _entry_rule(
                "canceled",
                "canceled",
                {"days": terms.canceled_days},
                RetentionAction.DELETE,
                canceled,
            )
        )
    policies = RetentionPolicy.objects.select_related("group", "template").order_by(
        "template__code", "group__code"
    )
    own = [policy.template_id for policy in policies if policy.template_id is not None]
    # Template policies first: theirs is the more specific rule.
    for policy in sorted(policies, key=lambda policy: policy.template_id is None):
        key, kind, params = policy_rule(policy)
        rules.append(
            _entry_rule(
                key,
                kind,
                params,
                policy.action,
                policy_entries(policy, today=today, own=own, taken=taken),
                by_days=(
                    policy.group_id
                    if kind == "group" and policy.action == RetentionAction.DELETE
                    else None
                ),
                before=today - relativedelta(months=policy.months),
                # Canceled entries taken earlier do not count in the daily table.
                every_counted=not own,
            )
        )
    if terms.audit_years:
        cutoff = now - relativedelta(years=terms.audit_years)
        records = AuditRecord.objects.filter(at__lt=cutoff)
        rules.append(
            Rule(
                "audit",
                "audit",
                {"years": terms.audit_years},
                RetentionAction.DELETE,
                AUDIT_RECORDS,
                records.count,
                apply=partial_rows(records),
            )
        )
    age = timedelta(hours=terms.file_hours)
    rules.append(
        Rule(
            "job_files",
            "job_files",
            {"hours": terms.file_hours},
            RetentionAction.DELETE,
            FILES,
            lambda: expired_files(now, finished_before=now - age).count(),
            apply=lambda batch_size, after_batch, progress: _counted(
                after_batch, remove_expired_files(now, finished_before=now - age)
            ),
        )
    )
    rules.append(
        Rule(
            "import_previews",
            "import_previews",
            {"hours": terms.file_hours},
            RetentionAction.DELETE,
            FILES,
            lambda: len(stale_import_previews(age)),
            apply=lambda batch_size, after_batch, progress: _counted(
                after_batch, remove_stale_import_previews(age)
            ),
        )
    )
    return rules


def _counted(after_batch, count):
    with transaction.atomic():
        after_batch(count)
    return count


def partial_rows(rows):
    """The apply of a rule deleting `rows` (a queryset without delete signals)
    batch by batch, oldest first, each batch its own transaction."""

    def apply(batch_size, after_batch, progress):
        deleted = 0
        keys = rows.order_by("pk").values_list("pk", flat=True)
        while batch := list(keys[:batch_size]):
            with transaction.atomic():
                count, _per_model = rows.filter(pk__in=batch).delete()
                after_batch(count)
            deleted += count
            if progress is not None and progress(len(batch), deleted) is False:
                break
        return deleted

    return apply


def rule_counts(rules, *, by_day=False):
    """How many records each of `rules` selects now: the entry rules' in one
    statement (one read of the entry table, not one per rule: entry_counts), the
    others each by its own count. With `by_day`, (the counts, the days the group
    policies that delete walk) from that same statement."""
    counted, days = entry_counts(rules, by_day=by_day)
    counts = [
        counted[index] if rule.where is not None else rule.count()
        for index, rule in enumerate(rules)
    ]
    return (counts, days) if by_day else counts


def plan_retention(*, now=None):
    """What a run at `now` would do: one dict per rule (key, kind, params, label,
    action, count), in the order the run applies them. Reads only."""
    rules = retention_rules(now=now)
    return [
        rule.as_dict(count)
        for rule, count in zip(rules, rule_counts(rules), strict=True)
    ]


class Stop(Exception):
    """A progress callback asked the run to stop between batches."""


def apply_retention(*, user=None, now=None, batch_size=None, progress=None):
    """Apply the retention rules at `now`, batch by batch (each batch its own
    transaction, with its count added to the run's log in that same transaction);
    returns the RetentionRun with the counts per rule.

    `progress(done, total)` is called after each batch with the rows dealt with so
    far and the dry run's total; when it returns False the run stops there and is
    logged as stopped. `user` is None for the daily job.
    """
    now = now or timezone.now()
    rules = retention_rules(now=now)
    planned, days = rule_counts(rules, by_day=True)
    total = sum(planned)
    run = RetentionRun.objects.create(
        started_at=timezone.now(),
        user=user if user is not None and user.is_authenticated else None,
        counts=[rule.as_dict(0) for rule in rules],
    )
    done = 0

    def after_batch(index, count):
        # Inside the batch's transaction: the log holds exactly what was committed.
        run.counts[index]["count"] += count
        run.total += count
        RetentionRun.objects.filter(pk=run.pk).update(
            counts=run.counts, total=run.total
        )

    def report(changed):
        nonlocal done
        done = changed
        if progress is not None and progress(done, total) is False:
            raise Stop

    try:
        done = apply_entry_rules(
            rules,
            planned,
            days,
            (batch_size or BATCH_SIZE, batch_size or DAYS_BATCH_SIZE),
            after_batch,
            report,
        )
        for index, rule in enumerate(rules):
            if rule.apply is None:
                continue
            base = done
            changed = rule.apply(
                batch_size or BATCH_SIZE,
                partial(after_batch, index),
                lambda examined, changed, base=base: report(base + changed),
            )
            # Rules that are no batch walk (files) report once they are done.
            report(base + changed)
    except Stop:
        _finish(run, RetentionRun.Status.STOPPED, user=user)
        return run
    except Exception as error:
        _finish(run, RetentionRun.Status.FAILED, user=user, message=str(error))
        raise
    _finish(run, RetentionRun.Status.DONE, user=user)
    return run


@transaction.atomic
def _finish(run, status, *, user, message=""):
    run.status = status
    run.finished_at = timezone.now()
    run.message = message[:2000]
    RetentionRun.objects.filter(pk=run.pk).update(
        status=status, finished_at=run.finished_at, message=run.message
    )
    # One record per run: what each rule did (the log has the same, this one stays
    # as long as the audit trail does).
    record_audit(
        action=AuditAction.RETENTION_APPLIED,
        user=user,
        object_type=AuditObjectType.RETENTION,
        object_id=run.pk,
        count=run.total,
        details={"counts": {line["key"]: line["count"] for line in run.counts}},
    )


@transaction.atomic
def start_retention(*, user):
    """Start a run as a background job (the "Run now" button, and the daily task
    with `user` None); refused while a run is queued or running. The job keeps the
    active language (the site's for the daily run): the worker reports the run's
    progress and result in the words of whoever started it."""
    if Job.objects.filter(kind=RETENTION_JOB_KIND, status__in=UNFINISHED).exists():
        raise ValidationError(
            _("A retention run is already queued or running."), code="running"
        )
    language = settings.LANGUAGE_CODE
    if user is not None:
        language = translation.get_language() or language
    return start_job(RETENTION_JOB_KIND, user=user, params={"language": language})


@transaction.atomic
def save_retention_policy(policy, *, user):
    """Save a retention policy (new or changed) after checking it; returns it."""
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def delete_retention_policy(policy, *, user):
    """Remove a retention policy: the entries it covered are kept from now on."""
    policy.delete()


@transaction.atomic
def save_retention_settings(terms, *, user):
    """Save the other retention terms (the singleton row)."""
    terms.pk = 1
    terms.full_clean()
    terms.save()
    return terms
