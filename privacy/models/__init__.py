"""The privacy app's records: data-subject exports, retention policies and runs."""

from privacy.models.exports import ContactExport, export_upload_to

__all__ = ["ContactExport", "export_upload_to"]
