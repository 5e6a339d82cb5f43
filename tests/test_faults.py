"""Atomicity under faults: an error in the middle of a bulk service leaves every row
of every CRM table, the number series counters included, and the stored files as
they were.

Faults strike after the service's first write: a trigger that raises on the nth row
a statement touches, a connection that drops once a chosen statement has run, a
function the service calls late that raises, and (PostgreSQL) a lock timeout.
Transactional tests, so the service's own transaction really commits or rolls back.
"""

import contextlib
import datetime
import re
import threading
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import (
    DatabaseError,
    OperationalError,
    connection,
    connections,
    transaction,
)

from audit.models import AuditRecord
from interactions import services as interaction_services
from interactions.models import InteractionLogEntry
from interactions.services import cleanup as interaction_cleanup
from segments import services
from segments.models import LoggedSegment
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.date(2026, 3, 15)
ENTRIES_FILE = "attachments/2026/03/entries-only.pdf"


def quote(name):
    return connection.ops.quote_name(name)


def snapshot():
    """Every row, all columns, of every table of the CRM apps (the audit trail
    included, as before it moved out of crm), in key order."""
    tables = {}
    with connection.cursor() as cursor:
        for label in ("audit", "crm", "interactions", "segments"):
            for model in apps.get_app_config(label).get_models(
                include_auto_created=True
            ):
                table = model._meta.db_table
                # A composite key (segments.SegmentHistory) orders by its columns.
                key = ", ".join(quote(field.column) for field in model._meta.pk_fields)
                cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {key}")
                tables[table] = cursor.fetchall()
    return tables


@pytest.fixture
def fail_on_row():
    """`fail_on_row(model, "INSERT"|"UPDATE"|"DELETE", nth)` installs a trigger that
    raises "injected fault at row <nth>" when a statement reaches its nth row."""
    postgresql = connection.vendor == "postgresql"
    tables = []

    def install(model, event, nth):
        assert not tables, "one fault per test"
        table = quote(model._meta.db_table)
        with connection.cursor() as cursor:
            # The counter is a table so the fault's rollback also resets it.
            cursor.execute("CREATE TABLE fault_rows (n integer NOT NULL)")
            cursor.execute("INSERT INTO fault_rows VALUES (0)")
            if postgresql:
                cursor.execute(
                    "CREATE FUNCTION fault_on_nth_row() RETURNS trigger "
                    "LANGUAGE plpgsql AS $$ DECLARE seen integer; BEGIN "
                    "UPDATE fault_rows SET n = n + 1 RETURNING n INTO seen; "
                    f"IF seen >= {nth:d} THEN "
                    f"RAISE EXCEPTION 'injected fault at row {nth:d}'; END IF; "
                    "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
                )
                cursor.execute(
                    f"CREATE TRIGGER fault_on_nth_row BEFORE {event} ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION fault_on_nth_row()"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER fault_on_nth_row BEFORE {event} ON {table} "
                    "FOR EACH ROW BEGIN UPDATE fault_rows SET n = n + 1; "
                    f"SELECT RAISE(ABORT, 'injected fault at row {nth:d}') "
                    f"WHERE (SELECT n FROM fault_rows) >= {nth:d}; END"
                )
        tables.append(table)

    yield install
    # Before the transactional test's flush, which must not fire the trigger.
    with connection.cursor() as cursor:
        for table in tables:
            if postgresql:
                cursor.execute(f"DROP TRIGGER fault_on_nth_row ON {table}")
                cursor.execute("DROP FUNCTION fault_on_nth_row()")
            else:
                cursor.execute("DROP TRIGGER fault_on_nth_row")
            cursor.execute("DROP TABLE fault_rows")


@contextlib.contextmanager
def connection_lost_after(pattern):
    """Once a statement matching the regex `pattern` has run, raise as a dropped
    connection would. Yields the SQL of the statements that ran."""
    ran = []

    def lose_connection(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        ran.append(sql)
        if re.search(pattern, sql):
            raise OperationalError("server closed the connection unexpectedly")
        return result

    with connection.execute_wrapper(lose_connection):
        yield ran


def statements_writing(ran, table):
    return [
        sql
        for sql in ran
        if re.match(rf"(INSERT INTO|UPDATE|DELETE FROM) {table}", sql)
    ]


# Data, set up through the services


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = tmp_path / ENTRIES_FILE
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"%PDF")
    return tmp_path


@pytest.fixture
def template():
    return InteractionTemplateFactory(
        code="LETTER",
        group=InteractionGroupFactory(code="LETTERS"),
        description="Letter sent",
        unit_cost=Decimal("12.50"),
        unit_duration=20,
        attachment="attachments/2026/03/letter.pdf",
    )


@pytest.fixture
def segment(marketing_setup, template):
    """SM00001 with five lines; the header's file reaches them (and their entries)."""
    segment = services.create_segment(
        user=None,
        description="Spring mailing",
        template=template,
        salesperson=SalespersonFactory(code="ANNA"),
        date=DAY,
    )
    segment = services.update_header(
        segment, user=None, update_lines=False, attachment=ENTRIES_FILE
    )
    services.add_contacts(segment, PersonFactory.create_batch(5), user=None)
    return segment


@pytest.fixture
def entries(segment, template):
    """Fifty logged entries of two logged segments: SM00001 (5) and SM00002 (45)."""
    services.log_segment(segment, user=None)
    second = services.create_segment(
        user=None,
        description="Summer mailing",
        template=template,
        salesperson=segment.salesperson,
        date=DAY,
    )
    services.add_contacts(second, PersonFactory.create_batch(45), user=None)
    services.log_segment(second, user=None)
    assert InteractionLogEntry.objects.count() == 50
    return InteractionLogEntry.objects.order_by("entry_no")


@pytest.fixture
def canceled(entries):
    """The fifty entries, all canceled."""
    interaction_services.set_canceled(entries, True, user=None)
    return entries


# log_segment


def test_log_segment_failing_on_the_third_entry_leaves_everything_as_before(
    segment, fail_on_row
):
    fail_on_row(InteractionLogEntry, "INSERT", 3)
    before = snapshot()

    with pytest.raises(DatabaseError, match="injected fault at row 3"):
        services.log_segment(segment, user=None, create_follow_up=True)

    assert snapshot() == before


def test_log_segment_losing_the_connection_after_deleting_the_segment_writes_nothing(
    segment,
):
    before = snapshot()

    with (
        connection_lost_after(r"^DELETE FROM \"segments_segment\"") as ran,
        pytest.raises(OperationalError, match="server closed the connection"),
    ):
        services.log_segment(segment, user=None)

    # The logged segment, its five entries and the lines were written by then.
    assert len(statements_writing(ran, '"segments_loggedsegment"')) == 1
    assert len(statements_writing(ran, '"interactions_interactionlogentry"')) == 1
    assert len(statements_writing(ran, '"segments_segmentline"')) == 1
    assert snapshot() == before


def test_log_segment_failing_after_the_follow_up_lines_returns_the_number(
    segment, monkeypatch
):
    real_add_contacts = services.add_contacts
    added = []

    def add_then_fail(*args, **kwargs):
        added.append(real_add_contacts(*args, **kwargs))
        raise RuntimeError("injected fault after the follow-up lines")

    monkeypatch.setattr(services.log, "add_contacts", add_then_fail)
    before = snapshot()

    with pytest.raises(RuntimeError, match="injected fault"):
        services.log_segment(segment, user=None, create_follow_up=True)

    assert added == [5]  # the follow-up SM00002 had its lines when it failed
    assert snapshot() == before
    assert services.create_segment(user=None, description="Next").no == "SM00002"


# add_contacts


def test_add_contacts_failing_on_the_third_line_adds_none(segment, fail_on_row):
    contacts = PersonFactory.create_batch(5)
    fail_on_row(segment.lines.model, "INSERT", 3)
    before = snapshot()

    with pytest.raises(DatabaseError, match="injected fault at row 3"):
        services.add_contacts(segment, contacts, user=None)

    assert snapshot() == before
    assert segment.lines.count() == 5


def test_add_contacts_losing_the_connection_after_the_insert_adds_none(segment):
    contacts = PersonFactory.create_batch(5)
    before = snapshot()

    with (
        connection_lost_after(r"^INSERT INTO \"segments_segmentline\"") as ran,
        pytest.raises(OperationalError),
    ):
        services.add_contacts(segment, contacts, user=None)

    assert len(statements_writing(ran, '"segments_segmentline"')) == 1
    assert snapshot() == before


# set_canceled


def test_set_canceled_failing_on_the_thirtieth_row_cancels_none(entries, fail_on_row):
    fail_on_row(InteractionLogEntry, "UPDATE", 30)
    before = snapshot()

    with pytest.raises(DatabaseError, match="injected fault at row 30"):
        interaction_services.set_canceled(entries, True, user=None)

    assert snapshot() == before
    assert not InteractionLogEntry.objects.filter(canceled=True).exists()


def test_uncanceling_failing_on_the_thirtieth_row_keeps_every_mark(
    canceled, fail_on_row
):
    fail_on_row(InteractionLogEntry, "UPDATE", 30)
    before = snapshot()

    with pytest.raises(DatabaseError, match="injected fault at row 30"):
        interaction_services.set_canceled(canceled, False, user=None)

    assert snapshot() == before


def test_set_canceled_losing_the_connection_after_the_update_cancels_none(entries):
    before = snapshot()

    with (
        connection_lost_after(r"^UPDATE \"interactions_interactionlogentry\"") as ran,
        pytest.raises(OperationalError),
    ):
        interaction_services.set_canceled(entries, True, user=None)

    assert len(statements_writing(ran, '"interactions_interactionlogentry"')) == 1
    assert snapshot() == before


def test_canceling_a_logged_segment_failing_in_its_entries_keeps_its_flag(
    entries, fail_on_row
):
    logged = LoggedSegment.objects.get(segment_no="SM00002")
    fail_on_row(InteractionLogEntry, "UPDATE", 30)
    before = snapshot()

    with pytest.raises(DatabaseError, match="injected fault at row 30"):
        services.set_logged_segment_canceled(logged, True, user=None)

    assert snapshot() == before
    logged.refresh_from_db()
    assert not logged.canceled


def test_set_canceled_timing_out_on_a_locked_row_cancels_none(entries):
    if connection.vendor != "postgresql":
        pytest.skip("lock_timeout is PostgreSQL's; SQLite locks the whole database.")
    middle = entries[24]
    locked, release = threading.Event(), threading.Event()

    def hold_row_lock():
        # Another session (an open edit of one entry) keeps the row locked.
        try:
            with transaction.atomic():
                InteractionLogEntry.objects.select_for_update().get(pk=middle.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_row_lock)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        before = snapshot()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        with pytest.raises(OperationalError, match="lock timeout"):
            interaction_services.set_canceled(entries, True, user=None)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
        holder.join()

    assert snapshot() == before


# delete_canceled_entries


def test_delete_canceled_entries_failing_on_the_thirtieth_row_deletes_none(
    canceled, fail_on_row, media_root
):
    fail_on_row(InteractionLogEntry, "DELETE", 30)
    before = snapshot()

    with pytest.raises(DatabaseError, match="injected fault at row 30"):
        interaction_services.delete_canceled_entries()

    assert snapshot() == before
    assert (media_root / ENTRIES_FILE).exists()


def test_delete_canceled_entries_failing_after_the_delete_keeps_rows_and_files(
    canceled, media_root, monkeypatch
):
    real_remove = interaction_services.remove_unreferenced_attachments

    def remove_then_fail(names):
        real_remove(names)  # queues the file's removal for after the commit
        raise RuntimeError("injected fault after the DELETE")

    # Patched where delete_canceled_entries looks it up (interactions.services.cleanup).
    monkeypatch.setattr(
        interaction_cleanup, "remove_unreferenced_attachments", remove_then_fail
    )
    before = snapshot()

    with pytest.raises(RuntimeError, match="injected fault"):
        interaction_services.delete_canceled_entries()

    assert snapshot() == before
    assert (media_root / ENTRIES_FILE).exists()
    # Without the fault the same call deletes the rows, then the file they used.
    monkeypatch.setattr(
        interaction_cleanup, "remove_unreferenced_attachments", real_remove
    )
    assert interaction_services.delete_canceled_entries() == 50
    assert not (media_root / ENTRIES_FILE).exists()


def test_delete_canceled_entries_losing_the_connection_after_the_delete_keeps_them(
    canceled,
):
    before = snapshot()

    with (
        connection_lost_after(
            r"^DELETE FROM \"interactions_interactionlogentry\""
        ) as ran,
        pytest.raises(OperationalError),
    ):
        interaction_services.delete_canceled_entries(before=DAY + datetime.timedelta(1))

    assert len(statements_writing(ran, '"interactions_interactionlogentry"')) == 1
    assert snapshot() == before


# The audit record: written in the action's transaction, so an action whose record
# cannot be written is undone.


@pytest.mark.parametrize(
    "action",
    [
        lambda: interaction_services.set_canceled(
            InteractionLogEntry.objects.all(), False, user=None
        ),
        lambda: interaction_services.delete_canceled_entries(),
        lambda: services.set_logged_segment_canceled(
            LoggedSegment.objects.get(segment_no="SM00002"), True, user=None
        ),
    ],
    ids=["set_canceled", "delete_canceled_entries", "set_logged_segment_canceled"],
)
def test_an_action_whose_audit_record_fails_is_undone(canceled, fail_on_row, action):
    fail_on_row(AuditRecord, "INSERT", 1)
    before = snapshot()

    with pytest.raises(DatabaseError, match="injected fault at row 1"):
        action()

    assert snapshot() == before


def test_log_segment_whose_audit_record_fails_logs_nothing(segment, fail_on_row):
    fail_on_row(AuditRecord, "INSERT", 1)
    before = snapshot()

    with pytest.raises(DatabaseError, match="injected fault at row 1"):
        services.log_segment(segment, user=None, create_follow_up=True)

    assert snapshot() == before
