import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tasks.formulas import calculate, normalize

THURSDAY = datetime.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("formula", "start", "expected"),
    [
        ("1D", THURSDAY, datetime.date(2026, 12, 4)),
        ("-1D", THURSDAY, datetime.date(2026, 12, 2)),
        ("1W", THURSDAY, datetime.date(2026, 12, 10)),
        ("2W", THURSDAY, datetime.date(2026, 12, 17)),
        ("2M", THURSDAY, datetime.date(2027, 2, 3)),
        ("1M", datetime.date(2027, 1, 31), datetime.date(2027, 2, 28)),
        ("1M", datetime.date(2028, 1, 31), datetime.date(2028, 2, 29)),
        ("1Q", datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)),
        ("1Y", datetime.date(2028, 2, 29), datetime.date(2029, 2, 28)),
        ("CM", THURSDAY, datetime.date(2026, 12, 31)),
        ("CM+1D", THURSDAY, datetime.date(2027, 1, 1)),
        ("-CM", THURSDAY, datetime.date(2026, 12, 1)),
        ("CW", THURSDAY, datetime.date(2026, 12, 6)),
        ("-CW", THURSDAY, datetime.date(2026, 11, 30)),
        ("CQ", datetime.date(2026, 2, 10), datetime.date(2026, 3, 31)),
        ("-CQ", datetime.date(2026, 5, 10), datetime.date(2026, 4, 1)),
        ("CY", THURSDAY, datetime.date(2026, 12, 31)),
        ("CD", THURSDAY, THURSDAY),
        ("D5", THURSDAY, datetime.date(2026, 12, 5)),
        ("D3", THURSDAY, datetime.date(2027, 1, 3)),
        ("D31", datetime.date(2027, 2, 1), datetime.date(2027, 2, 28)),
        ("WD1", THURSDAY, datetime.date(2026, 12, 7)),
        ("WD4", THURSDAY, datetime.date(2026, 12, 10)),
        ("1M+CM", THURSDAY, datetime.date(2027, 1, 31)),
        ("1W-1D", THURSDAY, datetime.date(2026, 12, 9)),
        # Dutch NAV's letters: K(wartaal), J(aar), L(opende); NAV's brackets; spaces.
        ("1K", THURSDAY, datetime.date(2027, 3, 3)),
        ("1J", THURSDAY, datetime.date(2027, 12, 3)),
        ("LM+1D", THURSDAY, datetime.date(2027, 1, 1)),
        ("<1W>", THURSDAY, datetime.date(2026, 12, 10)),
        (" 1w + 2d ", THURSDAY, datetime.date(2026, 12, 12)),
    ],
)
def test_calculate_gives_navs_date(formula, start, expected):
    assert calculate(formula, start) == expected


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("", "Enter a date formula, such as 1W or CM+1D."),
        ("1X", "The date formula 1X is not valid at “1X”"),
        ("W", "The date formula W is not valid at “W”"),
        ("1W2D", "Join the terms of date formula 1W2D with + or -."),
        ("1W+", "The date formula 1W+ is not valid at “+”"),
        ("D0", "In date formula D0, D0 is not a day"),
        ("D32", "In date formula D32, D32 is not a day"),
        ("WD8", "In date formula WD8, WD8 is not a day"),
        ("-D5", "In date formula -D5, D5 is not a day"),
        ("1D+1D+1D+1D+1D+1D+1D+1D", "A date formula has at most 20 characters."),
    ],
)
def test_calculate_refuses_a_bad_formula_with_a_message(formula, message):
    with pytest.raises(ValidationError) as error:
        calculate(formula, THURSDAY)
    assert error.value.messages[0].startswith(message)


def test_the_message_is_dutch_in_dutch():
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        calculate("1X", THURSDAY)
    assert error.value.messages[0].startswith("De datumformule 1X is ongeldig bij “1X”")


def test_normalize_stores_english_letters_without_brackets_or_spaces():
    assert normalize(" <lm + 1d> ") == "CM+1D"
