"""Every list export is audited: the export mixin the domain apps' pages use."""

from audit import services
from web.exports import ExportMixin


class AuditedExportMixin(ExportMixin):
    """web.exports.ExportMixin that notes each download in the audit trail before the
    rows leave the CRM."""

    # Recorded before the first row is written: a download cut short is still
    # one that left the CRM.
    def record_export(self, *, title, file_format, rows, criteria):
        services.record_export(
            user=self.request.user,
            title=title,
            file_format=file_format,
            rows=rows,
            criteria=criteria,
        )
