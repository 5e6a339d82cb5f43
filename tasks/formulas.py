"""NAV date formulas ("1W", "2M", "CM+1D", "-1D", "D5", "WD1"): parse, check, apply.

A formula is one or more terms joined by + or -:

- `<n><unit>`: n days (D), weeks (W), months (M), quarters (Q) or years (Y) on;
  a month on from 31 January is the last day of February (NAV's rule);
- `C<unit>`: to the end of the current week (Sunday), month, quarter or year; with a
  minus (`-CM`) to its start;
- `D<n>`: the next day n of a month (1 to 31, the month's last day when shorter);
  `WD<n>`: the next weekday n (1 Monday … 7 Sunday). "Next" is after the date, never
  on it, so a recurring task never lands on the day it came from.

Dutch NAV writes the units in Dutch: K (kwartaal) for Q, J (jaar) for Y and L
(lopende) for C; both spellings are accepted and stored in English ones. NAV's
angle brackets (`<1W>`) are allowed too.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 20
DUTCH_LETTERS = str.maketrans({"K": "Q", "J": "Y", "L": "C"})
UNITS = "DWMQY"
TERM = re.compile(
    r"(?P<sign>[+-]?)(?:"
    r"(?P<count>\d+)(?P<unit>[DWMQY])"
    r"|C(?P<current>[DWMQY])"
    r"|(?P<weekday>WD)(?P<weekday_no>\d+)"
    r"|D(?P<day_no>\d+)"
    r")"
)


@dataclass(frozen=True)
class Term:
    sign: int
    kind: str  # "add", "current", "weekday" or "day"
    unit: str = "D"
    number: int = 0


def normalize(text):
    """The formula as stored: upper case, English letters, no spaces or brackets."""
    text = "".join(str(text or "").split()).upper()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    return text.translate(DUTCH_LETTERS)


def parse(text):
    """The terms of formula `text`; a ValidationError says what is wrong with it."""
    formula = normalize(text)
    if not formula:
        raise ValidationError(_("Enter a date formula, such as 1W or CM+1D."), "blank")
    if len(formula) > MAX_LENGTH:
        raise ValidationError(
            _("A date formula has at most %(max)d characters.") % {"max": MAX_LENGTH},
            "too_long",
        )
    terms, position = [], 0
    while position < len(formula):
        match = TERM.match(formula, position)
        if match is None:
            raise ValidationError(
                _(
                    "The date formula %(formula)s is not valid at “%(rest)s”. Use "
                    "terms such as 1D, 2W, 3M, 1Q, 1Y, CM, D5 or WD1, joined by + or -."
                )
                % {"formula": text, "rest": formula[position:]},
                "invalid",
            )
        if position and not match["sign"]:
            raise ValidationError(
                _("Join the terms of date formula %(formula)s with + or -.")
                % {"formula": text},
                "invalid",
            )
        terms.append(_term(match, text))
        position = match.end()
    return terms


def _term(match, text):
    sign = -1 if match["sign"] == "-" else 1
    if match["unit"]:
        return Term(sign, "add", match["unit"], int(match["count"]))
    if match["current"]:
        return Term(sign, "current", match["current"])
    if match["weekday"]:
        number, limit, kind = int(match["weekday_no"]), 7, "weekday"
    else:
        number, limit, kind = int(match["day_no"]), 31, "day"
    if not 1 <= number <= limit or sign < 0:
        raise ValidationError(
            _(
                "In date formula %(formula)s, %(term)s is not a day: use D1 to D31 "
                "for a day of the month and WD1 (Monday) to WD7 (Sunday) for a "
                "weekday, without a minus."
            )
            % {"formula": text, "term": match.group().lstrip("+-")},
            "invalid",
        )
    return Term(1, kind, "D", number)


def validate_formula(text):
    """Raise a ValidationError when `text` is not a date formula (a model validator)."""
    parse(text)


def calculate(text, date):
    """The date formula `text` applied to `date`."""
    for term in parse(text):
        date = _apply(term, date)
    return date


def _add_months(date, months):
    month_index = date.year * 12 + date.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date.replace(year=year, month=month + 1, day=min(date.day, last))


def _apply(term, date):
    if term.kind == "add":
        count = term.sign * term.number
        if term.unit in "DW":
            return date + datetime.timedelta(
                days=count * (7 if term.unit == "W" else 1)
            )
        return _add_months(date, count * {"M": 1, "Q": 3, "Y": 12}[term.unit])
    if term.kind == "current":
        return _current(term, date)
    if term.kind == "weekday":
        ahead = (term.number - date.isoweekday()) % 7 or 7
        return date + datetime.timedelta(days=ahead)
    # The next day n of a month: this month's when still ahead, else the next one's.
    candidate = date
    while True:
        last = calendar.monthrange(candidate.year, candidate.month)[1]
        day = candidate.replace(day=min(term.number, last))
        if day > date:
            return day
        candidate = _add_months(candidate.replace(day=1), 1)


def _current(term, date):
    start = term.sign < 0
    if term.unit == "D":
        return date
    if term.unit == "W":
        offset = -(date.isoweekday() - 1) if start else 7 - date.isoweekday()
        return date + datetime.timedelta(days=offset)
    months = {"M": 1, "Q": 3, "Y": 12}[term.unit]
    first_month = (date.month - 1) // months * months + 1
    first = date.replace(month=first_month, day=1)
    if start:
        return first
    return _add_months(first, months) - datetime.timedelta(days=1)
