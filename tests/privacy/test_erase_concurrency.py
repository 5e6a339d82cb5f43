"""Erasing a contact while a segment with it is logged, on PostgreSQL: whoever
comes first, the erased contact ends with no entry that says who it was
(tests/test_concurrency.py runs the callers; SQLite runs one writer at a time)."""

import pytest

from crm.models import Contact
from interactions.models import InteractionLogEntry
from privacy.services import erase_contact
from segments import services
from segments.models import SegmentLine
from tests.factories import (
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)
from tests.test_concurrency import RACES, run_first_holding_locks, run_together

pytestmark = RACES

PERSONAL = "Offerte voor Jan Jansen, Dorpsstraat 12"


@pytest.fixture
def segment(marketing_setup):
    """SM00001: five persons, Jan's line personalised with his name and address."""
    segment = services.create_segment(
        user=None,
        description="Race",
        template=InteractionTemplateFactory(code="LETTER"),
        salesperson=SalespersonFactory(code="ANNA"),
    )
    services.add_contacts(
        segment,
        [PersonFactory(name="Jan Jansen"), *PersonFactory.create_batch(4)],
        user=None,
    )
    SegmentLine.objects.filter(segment=segment, contact__name="Jan Jansen").update(
        description=PERSONAL
    )
    return segment


@pytest.mark.parametrize(
    "interleaving", ["together", "erase_writes_first", "log_writes_first"]
)
def test_a_segment_logged_during_an_erase_leaves_nothing_personal(
    segment, interleaving
):
    jan = Contact.objects.get(name="Jan Jansen")

    def erase():
        return erase_contact(jan, user=None)

    def log():
        return services.log_segment(segment, user=None)

    if interleaving == "together":
        outcomes = run_together(erase, log)
    elif interleaving == "erase_writes_first":
        # The erasure has checked and anonymised; it holds its locks uncommitted
        # while the logging starts.
        outcomes = run_first_holding_locks(
            erase, log, pause_after=r'^UPDATE "crm_contact"'
        )
    else:
        outcomes = list(
            reversed(
                run_first_holding_locks(
                    log,
                    erase,
                    pause_after=r'^INSERT INTO "interactions_interactionlogentry"',
                )
            )
        )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert Contact.objects.get(pk=jan.pk).erased_at is not None
    # The others are logged; Jan either was not (the erasure took his line) or his
    # entry was anonymised with the rest of his history.
    entries = InteractionLogEntry.objects.filter(segment_no="SM00001")
    assert entries.exclude(contact=jan).count() == 4
    assert entries.filter(contact=jan).count() <= 1
    assert not entries.filter(contact=jan).exclude(description="").exists()
    assert not InteractionLogEntry.objects.filter(description=PERSONAL).exists()
