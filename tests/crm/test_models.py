import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from crm.models import Contact, MarketingSetup, NumberSeries
from tests.factories import CompanyFactory, NumberSeriesFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_next_no_hands_out_consecutive_numbers():
    series = NumberSeriesFactory(prefix="CT", width=5, next_number=1)

    numbers = [series.next_no() for _ in range(3)]

    assert numbers == ["CT00001", "CT00002", "CT00003"]
    series.refresh_from_db()
    assert series.next_number == 4


def test_next_no_pads_to_the_width_after_the_prefix():
    series = NumberSeriesFactory(prefix="INV-", width=3, next_number=7)

    assert series.next_no() == "INV-007"


def test_next_no_grows_past_the_width_instead_of_truncating():
    series = NumberSeriesFactory(prefix="", width=2, next_number=123)

    assert series.next_no() == "123"


def test_next_no_reads_the_database_not_a_stale_instance():
    first = NumberSeriesFactory(prefix="SM", next_number=1)
    second = NumberSeries.objects.get(pk=first.pk)

    assert first.next_no() == "SM00001"
    # `second` still holds next_number=1 in memory.
    assert second.next_no() == "SM00002"
    assert first.next_no() == "SM00003"


def test_next_no_is_given_back_when_the_callers_transaction_rolls_back():
    series = NumberSeriesFactory(prefix="CT", next_number=5)
    taken = []

    def take_a_number_then_fail():
        with transaction.atomic():
            taken.append(series.next_no())
            raise RuntimeError("caller failed")

    with pytest.raises(RuntimeError, match="caller failed"):
        take_a_number_then_fail()

    assert taken == ["CT00005"]
    assert NumberSeries.objects.get(pk=series.pk).next_no() == "CT00005"


def test_next_no_preview_shows_the_next_number_without_taking_it():
    series = NumberSeriesFactory(prefix="CT", width=5, next_number=12)

    assert series.next_no_preview == "CT00012"
    assert series.next_no_preview == "CT00012"
    series.refresh_from_db()
    assert series.next_number == 12


def test_marketing_setup_next_no_without_contact_series_fails_with_a_clear_message():
    setup = MarketingSetup.load()

    with pytest.raises(ValidationError) as caught:
        setup.next_no("contact_nos")

    assert caught.value.messages == [
        "Set up a number series for contacts in Marketing setup."
    ]
    assert caught.value.code == "no_series"


def test_marketing_setup_next_no_without_segment_series_fails_with_a_clear_message():
    setup = MarketingSetup.load()

    with pytest.raises(
        ValidationError,
        match=r"Set up a number series for segments in Marketing setup\.",
    ):
        setup.next_no("segment_nos")


def test_marketing_setup_next_no_uses_the_chosen_series(marketing_setup):
    assert marketing_setup.next_no("contact_nos") == "CT00001"
    assert marketing_setup.next_no("segment_nos") == "SM00001"
    assert marketing_setup.next_no("contact_nos") == "CT00002"


def test_marketing_setup_load_always_returns_the_single_row():
    first = MarketingSetup.load()
    second = MarketingSetup.load()

    assert first.pk == second.pk == 1
    assert MarketingSetup.objects.count() == 1


def test_database_refuses_a_second_marketing_setup_row():
    MarketingSetup.load()

    with pytest.raises(IntegrityError), transaction.atomic():
        MarketingSetup.objects.create(pk=2)


def test_database_refuses_a_company_that_belongs_to_a_company():
    parent = CompanyFactory()

    # Bypasses clean(): the check constraint is the last line of defence.
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(
            no="X1", type=Contact.Type.COMPANY, name="Sub", company=parent
        )


def test_contact_company_is_the_company_itself_or_the_persons_company():
    person = PersonFactory()

    assert person.contact_company == person.company
    assert person.company.contact_company == person.company


def test_contact_str_and_url():
    company = CompanyFactory(no="CT00042", name="Acme B.V.")

    assert str(company) == "CT00042 Acme B.V."
    assert company.get_absolute_url() == f"/contacts/{company.pk}/"


THREADS = 8
CALLS_PER_THREAD = 25


@pytest.mark.django_db(transaction=True)
def test_next_no_gives_distinct_consecutive_numbers_under_concurrency():
    if connection.vendor != "postgresql":
        pytest.skip("Row-lock concurrency needs PostgreSQL; SQLite serialises writers.")
    series = NumberSeriesFactory(code="RACE", prefix="R", width=5, next_number=1)
    start = threading.Barrier(THREADS)
    numbers, errors = [], []

    def take_numbers():
        try:
            start.wait()
            for _ in range(CALLS_PER_THREAD):
                # Each call on a fresh instance, as separate requests would do.
                numbers.append(NumberSeries.objects.get(pk=series.pk).next_no())
        except Exception as error:  # Reported by the main thread.
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take_numbers) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = THREADS * CALLS_PER_THREAD
    assert len(set(numbers)) == total
    assert sorted(numbers) == [f"R{n:05d}" for n in range(1, total + 1)]
    series.refresh_from_db()
    assert series.next_number == total + 1


def test_next_nos_hands_out_a_block_of_numbers_in_one_step(db):
    series = NumberSeriesFactory(prefix="CT", next_number=8, width=3)

    assert series.next_nos(3) == ["CT008", "CT009", "CT010"]
    assert series.next_no() == "CT011"
