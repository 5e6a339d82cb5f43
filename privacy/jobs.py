"""The background job that writes a large data-subject export."""

from django.urls import reverse
from django.utils import translation

from crm.models import Contact
from jobs.services import report_progress
from privacy.services.export import export_contact_data, store_export


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
