"""The interactions' operations that run as background jobs when they concern more
than settings.BULK_JOB_THRESHOLD entries: bulk cancel, un-cancel and evaluate, and
"Delete canceled entries". Registered in apps.py; started by the pages.

A job gets its selection as the page had it (the list's filters as a query string,
or the ticked entry numbers) and chooses again, for its owner, with the same
FilterSet; the work is the services' batch-wise variants.
"""

import datetime

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.models import Contact, Salesperson
from interactions import services
from interactions.filters import InteractionLogEntryFilter
from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from jobs.services import report_progress, should_stop

BULK_KIND = "interactions.bulk_entries"
DELETE_KIND = "interactions.delete_canceled"

# The objects "Delete canceled entries" filters by, stored in a job as their keys.
DELETE_FILTER_MODELS = {
    "contact": Contact,
    "template": InteractionTemplate,
    "group": InteractionGroup,
    "salesperson": Salesperson,
}


def bulk_done_message(action, count):
    """What a bulk action on entries did, on the page or at the end of its job."""
    return {
        "cancel": ngettext(
            "%(count)s interaction log entry marked canceled.",
            "%(count)s interaction log entries marked canceled.",
            count,
        ),
        "uncancel": ngettext(
            "Canceled mark removed from %(count)s interaction log entry.",
            "Canceled mark removed from %(count)s interaction log entries.",
            count,
        ),
        "evaluate": ngettext(
            "%(count)s interaction log entry evaluated.",
            "%(count)s interaction log entries evaluated.",
            count,
        ),
        "delete": ngettext(
            "%(count)s interaction log entry deleted.",
            "%(count)s interaction log entries deleted.",
            count,
        ),
    }[action] % {"count": count}


def bulk_entries_params(*, action, query, entries, evaluation, criteria):
    """A bulk job's parameters: the list's filters (`query`) when all matching
    entries were chosen, else the ticked `entries`."""
    return {
        "action": action,
        "query": query,
        "entries": None if entries is None else [entry.pk for entry in entries],
        "evaluation": evaluation or "",
        "criteria": criteria,
    }


def bulk_entries_job(job, *, action, query, entries, evaluation, criteria):
    """Cancel, un-cancel or evaluate the chosen entries batch by batch."""
    user = job.created_by
    if not user.has_perm("interactions.change_interactionlogentry"):
        raise ValidationError(_("You may no longer change interaction log entries."))
    selection = InteractionLogEntry.objects.visible()
    if entries is None:
        filterset = InteractionLogEntryFilter(QueryDict(query), queryset=selection)
        if not filterset.is_valid():
            raise ValidationError(
                _("The list's filters are not valid. Filter the list again.")
            )
        selection = filterset.qs
    else:
        selection = selection.filter(pk__in=entries)
    progress = _progress(job, action)
    if action == "evaluate":
        services.evaluate_entries_in_batches(
            selection, evaluation, user=user, criteria=criteria, progress=progress
        )
    else:
        services.set_canceled_in_batches(
            selection,
            action == "cancel",
            user=user,
            criteria=criteria,
            progress=progress,
        )
    url = reverse("interactions:entry_list")
    return {
        "url": f"{url}?{query}" if query else url,
        "label": _("Interaction log entries"),
    }


def delete_canceled_params(filters):
    """A delete job's parameters: the page's filters as dates and keys."""
    return {
        "filters": {
            name: value.isoformat() if isinstance(value, datetime.date) else value.pk
            for name, value in filters.items()
        }
    }


def delete_canceled_job(job, *, filters):
    """Delete the canceled entries the filters select, batch by batch."""
    user = job.created_by
    if not user.has_perm("interactions.delete_canceled_entries"):
        raise ValidationError(_("You may no longer delete canceled entries."))
    values = {}
    for name, value in filters.items():
        if name in DELETE_FILTER_MODELS:
            values[name] = DELETE_FILTER_MODELS[name].objects.get(pk=value)
        else:
            values[name] = datetime.date.fromisoformat(value)
    services.delete_canceled_entries_in_batches(
        **values, user=user, progress=_progress(job, "delete")
    )
    return {
        "url": reverse("interactions:delete_canceled"),
        "label": _("Delete canceled entries"),
    }


def _progress(job, action):
    """Report each batch on the jobs page; go on unless the owner canceled."""

    def progress(examined, changed):
        report_progress(job, done=examined, message=bulk_done_message(action, changed))
        return not should_stop(job)

    return progress
