"""Amounts and whole numbers as people type and read them, in the active language.

One home for the reading rules and the form fields that apply them (AmountField,
WholeNumberField: model forms, filters and the admin all use them) and for the way
amounts are shown (templates through the `amount` filter, messages through
`format_amount`).

A browser's `type=number` input reads `12,50` by the browser's language, not the
page's, which is how a Dutch `12,50` was once stored as 1250; so numbers are text
typed in the page's language and read here, strictly: a separator in a place that
language does not put one makes the value an error, never another number.
"""

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

# Longer than any amount or count the database holds; refused before it is read.
MAX_LENGTH = 40
# A minus sign as typed, or as copied from a document (U+2212).
MINUS_SIGNS = ("-", "\u2212")


@lru_cache
def _pattern(decimal_sep, thousand_sep):
    digits = r"[0-9]+"
    if thousand_sep:
        grouped = rf"[0-9]{{1,3}}(?:{re.escape(thousand_sep)}[0-9]{{3}})+"
        digits = rf"{grouped}|{digits}"
    return re.compile(
        rf"(?P<whole>{digits})?(?:{re.escape(decimal_sep)}(?P<fraction>[0-9]+))?"
    )


def read_number(text, *, localized=True):
    """The Decimal that `text` stands for, or None when it is no number.

    Localized: the active language's decimal separator, and its thousands separator
    only between groups of three digits. Where the thousands separator is a point
    (Dutch), a single point not followed by exactly three digits is read as the
    decimal point, since that is what someone typing `12.50` means. Not localized:
    the plain form programs write (`1250.50`). No exponents, NaN or infinities.
    """
    text = str(text).strip()
    if not text or len(text) > MAX_LENGTH:
        return None
    if localized:
        decimal_sep = get_format("DECIMAL_SEPARATOR")
        thousand_sep = get_format("THOUSAND_SEPARATOR")
    else:
        decimal_sep, thousand_sep = ".", ""
    sign, body = ("-", text[1:]) if text.startswith(MINUS_SIGNS) else ("", text)
    if (
        thousand_sep == "."
        and decimal_sep not in body
        and body.count(".") == 1
        and not re.fullmatch(r"[0-9]+\.[0-9]{3}", body)
    ):
        body = body.replace(".", decimal_sep)
    match = _pattern(decimal_sep, thousand_sep).fullmatch(body)
    if match is None or not (match["whole"] or match["fraction"]):
        return None
    whole = match["whole"] or "0"
    if thousand_sep:
        whole = whole.replace(thousand_sep, "")
    # Trailing zeros say nothing (`1.250` in English is 1.25, not a third decimal).
    fraction = (match["fraction"] or "").rstrip("0")
    number = f"{sign}{whole}.{fraction}" if fraction else sign + whole
    try:
        return Decimal(number)
    except InvalidOperation:  # pragma: no cover - the pattern admits digits only
        return None


def read_whole_number(text, *, localized=True):
    """The int that `text` stands for (`1.250` in Dutch is 1250), or None when it is
    no number or not a whole one."""
    number = read_number(text, localized=localized)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def format_amount(value):
    """An amount as the active language writes it: two decimals, thousands grouped
    (`1.250,50` in Dutch, `1,250.50` in English)."""
    if value is None or value == "":
        return ""
    return number_format(Decimal(value), decimal_pos=2, force_grouping=True)


def format_whole_number(value, *, grouping=True):
    """A whole number as the active language writes it (`1.250` in Dutch); without
    grouping for counters such as a number series' next number."""
    if value is None or value == "":
        return ""
    return number_format(int(value), force_grouping=grouping)


class AmountInput(forms.TextInput):
    """A text input for an amount, with the keyboard phones show for decimals.

    Never `type=number`: the browser would read the value in its own language.
    """

    input_mode = "decimal"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": self.input_mode, **(attrs or {})})

    def format_value(self, value):
        # A typed text (a form shown again) comes back as typed; a number as the
        # active language writes it.
        if isinstance(value, Decimal | int | float):
            return format_amount(value)
        return super().format_value(value)


class WholeNumberInput(AmountInput):
    input_mode = "numeric"

    def __init__(self, attrs=None, *, grouping=True):
        super().__init__(attrs)
        self.grouping = grouping

    def format_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_whole_number(value, grouping=self.grouping)
        return forms.TextInput.format_value(self, value)


class NotNegativeMixin:
    """Refuses a negative value with a message that says so (the models' own
    message when the form field comes from one), before any range check."""

    def validate(self, value):
        super().validate(value)
        if value is not None and value < 0 and not self.allow_negative:
            raise ValidationError(self.error_messages["negative"], code="negative")


class AmountField(NotNegativeMixin, forms.DecimalField):
    """An amount typed as people type it in the active language (web.amounts):
    `12,50` and `1.250,50` in Dutch, `12.50` and `1,250.50` in English.

    Not localized, it reads the plain form programs write (`1250.50`). The model's
    max_digits and decimal_places still apply: a third decimal is an error, never
    rounded away. NaN, infinities and exponents are errors.
    """

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Enter an amount such as 12.50."),
        "negative": _("The amount cannot be negative."),
    }

    def __init__(self, *, allow_negative=False, localize=True, **kwargs):
        self.allow_negative = allow_negative
        super().__init__(localize=localize, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            number = value if value.is_finite() else None
        else:
            number = read_number(value, localized=self.localize)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class WholeNumberField(NotNegativeMixin, forms.IntegerField):
    """A whole number typed as people type it: `1.250` in Dutch, `1,250` in English
    (web.amounts); shown grouped unless `grouping=False` (a number series' counter).
    Something else is refused naming `example`, a number that fits the field (a
    term of months: 6), as the active language writes it."""

    widget = WholeNumberInput
    default_error_messages = {
        "invalid": _("Enter a whole number such as %(example)s."),
        "negative": _("The number cannot be negative."),
    }

    def __init__(
        self,
        *,
        allow_negative=False,
        grouping=True,
        localize=True,
        example=1250,
        **kwargs,
    ):
        self.allow_negative = allow_negative
        self.example = example
        kwargs.setdefault("widget", WholeNumberInput(grouping=grouping))
        super().__init__(localize=localize, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = read_whole_number(value, localized=self.localize)
        if number is None:
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"example": format_whole_number(self.example)},
            )
        return number


def number_formfield(model_field, **kwargs):
    """A model field's form field, with AmountField for decimals and
    WholeNumberField for integers; a negative value gets the model's own message
    ("The cost cannot be negative."). The `formfield_callback` of model forms and
    what the admin uses, so every page reads numbers alike. A model field's
    `form_example` is the example its message offers (minutes: 30)."""
    if isinstance(model_field, models.DecimalField):
        kwargs.setdefault("form_class", AmountField)
    elif isinstance(model_field, models.IntegerField) and not isinstance(
        model_field, models.AutoField
    ):
        kwargs.setdefault("form_class", WholeNumberField)
        if hasattr(model_field, "form_example"):
            kwargs.setdefault("example", model_field.form_example)
    else:
        return model_field.formfield(**kwargs)
    kwargs.pop("widget", None)  # the admin's number inputs would undo all this
    field = model_field.formfield(**kwargs)
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator) and validator.limit_value == 0:
            field.error_messages["negative"] = validator.message
    return field
