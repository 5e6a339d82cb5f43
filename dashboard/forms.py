import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.lookups import SalespersonField
from dashboard.selectors import DASHBOARD_WEEKS, LONGEST_PERIOD
from web.dates import validate_date_in_range
from web.lookups import WITH_BLOCKED


class DashboardForm(forms.Form):
    """The start page's period and, for who sees the whole team, salesperson.

    Both dates blank: each chart keeps its own default period. One blank: the end is
    today (or the start, when that lies ahead), the start 12 weeks before the end.
    """

    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}
        ),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}
        ),
    )
    # The team's figures include those of a salesperson blocked since.
    salesperson = SalespersonField(
        label=_("Salesperson"),
        required=False,
        placeholder=_("Whole team"),
        params={WITH_BLOCKED: "1"},
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        if not team:
            del self.fields["salesperson"]
        else:
            self.fields["salesperson"].widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if self.has_error("date_from") or self.has_error("date_to"):
            return cleaned
        # Field errors are shown as they are; the range is checked on two dates.
        if start is None and end is None:
            return cleaned
        if end is None:
            end = max(timezone.localdate(), start)
        if start is None:
            start = end - datetime.timedelta(weeks=DASHBOARD_WEEKS, days=-1)
        if start > end:
            raise ValidationError(
                _("The start date is after the end date."), code="reversed"
            )
        # A week chart of more than five years would have hundreds of bars and
        # group millions of entries in one request.
        if end - start > LONGEST_PERIOD:
            raise ValidationError(
                _("Choose a period of at most five years."), code="too_long"
            )
        cleaned.update(date_from=start, date_to=end)
        return cleaned

    def period(self):
        """(first, last day) chosen for every chart, or None for their defaults."""
        if not self.is_bound or not self.is_valid():
            return None
        start = self.cleaned_data["date_from"]
        return (start, self.cleaned_data["date_to"]) if start else None


class PageSearchForm(forms.Form):
    """The top bar's "Search for page or report" box. CharField refuses NUL
    characters, which PostgreSQL cannot compare; no page or name is that long."""

    q = forms.CharField(
        label=_("Search for page or report"), max_length=100, required=False
    )
