import os
import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import (
    Contact,
    CorrespondenceType,
    choices_constraint,
    correspondence_type_field,
)

# The option types live at module level so Meta.constraints can name them; the models
# alias them (`InteractionLogEntry.Evaluation.POSITIVE`), as Contact does with its type.


class InformationFlow(models.TextChoices):
    BLANK = "", "—"
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class InitiatedBy(models.TextChoices):
    BLANK = "", "—"
    US = "us", _("Us")
    THEM = "them", _("Them")


class Evaluation(models.TextChoices):
    BLANK = "", "—"
    VERY_POSITIVE = "very_positive", _("Very positive")
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    VERY_NEGATIVE = "very_negative", _("Very negative")


class DocumentType(models.TextChoices):
    BLANK = "", "—"
    SALES_QUOTE = "sales_quote", _("Sales quote")
    SALES_BLANKET_ORDER = "sales_blanket_order", _("Sales blanket order")
    SALES_ORDER_CONFIRMATION = "sales_order_confirmation", _("Sales order confirmation")
    SALES_INVOICE = "sales_invoice", _("Sales invoice")
    SALES_SHIPMENT = "sales_shipment", _("Sales shipment")
    SALES_CREDIT_MEMO = "sales_credit_memo", _("Sales credit memo")
    SALES_STATEMENT = "sales_statement", _("Sales statement")
    SALES_REMINDER = "sales_reminder", _("Sales reminder")
    PURCHASE_QUOTE = "purchase_quote", _("Purchase quote")
    PURCHASE_BLANKET_ORDER = "purchase_blanket_order", _("Purchase blanket order")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    PURCHASE_INVOICE = "purchase_invoice", _("Purchase invoice")
    PURCHASE_RECEIPT = "purchase_receipt", _("Purchase receipt")
    PURCHASE_CREDIT_MEMO = "purchase_credit_memo", _("Purchase credit memo")
    COVER_SHEET = "cover_sheet", _("Cover sheet / letter")
    EMAIL = "email", _("E-mail")
    OUTGOING_CALL = "outgoing_call", _("Outgoing call")
    MEETING_INVITATION = "meeting_invitation", _("Meeting invitation")


ATTACHMENT_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


def attachment_upload_to(instance, filename):
    """`attachments/<yyyy>/<mm>/<uuid4 hex><.ext>` for any model's attachment.

    Uploaded names are never used on disk: they may clash, leak personal data or carry
    path tricks; only the lowercased extension survives.
    """
    today = timezone.localdate()
    extension = os.path.splitext(filename)[1].lower()
    # An extension that is no short ASCII word (".pdf", ".docx") is dropped: a long or
    # non-ASCII one made the path too long for the column and the upload a 500.
    if not ATTACHMENT_EXTENSION.fullmatch(extension):
        extension = ""
    return f"attachments/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"


def validate_attachment_size(file):
    """Attachments are at most ATTACHMENT_MAX_SIZE bytes (DJANGO_ATTACHMENT_MAX_MB)."""
    if getattr(file, "_committed", False):
        return  # a stored file (copied from a template): checked when uploaded
    limit = settings.ATTACHMENT_MAX_SIZE
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; an attachment may be at most %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


def attachment_field():
    """The optional attachment every model with one declares alike."""
    return models.FileField(
        _("attachment"),
        upload_to=attachment_upload_to,
        max_length=255,
        blank=True,
        validators=[validate_attachment_size],
    )


def money_field(verbose_name, negative_message):
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"), message=negative_message)],
    )


def minutes_field(verbose_name, negative_message):
    # Our own MinValueValidator replaces the range check Django would add for
    # PositiveIntegerField, so forms and services show the same message.
    return models.PositiveIntegerField(
        verbose_name,
        default=0,
        help_text=_("Whole minutes."),
        validators=[MinValueValidator(0, message=negative_message)],
    )


def information_flow_field():
    return models.CharField(
        _("information flow"),
        max_length=10,
        blank=True,
        choices=InformationFlow,
        default=InformationFlow.BLANK,
    )


def initiated_by_field():
    return models.CharField(
        _("initiated by"),
        max_length=10,
        blank=True,
        choices=InitiatedBy,
        default=InitiatedBy.BLANK,
    )


class InteractionGroup(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("interaction group")
        verbose_name_plural = _("interaction groups")

    def __str__(self):
        return f"{self.code} {self.description}".strip()

    def get_absolute_url(self):
        return reverse("interactions:group_update", args=[self.pk])


class InteractionTemplate(models.Model):
    InformationFlow = InformationFlow
    InitiatedBy = InitiatedBy
    CorrespondenceType = CorrespondenceType

    code = models.CharField(_("code"), max_length=20, unique=True)
    group = models.ForeignKey(
        InteractionGroup,
        verbose_name=_("interaction group"),
        on_delete=models.PROTECT,
        related_name="templates",
    )
    description = models.CharField(_("description"), max_length=100, blank=True)
    unit_cost = money_field(_("unit cost"), _("The unit cost cannot be negative."))
    unit_duration = minutes_field(
        _("unit duration (min.)"), _("The unit duration cannot be negative.")
    )
    information_flow = information_flow_field()
    initiated_by = initiated_by_field()
    correspondence_type = correspondence_type_field()
    ignore_contact_correspondence_type = models.BooleanField(
        _("ignore contact correspondence type"),
        default=False,
        help_text=_(
            "Use the template's correspondence type even when the contact has its own."
        ),
    )
    attachment = attachment_field()
    letter_text = models.TextField(
        _("letter text"),
        blank=True,
        help_text=_(
            "The text of a letter to print for a contact. Placeholders: "
            "{{ contact.name }}, {{ contact.address }}, {{ salesperson.name }}, "
            "{{ date }} and the others listed on the letter page."
        ),
    )
    blocked = models.BooleanField(_("blocked"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("interaction template")
        verbose_name_plural = _("interaction templates")
        constraints = [
            choices_constraint(
                "information_flow", InformationFlow, "template_information_flow_valid"
            ),
            choices_constraint(
                "initiated_by", InitiatedBy, "template_initiated_by_valid"
            ),
            choices_constraint(
                "correspondence_type",
                CorrespondenceType,
                "template_correspondence_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="template_unit_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(unit_duration__gte=0),
                name="template_unit_duration_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.description}".strip()

    def get_absolute_url(self):
        return reverse("interactions:template_update", args=[self.pk])


class InteractionTemplateSetup(models.Model):
    """The template automatic recording uses for one document type (NAV table 5122).

    No row, or a row without a template: documents of that type are not logged.
    """

    document_type = models.CharField(
        _("document type"), max_length=30, unique=True, choices=DocumentType.choices[1:]
    )
    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="setups",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("interaction template setup")
        verbose_name_plural = _("interaction template setup")
        constraints = [
            models.CheckConstraint(
                condition=Q(document_type__in=[v for v in DocumentType.values if v]),
                name="templatesetup_document_type_valid",
            )
        ]

    def __str__(self):
        return str(self.get_document_type_display())


NO_STATISTICS = {"count": 0, "cost": Decimal("0"), "duration": 0, "last_date": None}


def statistics_aggregates(condition=None):
    """The aggregates of statistics(): count, cost, duration and last date of the
    entries that match `condition` (all when None)."""
    return {
        "count": Count("pk", filter=condition),
        "cost": Coalesce(
            Sum("cost", filter=condition),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        "duration": Coalesce(Sum("duration", filter=condition), 0),
        "last_date": Max("date", filter=condition),
    }


# A contact's timeline, newest first. An entry without a time sorts as the day's
# latest: NULLS FIRST is PostgreSQL's own order for a descending index column, so the
# timeline indexes serve it (SQLite, which sorts NULL lowest, is told explicitly).
TIMELINE_ORDER = (
    F("date").desc(),
    F("time").desc(nulls_first=True),
    F("entry_no").desc(),
)
TIMELINE_ORDER_REVERSED = (
    F("date").asc(),
    F("time").asc(nulls_last=True),
    F("entry_no").asc(),
)


class InteractionLogEntryQuerySet(models.QuerySet):
    def visible(self):
        """What the log entry lists show: everything but postponed drafts."""
        return self.filter(postponed=False)

    def postponed(self):
        return self.filter(postponed=True)

    def visible_to(self, user):
        """The entries `user` may see: a postponed one (a draft) belongs to who
        postponed it; who may delete others' drafts (CRM admins) sees them all."""
        if user.has_perm("interactions.delete_others_postponed"):
            return self
        return self.filter(Q(postponed=False) | Q(created_by=user.pk))

    def counted(self):
        """Entries that count in statistics: neither canceled nor postponed."""
        return self.filter(canceled=False, postponed=False)

    def for_contact(self, contact):
        """A company's entries include those of its persons; a person's are its own."""
        if contact.type == Contact.Type.COMPANY:
            return self.filter(contact_company=contact)
        return self.filter(contact=contact)

    def for_salesperson(self, salesperson):
        return self.filter(salesperson=salesperson)

    def between(self, start=None, end=None):
        """Entries dated from `start` to `end`, both inclusive; None leaves it open."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(date__gte=start)
        if end is not None:
            queryset = queryset.filter(date__lte=end)
        return queryset

    def contacts(self):
        """The distinct contacts of these entries, as a Contact queryset.

        The entries stay a subquery (`contact IN (SELECT …)`): one statement, however
        many entries match, and duplicates are gone without a DISTINCT.
        """
        return Contact.objects.filter(pk__in=self.order_by().values("contact_id"))

    def same_day_duplicates(self, contact, template, date):
        """Entries logged for `contact` with `template` on `date`, newest first: what
        "Create interaction" warns about before logging another.

        Canceled entries do not count (logging again is how a mistake is put right),
        nor do postponed drafts (nothing was logged yet). ile_contact_idx finds them.
        """
        return self.filter(
            contact=contact,
            template=template,
            date=date,
            postponed=False,
            canceled=False,
        ).order_by("-entry_no")

    def with_related(self):
        return self.select_related(
            "contact",
            "contact_company",
            "template",
            "group",
            "salesperson",
            "logged_segment",
        )

    def for_rows(self):
        """What a list row of entries shows: contact, template and salesperson.

        Lists join no more than that: at a million entries, planning a join of
        eight tables can take longer than running it.
        """
        return self.select_related("contact", "template", "salesperson")

    def timeline(self):
        """These entries newest first (TIMELINE_ORDER), one item per logged segment.

        Of the entries of one logged segment here (several persons of a company in one
        mailing) only the newest stays, annotated with `segment_entries`, how many
        there are; entries of no segment get None. One query, in the timeline index's
        order, so that a page reads its own rows only (grouping the segments, or a
        UNION with them, would read all of a contact's entries for every page); its
        subqueries run for those rows: logging writes one date for all of a segment's
        entries, so the same index finds an entry's siblings under its own date.
        """
        same_segment = self.filter(
            logged_segment=OuterRef("logged_segment"), date=OuterRef("date")
        )
        newer_sibling = same_segment.filter(entry_no__gt=OuterRef("entry_no"))
        count = (
            same_segment.order_by()
            .values("logged_segment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.filter(Q(logged_segment__isnull=True) | ~Exists(newer_sibling))
            .annotate(segment_entries=Subquery(count))
            .order_by(*TIMELINE_ORDER)
        )

    def older_than(self, position):
        """Entries after `position` (anything with date, time and entry_no) in
        TIMELINE_ORDER: the next page of a timeline, read from the index."""
        if position.time is None:
            same_day = Q(time__isnull=False) | Q(entry_no__lt=position.entry_no)
        else:
            same_day = Q(time__lt=position.time) | Q(
                time=position.time, entry_no__lt=position.entry_no
            )
        # date <= … on its own lets the index start at the position's day.
        return self.filter(date__lte=position.date).filter(
            Q(date__lt=position.date) | Q(date=position.date) & same_day
        )

    def newer_than(self, position):
        """Entries before `position` in TIMELINE_ORDER (the previous page), oldest
        first: take a page's worth and reverse it."""
        if position.time is None:
            same_day = Q(time__isnull=True, entry_no__gt=position.entry_no)
        else:
            same_day = (
                Q(time__isnull=True)
                | Q(time__gt=position.time)
                | Q(time=position.time, entry_no__gt=position.entry_no)
            )
        return (
            self.filter(date__gte=position.date)
            .filter(Q(date__gt=position.date) | Q(date=position.date) & same_day)
            .order_by(*TIMELINE_ORDER_REVERSED)
        )

    def statistics(self, *, with_visible_count=False):
        """{count, cost, duration, last_date} of the counted entries, in one query.

        `with_visible_count` adds `visible_count`, the entries a list shows (canceled
        ones too), to the same query: a card pages through them without a COUNT.
        """
        if not with_visible_count:
            return self.counted().aggregate(**statistics_aggregates())
        return self.visible().aggregate(
            visible_count=Count("pk"), **statistics_aggregates(Q(canceled=False))
        )

    def statistics_by(self, field, keys):
        """{key: statistics()} for each of `keys`, values of `field` (a foreign key's
        name), in one grouped query."""
        rows = (
            self.counted()
            .filter(**{f"{field}__in": keys})
            .order_by()
            .values(field)
            .annotate(**statistics_aggregates())
        )
        found = {row.pop(field): row for row in rows}
        return {key: found.get(key, dict(NO_STATISTICS)) for key in keys}

    # The start page's charts: each one grouped query over the entries as filtered.
    # COUNT(*), not COUNT(entry_no): the counted entries' dashboard index holds every
    # column these read but the key, so PostgreSQL reads the index alone.

    def count_by_date_and_group(self):
        """Rows of `date`, `group` (its key) and `count`.

        By day rather than week: PostgreSQL estimates days well and hashes them,
        while its DATE_TRUNC converts every date to a timestamp and, misjudging how
        many weeks there are, sorts all the rows (twice as slow at a million).
        """
        return (
            self.order_by()
            .values("date", "group")
            .annotate(count=Count("*"))
            .order_by("date", "group")
        )

    def totals_by_salesperson(self):
        """Rows of `salesperson__code`, `salesperson__name`, `count`, `cost` and
        `duration`, by code."""
        aggregates = statistics_aggregates()
        return (
            self.order_by()
            .values("salesperson__code", "salesperson__name")
            .annotate(
                count=Count("*"),
                cost=aggregates["cost"],
                duration=aggregates["duration"],
            )
            # Entries without a salesperson last, on every database.
            .order_by(F("salesperson__code").asc(nulls_last=True))
        )

    def count_by_evaluation(self):
        """{evaluation: number of entries}; evaluations without entries are left out."""
        return dict(
            self.order_by().values_list("evaluation").annotate(count=Count("*"))
        )


class InteractionLogEntry(models.Model):
    InformationFlow = InformationFlow
    InitiatedBy = InitiatedBy
    Evaluation = Evaluation
    DocumentType = DocumentType
    CorrespondenceType = CorrespondenceType

    entry_no = models.BigAutoField(_("entry no."), primary_key=True)
    # db_index=False where a composite index in Meta starts with the column already:
    # a second single-column index would only slow down bulk logging of segments.
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="interaction_log_entries",
        db_index=False,
    )
    contact_company = models.ForeignKey(
        Contact,
        verbose_name=_("contact company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="company_interaction_log_entries",
        db_index=False,
        help_text=_(
            "The contact's company, or the contact itself when it is a company."
        ),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    time = models.TimeField(_("time"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        db_index=False,
    )
    group = models.ForeignKey(
        InteractionGroup,
        verbose_name=_("interaction group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        db_index=False,
    )
    information_flow = information_flow_field()
    initiated_by = initiated_by_field()
    cost = money_field(_("cost"), _("The cost cannot be negative."))
    duration = minutes_field(
        _("duration (min.)"), _("The duration cannot be negative.")
    )
    salesperson = models.ForeignKey(
        "crm.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_log_entries",
        db_index=False,
    )
    evaluation = models.CharField(
        _("evaluation"),
        max_length=20,
        blank=True,
        choices=Evaluation,
        default=Evaluation.BLANK,
    )
    attempt_failed = models.BooleanField(_("attempt failed"), default=False)
    correspondence_type = correspondence_type_field()
    document_type = models.CharField(
        _("document type"),
        max_length=30,
        blank=True,
        choices=DocumentType,
        default=DocumentType.BLANK,
    )
    document_no = models.CharField(_("document no."), max_length=20, blank=True)
    segment_no = models.CharField(_("segment no."), max_length=20, blank=True)
    logged_segment = models.ForeignKey(
        "segments.LoggedSegment",
        verbose_name=_("logged segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        db_index=False,
    )
    attachment = attachment_field()
    postponed = models.BooleanField(_("postponed"), default=False)
    canceled = models.BooleanField(_("canceled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    canceled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("canceled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    canceled_at = models.DateTimeField(_("canceled at"), null=True, blank=True)

    objects = InteractionLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-entry_no"]
        verbose_name = _("interaction log entry")
        verbose_name_plural = _("interaction log entries")
        permissions = [
            (
                "delete_canceled_entries",
                _("Can delete canceled interaction log entries"),
            ),
            (
                "delete_others_postponed",
                _("Can delete postponed interactions of other users"),
            ),
        ]
        # NAV's keys (reference §1.4) end in canceled/postponed because every statistic
        # filters on them; the first index serves the default list order.
        indexes = [
            models.Index(
                fields=["postponed", "-date", "-entry_no"], name="ile_list_idx"
            ),
            # A contact's timeline (TIMELINE_ORDER, postponed entries among the others),
            # its statistics, and the log entry list filtered by contact or company.
            # They replace (contact_company, postponed, …) and (contact, postponed, …):
            # every index keyed on the contact makes logging a segment slower.
            models.Index(
                fields=["contact_company", "-date", "-time", "-entry_no"],
                name="ile_company_timeline_idx",
            ),
            models.Index(
                fields=["contact", "-date", "-time", "-entry_no"],
                name="ile_contact_timeline_idx",
            ),
            # A contact's postponed interactions: few rows, none written by logging.
            models.Index(
                fields=["contact", "-date", "-entry_no"],
                name="ile_contact_postponed_idx",
                condition=Q(postponed=True),
            ),
            models.Index(
                fields=["group", "canceled", "date", "postponed"], name="ile_group_idx"
            ),
            models.Index(
                fields=["template", "canceled", "date", "postponed"],
                name="ile_template_idx",
            ),
            models.Index(
                fields=["salesperson", "date", "postponed"], name="ile_salesperson_idx"
            ),
            models.Index(
                fields=["canceled", "salesperson", "date", "postponed"],
                name="ile_canceled_sp_idx",
            ),
            models.Index(
                fields=["logged_segment", "postponed"], name="ile_logged_segment_idx"
            ),
            models.Index(
                fields=["document_type", "document_no"], name="ile_document_idx"
            ),
            models.Index(fields=["canceled", "date"], name="ile_canceled_date_idx"),
            # The start page's charts over a period, for the team or a salesperson:
            # counted entries only, with every column the charts read (PostgreSQL
            # answers them from the index alone; SQLite ignores `include`).
            models.Index(
                fields=["date", "salesperson"],
                include=["group", "evaluation", "cost", "duration"],
                condition=Q(canceled=False, postponed=False),
                name="ile_dashboard_idx",
            ),
            # Finds the other users of a file before it is removed.
            models.Index(fields=["attachment"], name="ile_attachment_idx"),
        ]
        constraints = [
            choices_constraint(
                "information_flow", InformationFlow, "ile_information_flow_valid"
            ),
            choices_constraint("initiated_by", InitiatedBy, "ile_initiated_by_valid"),
            choices_constraint("evaluation", Evaluation, "ile_evaluation_valid"),
            choices_constraint(
                "correspondence_type",
                CorrespondenceType,
                "ile_correspondence_type_valid",
            ),
            choices_constraint(
                "document_type", DocumentType, "ile_document_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0), name="ile_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(duration__gte=0), name="ile_duration_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.entry_no} {self.description}".strip()

    def get_absolute_url(self):
        return reverse("interactions:entry_detail", args=[self.pk])
