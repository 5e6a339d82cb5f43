"""What the rows of a list page share: links and dates worked out once a page.

A list shows 25 rows; doing per row what is the same for every row (resolving a URL
pattern, formatting a date that the next row also has) is most of a page's time once
its SQL is fast (issue 19). The row builders of each list (crm, interactions,
segments, audit) use these, and their templates print plain values.
"""

from django.urls import reverse
from django.utils import formats

# A key no URL prefix holds: reversed once, it marks where a row's own key goes.
KEY_MARK = 987654321


class RowLinks:
    """`links(pk)` is `reverse(name, args=[pk])`, from one reverse() for all rows."""

    def __init__(self, name):
        url = reverse(name, args=[KEY_MARK])
        self.prefix, _mark, self.suffix = url.partition(str(KEY_MARK))

    def __call__(self, pk):
        return f"{self.prefix}{pk}{self.suffix}"


class DateTexts:
    """`texts(day)` is `{{ day|date:"SHORT_DATE_FORMAT" }}`, each day formatted once
    (the rows of a page share few days)."""

    def __init__(self, format_name="SHORT_DATE_FORMAT"):
        self.format_name = format_name
        self.texts = {}

    def __call__(self, day):
        if day is None:
            return ""
        if day not in self.texts:
            self.texts[day] = formats.date_format(day, self.format_name)
        return self.texts[day]


def choice_labels(choices):
    """Value → label of a TextChoices class, translated once for the page:
    `labels.get(value, value)` is `get_FOO_display()`, which hashes every lazy
    label (translating it) on every call."""
    return {value: str(label) for value, label in choices.choices}
