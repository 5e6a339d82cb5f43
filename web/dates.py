"""The range of dates the pages and filters take: date arithmetic (a day after, a
quarter before) and the time zone shift of a day's start stay inside Python's and the
databases' ranges (issue 16, finding 7: 0001-01-01 and 9999-12-31 gave 500s)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

FIRST_DATE = datetime.date(1900, 1, 1)
LAST_DATE = datetime.date(9998, 12, 31)


def validate_date_in_range(value):
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={
                "first": date_format(FIRST_DATE, "SHORT_DATE_FORMAT"),
                "last": date_format(LAST_DATE, "SHORT_DATE_FORMAT"),
            },
        )
