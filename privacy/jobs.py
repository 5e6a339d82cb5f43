"""The privacy app's background jobs: a large data-subject export, and the retention
run (started by "Run now" on the dry-run page and by the daily task
privacy.tasks.apply_retention). Registered in apps.py."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.models import Contact
from jobs.services import report_progress, should_stop
from privacy.models import RetentionRun
from privacy.services import apply_retention
from privacy.services.export import export_contact_data, store_export

# Who may start a run by hand and see the retention pages: CRM admins (the same
# permission as Marketing setup, where the page is linked from).
RETENTION_PERMISSION = "crm.change_marketingsetup"


def retention_job(job, *, language=None):
    """Apply the retention rules batch by batch, reporting each batch, in the
    `language` of whoever started the run (the site's for the daily one)."""
    with translation.override(language):
        user = job.created_by
        # A run started by hand stops when its owner lost the right meanwhile; the
        # daily one (no owner) always runs.
        if user is not None and not user.has_perm(RETENTION_PERMISSION):
            raise ValidationError(_("You may no longer apply the retention rules."))

        def progress(done, total):
            report_progress(
                job,
                done=done,
                total=total,
                message=ngettext(
                    "%(count)s record deleted or anonymised.",
                    "%(count)s records deleted or anonymised.",
                    done,
                )
                % {"count": done},
            )
            return not should_stop(job)

        apply_retention(user=user, progress=progress)
        return {"url": reverse("privacy:retention_runs"), "label": _("Retention runs")}


def retention_job_stale(job, *, language=None):
    """The worker died mid-run: the run it logged is over, as failed (said in the
    language the run was started in)."""
    with translation.override(language):
        RetentionRun.objects.filter(status=RetentionRun.Status.RUNNING).update(
            status=RetentionRun.Status.FAILED,
            message=_("The worker stopped while the run was going on."),
        )


def export_job(job, *, contact_id, language):
    """Write the contact's export for the job's owner, in `language`, and keep it
    for a day; the job's result is the (audited) download link."""
    contact = Contact.objects.get(pk=contact_id)
    with translation.override(language):
        content = export_contact_data(contact, user=job.created_by)
        export = store_export(contact, content, user=job.created_by, job=job)
    report_progress(job, done=1, message=contact.no)
    return {
        "url": reverse("privacy:export_download", args=[export.pk]),
        "label": export.file_name,
    }
