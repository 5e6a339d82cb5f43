"""The "Opvolgtaak" sections of Create interaction (interactions.sections) and Log
segment (segments.sections): follow-up tasks made in the transaction that logs the
interaction or the segment."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from interactions.lookups import TemplateField
from interactions.models import InteractionTemplate
from tasks.forms import DATE_INPUT
from tasks.models import Task
from tasks.services import create_task, create_tasks_for_segment


class FollowUpForm(forms.Form):
    """Labels of their own: the page's own Date, Description and template fields
    keep theirs unique."""

    create = forms.BooleanField(
        label=gettext_lazy("Create follow-up task"), required=False
    )
    date = forms.DateField(
        label=gettext_lazy("Follow-up date"), required=False, widget=DATE_INPUT
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Follow-up type"), choices=Task.Type.choices, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Follow-up description"), max_length=100, required=False
    )
    template = TemplateField(
        label=gettext_lazy("Template to log"),
        required=False,
        queryset=InteractionTemplate.objects.active(),
        help_text=gettext_lazy("Logged when the follow-up task is completed."),
    )
    recurring_date_interval = forms.CharField(
        # Named as the task form names it; filled in, the task recurs.
        label=gettext_lazy("Recurring date interval"),
        max_length=20,
        required=False,
        help_text=gettext_lazy(
            "A date formula such as 1W, 2M or CM+1D; filled in, the task recurs."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("create"):
            for name in ("date", "description"):
                if not data.get(name):
                    self.add_error(name, _("Fill this in for the follow-up task."))
        return data


def _named(error):
    """The service's refusal, saying it is the follow-up task's."""
    return ValidationError(
        [
            _("Follow-up task: %(message)s") % {"message": message}
            for message in error.messages
        ]
    )


class FollowUpSection:
    prefix = "follow_up"
    form_class = FollowUpForm
    template_name = "tasks/partials/follow_up_section.html"

    def allowed(self, user):
        return user.has_perm("tasks.add_task")

    def save(self, entry, form, *, user):
        """Make the follow-up task of `entry` when asked, and say so for the page's
        message; a refusal names the section, so the page shows it above the form."""
        data = form.cleaned_data
        if not data.get("create"):
            return None
        interval = data["recurring_date_interval"]
        try:
            task = create_task(
                user=user,
                contact=entry.contact,
                salesperson=entry.salesperson,
                date=data["date"],
                type=data["type"],
                description=data["description"],
                template=data["template"],
                recurring=bool(interval),
                recurring_date_interval=interval,
                source_entry_no=entry.pk,
            )
        except ValidationError as error:
            raise _named(error) from error
        return _("Follow-up task %(no)s created.") % {"no": task.no}


class SegmentFollowUpForm(FollowUpForm):
    """Log segment's Opvolgtaak: date, type and description; each task gets the
    contact and salesperson of its logged line."""

    template = None
    recurring_date_interval = None


class SegmentFollowUpSection:
    """A follow-up task for every contact logged, made by create_tasks_for_segment
    in the transaction of log_segment (also when a background job logs)."""

    prefix = "follow_up_task"
    form_class = SegmentFollowUpForm
    template_name = "tasks/partials/follow_up_section.html"

    def allowed(self, user):
        return user.has_perm("tasks.add_task")

    def values(self, form):
        data = form.cleaned_data
        if not data.get("create"):
            return None
        return {
            "date": data["date"].isoformat(),
            "type": data["type"],
            "description": data["description"],
        }

    def save(self, logged_segment, values, *, user):
        try:
            date = datetime.date.fromisoformat(values["date"])
        except (KeyError, TypeError, ValueError):
            raise _named(ValidationError(_("Enter a valid date."))) from None
        kind = values.get("type", "")
        if kind and kind not in Task.Type.values:
            raise _named(ValidationError(_("Unknown task type “%s”.") % kind[:20]))
        try:
            made = create_tasks_for_segment(
                logged_segment,
                user=user,
                date=date,
                type=kind,
                description=values.get("description", ""),
            )
        except ValidationError as error:
            raise _named(error) from error
        return {"count": made, "date": date}

    def done_message(self, result):
        return ngettext(
            "%(count)s follow-up task created for %(date)s.",
            "%(count)s follow-up tasks created for %(date)s.",
            result["count"],
        ) % {
            "count": result["count"],
            "date": date_format(result["date"], "SHORT_DATE_FORMAT"),
        }
