"""The audit trail page and its export."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.views import FilterView

from audit.exports import AuditedExportMixin
from audit.filters import AuditRecordFilter
from audit.models import AuditRecord, details_text
from web.exports import Column, Kind
from web.pagination import EstimatedCountPaginator
from web.users import FullNames
from web.views import PAGE_SIZE


class AuditRecordListView(PermissionRequiredMixin, FilterView):
    """Audit trail: who created, postponed, resumed, canceled, evaluated, deleted or
    logged what, and when; newest first."""

    permission_required = "audit.view_auditrecord"
    filterset_class = AuditRecordFilter
    queryset = AuditRecord.objects.select_related("user")
    paginate_by = PAGE_SIZE
    # The trail only grows: an exact count of millions of rows costs a full scan.
    paginator_class = EstimatedCountPaginator
    template_name = "audit/auditrecord_list.html"


class AuditRecordExportView(AuditedExportMixin, AuditRecordListView):
    export_title = _("Audit trail")
    columns = [
        Column("at", _("When"), Kind.DATETIME),
        # By full name, as the page names them; the codes CSV keeps the user name.
        Column("username", _("User"), display=FullNames),
        Column("action", _("Action"), Kind.CHOICE, choices=AuditRecord.Action.choices),
        Column(
            "object_type",
            _("Object"),
            Kind.CHOICE,
            choices=AuditRecord.ObjectType.choices,
        ),
        Column("object_id", _("No."), width=12),
        Column("object_repr", _("Description"), width=30),
        # "Aantal", as the page heads it: the bare "Count" is the button "Tellen".
        Column("count", pgettext_lazy("number of", "Count"), Kind.INTEGER),
        # The codes CSV keeps the JSON as stored; the other formats read as the page.
        Column("details", _("Details"), display=details_text, width=50),
    ]

    def export_queryset(self):
        """The trail as it stood when the export was asked for: this export's own
        record, written next, and later ones stay out of the file, so the file
        holds as many rows as that record counts."""
        queryset = super().export_queryset()
        if queryset is None:
            return None
        newest = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True)
        return queryset.filter(pk__lte=newest.first() or 0)
