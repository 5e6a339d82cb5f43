"""Exports too large for one request (web.exports hands them here): a job runs the
list's own export view again, for the user who asked, into the job's file.

Running the view itself (its dotted path, its URL arguments and the request's query
string are the job's parameters) keeps one definition of each export: the same
FilterSet and filters, permission check, columns, formula guard and audit record as
a download in the request, and no app writes code of its own for its large exports.
"""

import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from jobs.services import attach_file, report_progress, should_stop, start_job
from jobs.views import started_message
from web.amounts import format_whole_number
from web.exports import ExportMixin

KIND = "export"


class ExportStopped(Exception):
    """The owner canceled the job: the file is left unwritten."""


def start_export_job(view, rows):
    """Start the job writing `view`'s export of `rows` rows; the response sends the
    user to the jobs page, where the file will be."""
    request = view.request
    view_class = type(view)
    job = start_job(
        KIND,
        user=request.user,
        total=rows,
        params={
            "view": f"{view_class.__module__}.{view_class.__qualname__}",
            "kwargs": view.kwargs,
            "query": request.GET.urlencode(),
            "path": request.path,
            "language": translation.get_language(),
        },
    )
    messages.info(
        request,
        started_message(
            job,
            _(
                "%(rows)s rows are too many to download at once: the file is being "
                "made in the background, and is kept for you for a day."
            )
            % {"rows": format_whole_number(rows)},
        ),
    )
    return redirect("jobs:list")


def export_job(job, *, view, kwargs, query, path, language):
    """Write the export into the job's file: the view runs for the job's owner as a
    GET of `path` with `query`, in `language`."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.user = job.created_by
    view_class = import_string(view)
    # The path comes from the job's row: only a list's export view is run.
    if not issubclass(view_class, ExportMixin):
        raise ValidationError(
            _("The list could not be exported: %(reason)s") % {"reason": view}
        )
    instance = view_class()
    instance.export_progress = lambda done: _progress(job, done, instance)
    with translation.override(language), tempfile.TemporaryFile() as file:
        instance.setup(request, **kwargs)
        try:
            response = instance.dispatch(request, **kwargs)
            if response.status_code != 200:
                raise ValidationError(
                    _("The list could not be exported: %(reason)s")
                    % {"reason": response.content.decode(errors="replace")[:500]}
                )
            # A workbook is written before dispatch returns, a CSV while it is read.
            try:
                for chunk in response.streaming_content:
                    file.write(chunk)
            finally:
                _release(response)
        except ExportStopped:
            return None
        except PermissionDenied:
            raise ValidationError(_("You may no longer export this list.")) from None
        name = instance.export_filename()
        file.seek(0)
        attach_file(job, File(file, name=name), name=name)
    return {"url": reverse("jobs:download", args=[job.pk]), "label": name}


def _release(response):
    """Close the workbook's temporary file. Not HttpResponse.close(): that announces
    the end of a request (request_finished), on which Django closes the database
    connection the job still works with. A CSV's row generator closes its cursor
    when it is done or dropped."""
    file = getattr(response, "file_to_stream", None)
    if file is not None:
        file.close()


def _progress(job, done, view):
    # The list's name tells one export job from the other on the jobs page.
    report_progress(job, done=done, message=str(view.get_export_title()))
    if should_stop(job):
        raise ExportStopped
