"""Number series and the marketing setup (NAV's Marketing Setup)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.countries import stored_country
from crm.models.contacts import (
    CorrespondenceType,
    Salesperson,
    correspondence_type_field,
)
from web.db import UniqueMessagesModel, choices_constraint

# The most digits a number series pads to: with a prefix of at most 10 characters
# a number fits the 20 characters of a contact's, segment's or task's number.
MAX_WIDTH = 10


class NumberSeries(UniqueMessagesModel):
    """NAV's No. Series: a prefix and a counter that hands out contact and segment
    numbers without gaps (next_no)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=10, blank=True)
    next_number = models.PositiveIntegerField(
        _("next number"), default=1, validators=[MinValueValidator(1)]
    )
    width = models.PositiveSmallIntegerField(
        _("width"),
        default=5,
        help_text=_("Digits after the prefix, padded with zeros."),
        # Unbounded, a width would pad a number with gigabytes of zeros (SQLite
        # does not bound a small integer).
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WIDTH)],
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("number series")
        verbose_name_plural = pgettext_lazy("plural", "number series")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_number__gte=1),
                name="numberseries_next_number_positive",
            ),
            models.CheckConstraint(
                condition=Q(width__gte=1, width__lte=MAX_WIDTH),
                name="numberseries_width_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.format(self.next_number)}…)"

    def get_absolute_url(self):
        return reverse("crm:numberseries_update", args=[self.pk])

    def format(self, number):
        return f"{self.prefix}{number:0{self.width}d}"

    @property
    def next_no_preview(self):
        """The number the series hands out next, formatted ("CT00012"); reads only."""
        return self.format(self.next_number)

    def next_no(self):
        """Hand out the next number of the series; never the same one twice.

        The UPDATE comes first so it takes the row lock (PostgreSQL) or the write
        lock (SQLite) before the value is read: concurrent callers queue instead of
        reading the same number. Inside a caller's transaction a rollback returns the
        number, so the series has no gaps.
        """
        with transaction.atomic():
            NumberSeries.objects.filter(pk=self.pk).update(
                next_number=F("next_number") + 1
            )
            self.next_number = NumberSeries.objects.values_list(
                "next_number", flat=True
            ).get(pk=self.pk)
        return self.format(self.next_number - 1)

    def next_nos(self, count):
        """Hand out the next `count` numbers at once: one UPDATE for a whole batch of
        an import, locked and returned on rollback like next_no."""
        with transaction.atomic():
            NumberSeries.objects.filter(pk=self.pk).update(
                next_number=F("next_number") + count
            )
            self.next_number = NumberSeries.objects.values_list(
                "next_number", flat=True
            ).get(pk=self.pk)
        first = self.next_number - count
        return [self.format(number) for number in range(first, self.next_number)]


class MarketingSetup(models.Model):
    """The single row of marketing settings (NAV's Marketing Setup)."""

    contact_nos = models.ForeignKey(
        NumberSeries,
        verbose_name=_("contact nos."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    segment_nos = models.ForeignKey(
        NumberSeries,
        verbose_name=_("segment nos."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    task_nos = models.ForeignKey(
        NumberSeries,
        verbose_name=_("task nos."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    default_salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("default salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    default_correspondence_type = correspondence_type_field(
        _("default correspondence type")
    )
    # NAV's Company Information country: letters within it leave the country out.
    home_country = models.CharField(
        _("own country/region"), max_length=2, blank=True, default="NL"
    )

    class Meta:
        verbose_name = _("marketing setup")
        verbose_name_plural = _("marketing setup")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="marketingsetup_singleton"),
            choices_constraint(
                "default_correspondence_type",
                CorrespondenceType,
                "marketingsetup_correspondence_type_valid",
            ),
        ]

    def __str__(self):
        return str(_("Marketing setup"))

    def get_absolute_url(self):
        return reverse("crm:marketing_setup")

    def clean(self):
        self.home_country = stored_country(self.home_country, "home_country")

    @classmethod
    def load(cls):
        # get_or_create: the row appears on first use, so no migration seeds it.
        setup, _created = cls.objects.get_or_create(pk=1)
        return setup

    def next_no(self, series_field, *, taken=None):
        """Next number from one of the setup's series (`contact_nos`, `segment_nos`,
        `task_nos`). Numbers for which `taken(no)` is true are passed over: given by
        hand, or handed out before the series' next number was set back."""
        series = self.series(series_field)
        no = series.next_no()
        while taken is not None and taken(no):
            no = series.next_no()
        return no

    def series(self, series_field):
        """The number series set in `series_field`; a clear error when none is."""
        series = getattr(self, series_field)
        if series is None:
            raise ValidationError(
                MISSING_SERIES_MESSAGES[series_field], code="no_series"
            )
        return series


MISSING_SERIES_MESSAGES = {
    "contact_nos": _("Set up a number series for contacts in Marketing setup."),
    "segment_nos": _("Set up a number series for segments in Marketing setup."),
    "task_nos": _("Set up a number series for tasks in Marketing setup."),
}
