from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CorrespondenceType(models.TextChoices):
    """How a document reaches the contact; shared by contacts, templates and entries."""

    BLANK = "", "—"
    HARD_COPY = "hard_copy", _("Hard copy")
    EMAIL = "email", _("E-mail")


def correspondence_type_field(verbose_name=None):
    """The optional correspondence type field every model with one declares alike."""
    return models.CharField(
        verbose_name or _("correspondence type"),
        max_length=10,
        blank=True,
        choices=CorrespondenceType,
        default=CorrespondenceType.BLANK,
    )


def choices_constraint(field, choices, name):
    """A CheckConstraint that keeps a choice field to its TextChoices values."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=name
    )


class NumberSeries(models.Model):
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
        validators=[MinValueValidator(1)],
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_number__gte=1),
                name="numberseries_next_number_positive",
            ),
            models.CheckConstraint(
                condition=Q(width__gte=1), name="numberseries_width_positive"
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


class Salesperson(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="salesperson",
    )
    blocked = models.BooleanField(_("blocked"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("salesperson")
        verbose_name_plural = _("salespeople")

    def __str__(self):
        return f"{self.code} \N{EN DASH} {self.name}"

    def get_absolute_url(self):
        return reverse("crm:salesperson_detail", args=[self.pk])


class ContactQuerySet(models.QuerySet):
    def companies(self):
        return self.filter(type=Contact.Type.COMPANY)

    def with_related(self):
        return self.select_related("company", "salesperson")


class ContactType(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Person")


class Contact(models.Model):
    # Also defined at module level so Meta.constraints can name it.
    Type = ContactType

    no = models.CharField(
        _("no."),
        max_length=20,
        unique=True,
        blank=True,
        help_text=_(
            "Leave blank to take the next number of the contact number series."
        ),
    )
    type = models.CharField(
        _("type"), max_length=10, choices=Type, default=Type.COMPANY
    )
    name = models.CharField(_("name"), max_length=100)
    company = models.ForeignKey(
        "self",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        # Field validation checks the limit, so its message is the one users see.
        limit_choices_to={"type": ContactType.COMPANY},
        error_messages={
            "invalid": _("The company must be a contact of type company."),
        },
    )
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    post_code = models.CharField(_("post code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    language_code = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    correspondence_type = correspondence_type_field()
    exclude_from_segment = models.BooleanField(_("exclude from segment"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["no"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        permissions = [("import_contact", _("Can import contacts"))]
        indexes = [
            # Numbers are looked up in any case ("ct00012"): filters use iexact.
            models.Index(Upper("no"), name="contact_no_upper_idx"),
            models.Index(fields=["name"]),
            models.Index(fields=["city"]),
            models.Index(fields=["country"]),
            models.Index(fields=["type", "name"]),
        ]
        constraints = [
            choices_constraint("type", ContactType, "contact_type_valid"),
            choices_constraint(
                "correspondence_type",
                CorrespondenceType,
                "contact_correspondence_type_valid",
            ),
            # A company never belongs to another company.
            models.CheckConstraint(
                condition=Q(type="person") | Q(company__isnull=True),
                name="contact_company_has_no_company",
            ),
        ]

    def __str__(self):
        return f"{self.no} {self.name}"

    def get_absolute_url(self):
        return reverse("crm:contact_detail", args=[self.pk])

    def clean(self):
        if self.type == self.Type.COMPANY and self.company_id:
            raise ValidationError(
                {"company": _("A company cannot belong to another company.")}
            )
        # A person's company must be a company: the field's limit_choices_to, checked by
        # clean_fields(). That also rules out a person as its own company.
        if self.pk and self.type == self.Type.PERSON and self.persons.exists():
            raise ValidationError(
                {"type": _("This company has persons; it cannot become a person.")}
            )

    @property
    def contact_company_id(self):
        """The company the contact's history is filed under: itself for a company."""
        return self.pk if self.type == self.Type.COMPANY else self.company_id

    @property
    def contact_company(self):
        return self if self.contact_company_id == self.pk else self.company


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

    @classmethod
    def load(cls):
        setup, _created = cls.objects.get_or_create(pk=1)
        return setup

    def next_no(self, series_field):
        """Next number from one of the setup's series (`contact_nos`, `segment_nos`)."""
        series = getattr(self, series_field)
        if series is None:
            raise ValidationError(
                MISSING_SERIES_MESSAGES[series_field], code="no_series"
            )
        return series.next_no()


MISSING_SERIES_MESSAGES = {
    "contact_nos": _("Set up a number series for contacts in Marketing setup."),
    "segment_nos": _("Set up a number series for segments in Marketing setup."),
}


class AuditAction(models.TextChoices):
    CREATED = "created", _("Created")
    POSTPONED = "postponed", _("Postponed")
    RESUMED = "resumed", _("Resumed")
    CANCELED = "canceled", _("Canceled")
    UNCANCELED = "uncanceled", _("Canceled mark removed")
    EVALUATED = "evaluated", _("Evaluated")
    DELETED = "deleted", _("Deleted")
    SEGMENT_LOGGED = "segment_logged", _("Segment logged")
    TAKEN_OVER = "taken_over", _("Taken over")
    EXPORTED = "exported", _("Exported")


class AuditObjectType(models.TextChoices):
    ENTRY = "interaction_log_entry", _("Interaction log entry")
    POSTPONED = "postponed_interaction", _("Postponed interaction")
    LOGGED_SEGMENT = "logged_segment", _("Logged segment")
    LIST = "list", _("List")


# How the keys of AuditRecord.details are shown.
AUDIT_DETAIL_LABELS = {
    "contact": _("Contact"),
    "entries": _("Entries"),
    "filters": _("Filters"),
    "evaluation": _("Evaluation"),
    "document_type": _("Document type"),
    "document_no": _("Document no."),
    "follow_up": _("Follow-up segment"),
    "previous_owner": _("Previous owner"),
    "format": _("Format"),
}


def detail_lines(details):
    """An audit record's details as (label, text) pairs, in the order they were
    recorded: what the audit trail shows and its export writes."""
    lines = []
    for key, value in (details or {}).items():
        if isinstance(value, dict):
            text = ", ".join(f"{name}={item}" for name, item in value.items())
            text = text or _("none")
        elif isinstance(value, list):
            text = ", ".join(map(str, value))
        else:
            text = str(value)
        lines.append((AUDIT_DETAIL_LABELS.get(key, key), text))
    return lines


def details_text(details):
    """An audit record's details on one line."""
    return "; ".join(f"{label}: {text}" for label, text in detail_lines(details))


class AuditRecord(models.Model):
    """Who did what to interactions and logged segments, and when: one row per action.

    Written by crm.services.record_audit inside the action's transaction. No foreign
    key to the objects, so the records outlive them; the user is a snapshot too.
    """

    Action = AuditAction
    ObjectType = AuditObjectType

    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(
        _("user name"),
        max_length=150,
        blank=True,
        help_text=_("As it was at the time; blank for commands and imports."),
    )
    object_type = models.CharField(_("object"), max_length=30, choices=ObjectType)
    object_id = models.CharField(
        _("no."),
        max_length=20,
        blank=True,
        help_text=_("Entry or segment no. of an action on one object."),
    )
    object_repr = models.CharField(_("description"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    details = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("For an action on many: the filters used or the entries chosen."),
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        # Records are written by the services only: nobody adds, edits or deletes one.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_at_idx"),
            models.Index(fields=["action", "-at"], name="audit_action_idx"),
            models.Index(fields=["username", "-at"], name="audit_username_idx"),
            models.Index(fields=["object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["object_type", "-at"], name="audit_object_type_idx"),
        ]
        constraints = [
            choices_constraint("action", AuditAction, "audit_action_valid"),
            choices_constraint("object_type", AuditObjectType, "audit_object_valid"),
        ]

    def __str__(self):
        when = timezone.localtime(self.at)
        return f"{when:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def detail_lines(self):
        """The details as (label, text) pairs, in the order they were recorded."""
        return detail_lines(self.details)


class ThrottleEvent(models.Model):
    """One attempt counted against a limit: password reset requests per address and
    per client, wrong current passwords on the password change page. Keys hold no
    address in clear (crm.services.throttle_key); `manage.py cleanup` removes rows
    older than a day."""

    key = models.CharField(max_length=100)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["key", "at"], name="throttle_key_at_idx")]

    def __str__(self):
        return f"{self.key} {self.at:%Y-%m-%d %H:%M}"


class FormSubmission(models.Model):
    """A form's one-time token, used once: a second submit of the same form (a
    double click, a resent request) is answered with the first one's result
    (crm.submissions). `manage.py cleanup` removes rows older than a day."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    result_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return str(self.token)
