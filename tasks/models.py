"""NAV's to-do (table 5080, "Taak"): the next step with a contact, for a salesperson."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Contact, Salesperson
from interactions.models import InteractionTemplate
from tasks.formulas import MAX_LENGTH, validate_formula
from web.db import choices_constraint


class TaskType(models.TextChoices):
    BLANK = "", _("(blank)")
    MEETING = "meeting", _("Meeting")
    PHONE_CALL = "phone_call", _("Phone call")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WAITING = "waiting", _("Waiting")
    POSTPONED = "postponed", _("Postponed")


class CalcFrom(models.TextChoices):
    DUE_DATE = "due_date", _("Due date")
    CLOSING_DATE = "closing_date", _("Closing date")


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What `user` may see: CRM admins every task, Sales their own salesperson's
        tasks and the unassigned ones."""
        if user.has_perm("tasks.view_all_tasks"):
            return self
        return self.filter(Q(salesperson__user=user) | Q(salesperson__isnull=True))

    def open(self):
        return self.filter(closed=False)

    def overdue(self, today=None):
        return self.open().filter(date__lt=today or timezone.localdate())

    def for_salesperson(self, salesperson):
        return self.filter(salesperson=salesperson)

    def for_contact(self, contact):
        """A company's tasks include those of its persons; a person's are its own.
        One column per kind, each indexed: an OR of the two reads every task."""
        if contact.type == Contact.Type.COMPANY:
            return self.filter(contact_company=contact)
        return self.filter(contact=contact)

    def with_related(self):
        return self.select_related("contact", "salesperson", "template")

    def due_counts(self, today=None):
        """{"today": n, "overdue": n} of the open tasks, in one query."""
        today = today or timezone.localdate()
        return self.open().aggregate(
            today=models.Count("pk", filter=Q(date=today)),
            overdue=models.Count("pk", filter=Q(date__lt=today)),
        )


class Task(models.Model):
    Type = TaskType
    Priority = Priority
    Status = Status
    CalcFrom = CalcFrom

    no = models.CharField(_("no."), max_length=20, unique=True)
    type = models.CharField(
        _("type"), max_length=20, choices=TaskType, default="", blank=True
    )
    description = models.CharField(_("description"), max_length=100)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    contact_company = models.ForeignKey(
        Contact,
        verbose_name=_("contact company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="company_tasks",
        db_index=False,
    )
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        db_index=False,
    )
    # Numbers, not keys (as NAV stores them): a segment is deleted when it is logged
    # and its logged segment keeps the number; canceled entries may be deleted in bulk,
    # which must stay one DELETE (a key to them would make Django fetch every row).
    segment_no = models.CharField(_("segment no."), max_length=20, blank=True)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration = models.PositiveIntegerField(
        _("duration (min.)"), default=0, help_text=_("In whole minutes.")
    )
    ending_date = models.DateField(_("ending date"), null=True, blank=True)
    ending_time = models.TimeField(_("ending time"), null=True, blank=True)
    all_day = models.BooleanField(_("all day event"), default=False)
    location = models.CharField(_("location"), max_length=50, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NOT_STARTED
    )
    closed = models.BooleanField(_("closed"), default=False)
    date_closed = models.DateField(_("date closed"), null=True, blank=True)
    canceled = models.BooleanField(_("canceled"), default=False)
    recurring = models.BooleanField(_("recurring"), default=False)
    recurring_date_interval = models.CharField(
        _("recurring date interval"),
        max_length=MAX_LENGTH,
        blank=True,
        validators=[validate_formula],
        help_text=_("A date formula such as 1W, 2M or CM+1D."),
    )
    calc_due_date_from = models.CharField(
        _("calc. due date from"),
        max_length=20,
        choices=CalcFrom,
        default=CalcFrom.DUE_DATE,
    )
    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        help_text=_("Logged as an interaction when the task is completed."),
    )
    source_entry_no = models.PositiveBigIntegerField(
        _("from entry no."),
        null=True,
        blank=True,
        help_text=_("The interaction log entry this task follows up."),
    )
    logged_entry_no = models.PositiveBigIntegerField(
        _("logged entry no."),
        null=True,
        blank=True,
        help_text=_("The interaction log entry written when the task was completed."),
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The recurring task this one follows."),
    )
    attendee_contacts = models.ManyToManyField(
        Contact, verbose_name=_("attending contacts"), blank=True, related_name="+"
    )
    attendee_salespeople = models.ManyToManyField(
        Salesperson,
        verbose_name=_("attending salespeople"),
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Every change moves it (bulk updates set it too): the calendar feed's stamp.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time", "no"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        permissions = [("view_all_tasks", _("Can see the tasks of every salesperson"))]
        indexes = [
            # "Mijn taken", the digest and the feed: a salesperson's open tasks by date.
            models.Index(
                fields=["salesperson", "closed", "date"], name="task_open_idx"
            ),
            # The calendar feed's stamp (count and latest change of a salesperson's
            # tasks in its window), read from the index alone.
            models.Index(
                fields=["salesperson", "closed", "date_closed", "updated_at"],
                name="task_feed_stamp_idx",
            ),
            # A company's open tasks with its persons' (its card, the task list's
            # Bedrijf filter); a person's use the contact's own index.
            models.Index(
                fields=["contact_company", "closed", "date"],
                name="task_company_open_idx",
            ),
            models.Index(fields=["date", "no"], name="task_date_idx"),
            models.Index(fields=["segment_no"], name="task_segment_idx"),
        ]
        constraints = [
            choices_constraint("type", TaskType, "task_type_valid"),
            choices_constraint("priority", Priority, "task_priority_valid"),
            choices_constraint("status", Status, "task_status_valid"),
            choices_constraint("calc_due_date_from", CalcFrom, "task_calc_from_valid"),
            models.CheckConstraint(
                condition=Q(duration__gte=0), name="task_duration_not_negative"
            ),
            # Completed and canceled tasks are closed, and only those.
            models.CheckConstraint(
                condition=(
                    Q(closed=True) & (Q(status=Status.COMPLETED) | Q(canceled=True))
                )
                | (Q(closed=False, canceled=False) & ~Q(status=Status.COMPLETED)),
                name="task_closed_when_done",
            ),
        ]

    def __str__(self):
        return f"{self.no} {self.description}"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    def is_overdue(self, today=None):
        return not self.closed and self.date < (today or timezone.localdate())

    def earliest_postpone_date(self, today=None):
        """The first date the task can be postponed to: today for an overdue task,
        otherwise the day after its own date (postponing never moves it earlier)."""
        return max(today or timezone.localdate(), self.date + datetime.timedelta(1))

    def starts_at(self):
        """Date and time the task starts, or None when it has no start time."""
        if self.start_time is None or self.all_day:
            return None
        return datetime.datetime.combine(self.date, self.start_time)


class CalendarFeed(models.Model):
    """A user's iCalendar feed of their tasks: read by calendar programs at a secret
    URL without a login, so the token is the key; revoking deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="task_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The last rendered document and the stamp of the tasks it was rendered from:
    # calendar programs poll every few minutes, most polls find nothing changed.
    stamp = models.CharField(_("stamp"), max_length=64, blank=True, editable=False)
    body = models.BinaryField(_("body"), default=b"", editable=False)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("tasks:calendar_feed", args=[self.token])


class DigestSent(models.Model):
    """That a salesperson's daily task e-mail went out that day: the hourly job
    sends each one once a day, and again the next hour when sending failed."""

    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField(_("date"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("task digest sent")
        verbose_name_plural = _("task digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "date"], name="digestsent_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.salesperson.code} {self.date}"
