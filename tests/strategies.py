"""Hypothesis strategies for what a browser, or someone pretending to be one, sends.

`field_values(field, offered)` gives two strategies for a Django form field: values a
user could rightly send (`good`) and values the page must refuse with a message
(`bad`): NUL characters, which PostgreSQL refuses in text, text past the field's length,
digits that str.isdigit() accepts and int() does not, negative and huge numbers, NaN,
"1e400", dates that do not exist or lie at the ends of the calendar, keys of rows that
do not exist, empty and oddly named files. `submissions(fields)` combines them into a
form's data: most fields good, a few bad or left out, plus keys no form has.
"""

import string
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.http import urlencode
from hypothesis import strategies as st

NASTY_TEXT = [
    "\x00",
    "CT\x00",
    "a\x00b",
    "",
    " ",
    "\t\r\n",
    "\x7f\x1b[31m",
    "\u202eevil",  # right-to-left override
    "\ufeffBOM",
    "\u2028",
    "😀🏳️‍🌈",
    "İıßẞﬀǄ",  # change length when case-folded
    "<b>bold</b>",
    "'; DROP TABLE crm_contact; --",
    "%00",
    "%s %(x)s {0} {{ x }}",
    "../../etc/passwd",
    "²",  # str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() reads 12
    "\uff11\uff12",  # full-width digits
    "½",
    "Ⅻ",
]
NUMBERS = [
    "-1",
    "-0",
    "-0.01",
    "0.001",
    "1.005",
    "1e400",
    "-1e400",
    "1e-400",
    "1E+2",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "0x10",
    "1_000",
    "1,5",
    " 7 ",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "99999999999999999999",
    "10000000000.00",
    "9999999999.999",
]
DATES = [
    "2026-02-29",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
    "2026-1-1",
    "31/12/2026",
    "12/31/2026",
    "2026-01-31T10:00:00",
    "today",
]
TIMES = [
    "24:00",
    "25:00",
    "12:60",
    "23:59:60",
    "-1:00",
    "10",
    "1042",
    "noon",
    "10:42:00.9999999",
]
# Keys of rows that do not exist, or are no key at all.
KEYS = ["0", "-1", "999999", "1.5", "1e3", "abc", "²", "99999999999999999999"]

WORDS = st.text(alphabet=string.ascii_letters + string.digits + " -.", max_size=12)
LONG_TEXT = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["x", "é", "😀", "\x00"]),
    st.sampled_from([101, 256, 1001, 100_000]),
)
TEXT = st.one_of(st.text(max_size=20), st.sampled_from(NASTY_TEXT), LONG_TEXT)


def attachments():
    """Uploads: a small PDF under many names, an empty file, one past the size limit.

    The limit is the tests' ATTACHMENT_MAX_SIZE (tests/test_fuzz_forms.py sets 1 KB).
    """
    names = st.sampled_from(
        [
            "letter.pdf",
            "x" * 300 + ".pdf",
            "../../outside.pdf",
            "brief één 😀.pdf",
            "CON",
            ".htaccess",
            "no-extension",
        ]
    )
    contents = st.sampled_from([b"%PDF-1.4\n%\xe2\xe3\n", b"", b"x" * 1025])
    return st.builds(SimpleUploadedFile, names, contents)


@dataclass(repr=False)  # a failure prints the example, not every strategy
class Values:
    good: st.SearchStrategy
    bad: st.SearchStrategy


def field_values(field, offered=()):
    """Good and bad values for one form field. `offered`: what the page itself put in
    the field (its value, the options of its drop-down), sent back as a browser would.
    """
    offered = [value for value in offered if value != ""]
    good, bad = typed_values(field)
    if offered:
        good = st.one_of(st.sampled_from(offered), good)
    # Several values for one name: a form field reads the last one.
    bad = st.one_of(bad, TEXT, st.lists(st.one_of(good, TEXT), min_size=2, max_size=3))
    return Values(good=good, bad=bad)


def typed_values(field):
    if isinstance(field, forms.FileField):
        return attachments(), st.one_of(attachments(), TEXT)
    if isinstance(field, forms.ModelMultipleChoiceField):
        keys = existing_keys(field)
        good = st.lists(st.sampled_from(keys), max_size=3) if keys else st.just([])
        return good, st.lists(st.sampled_from(KEYS) | TEXT, min_size=1, max_size=3)
    if isinstance(field, forms.ModelChoiceField):
        keys = existing_keys(field)
        good = st.sampled_from(keys) if keys else st.just("")
        return good, st.sampled_from(KEYS) | TEXT
    if isinstance(field, forms.NullBooleanField):
        return st.sampled_from(["", "true", "false", "unknown"]), TEXT
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "true"]), st.sampled_from(["false", "0", "off"])
    if isinstance(field, forms.MultipleChoiceField):
        choices = choice_values(field)
        return st.lists(st.sampled_from(choices), max_size=3), st.lists(
            TEXT, min_size=1
        )
    if isinstance(field, forms.ChoiceField):
        choices = choice_values(field)
        good = st.sampled_from(choices) if choices else WORDS
        # Sort fields (django-filter's ordering) take several choices, comma-separated.
        joined = st.lists(good, min_size=2, max_size=3).map(",".join)
        return good, st.one_of(TEXT, joined, good.map(lambda value: f"-{value}"))
    if isinstance(field, forms.DateField):
        valid = st.dates(date(1990, 1, 1), date(2040, 12, 31)).map(date.isoformat)
        any_date = st.dates().map(date.isoformat)  # year 1 to 9999
        return valid, st.one_of(st.sampled_from(DATES), any_date)
    if isinstance(field, forms.TimeField):
        valid = st.times().map(lambda value: value.strftime("%H:%M"))
        return valid, st.one_of(st.sampled_from(TIMES), st.times().map(time.isoformat))
    if isinstance(field, forms.DecimalField):
        return decimal_values(field)
    if isinstance(field, forms.IntegerField):
        low = field.min_value if field.min_value is not None else -1000
        high = field.max_value if field.max_value is not None else 10**6
        good = st.integers(max(low, -1000), min(high, 10**6)).map(str)
        return good, st.one_of(st.sampled_from(NUMBERS), st.integers().map(str))
    if isinstance(field, forms.EmailField):
        good = st.sampled_from(["anna@example.com", "o'brien@example.co.uk"])
        long_address = f"{'a' * 250}@example.com"
        return good, st.sampled_from(["a@b", "@x.nl", "a@b\x00.nl", long_address])
    if isinstance(field, forms.CharField):
        size = field.max_length or 30
        good = st.text(
            alphabet=string.ascii_letters + string.digits + " -.é",
            min_size=1,
            max_size=min(size, 30),
        )
        return good, st.one_of(st.just("x" * (size + 1)), LONG_TEXT)
    return WORDS, TEXT


def decimal_values(field):
    places = field.decimal_places if field.decimal_places is not None else 2
    digits = field.max_digits or 12
    largest = Decimal(10 ** (digits - places) - 1)
    good = st.decimals(
        min_value=field.min_value if field.min_value is not None else -largest,
        max_value=largest,
        places=places,
        allow_nan=False,
        allow_infinity=False,
    ).map(str)
    wild = st.decimals(allow_nan=True, allow_infinity=True).map(str)
    return good, st.one_of(st.sampled_from(NUMBERS), wild)


def existing_keys(field):
    """Up to ten keys of the field's rows, in the form the browser sends them."""
    name = field.to_field_name or "pk"
    return [str(key) for key in field.queryset.values_list(name, flat=True)[:10]]


def choice_values(field):
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an option group
            values.extend(str(inner) for inner, _label in label)
        elif value != "":
            values.append(str(value))
    return values


JUNK_KEYS = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["\x00", "next", "action", "_save", "_popup", "page", "é"]),
)


@st.composite
def submissions(draw, fields, max_bad=3):
    """Data for a form with `fields` ({name: Values}): each field good, bad or left
    out, and up to two keys the form does not know. The first example Hypothesis
    tries, and the one it shrinks towards, has every field good."""
    names = sorted(fields)
    pick = st.sampled_from(names) if names else st.nothing()
    bad = draw(st.sets(pick, max_size=max_bad)) if names else set()
    left_out = draw(st.sets(pick, max_size=2)) if names else set()
    data = draw(st.dictionaries(JUNK_KEYS, TEXT, max_size=2))
    for name in names:
        if name not in left_out:
            values = fields[name].bad if name in bad else fields[name].good
            data[name] = draw(values)
    return data


def query_strings(fields):
    """A list page's filters as the query string a form carries in a hidden field."""
    return st.one_of(submissions(fields).map(lambda data: urlencode(data, True)), TEXT)
