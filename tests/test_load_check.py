"""The count check of bench/load.py: the rows the simulated users were told about
against the rows with the run's marker in the database."""

import pytest

from bench.load_check import count_check
from tests.factories import InteractionLogEntryFactory, LoggedSegmentFactory

MARKER = "load-20261121-120000"

pytestmark = pytest.mark.django_db


@pytest.fixture
def written():
    """What one run wrote: two interactions, and a logged segment of three lines;
    plus rows of an earlier run and of nobody's run, which do not count."""
    calls = [
        InteractionLogEntryFactory(description=f"{MARKER} call load-sales-01 {n}")
        for n in (1, 2)
    ]
    logged = LoggedSegmentFactory(
        segment_no="SM00007", description=f"{MARKER} segment load-sales-02 1"
    )
    InteractionLogEntryFactory.create_batch(
        3, logged_segment=logged, description=logged.description
    )
    InteractionLogEntryFactory(description="load-20261120-080000 call load-sales-01 1")
    LoggedSegmentFactory(description="Spring mailing")
    return [call.pk for call in calls]


def test_every_reported_row_found_is_no_problem(written):
    counts = count_check(MARKER, {"interactions": written, "segments": {"SM00007": 3}})

    assert counts == {
        "interactions": {"reported": 2, "found": 2},
        "logged_segments": {"reported": 1, "found": 1},
        "segment_entries": {"reported": 3, "found": 3},
        "problems": [],
    }


def test_missing_and_unreported_rows_are_problems(written):
    first, second = written
    counts = count_check(
        MARKER,
        {
            "interactions": [first, second + 1000],
            "segments": {"SM00007": 4, "SM00008": 2},
        },
    )

    assert counts["interactions"] == {"reported": 2, "found": 2}
    assert counts["segment_entries"] == {"reported": 6, "found": 3}
    assert counts["problems"] == [
        "interactions confirmed to a user but not in the database: "
        f"1 (entry no. {second + 1000})",
        "interactions in the database never confirmed to a user: "
        f"1 (entry no. {second})",
        "logged segment SM00007 has 3 entries, not the 4 of its lines",
        "logged segment SM00008 is not in the database",
    ]


def test_a_logged_segment_nobody_reported_is_a_problem(written):
    counts = count_check(MARKER, {"interactions": written, "segments": {}})

    assert counts["problems"] == [
        "logged segment SM00007 is in the database but was never confirmed to a user"
    ]
