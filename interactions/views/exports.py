"""The lists as files: log entries, and groups and templates with their statistics."""

from django.utils.translation import gettext_lazy as _

from audit.exports import AuditedExportMixin
from crm.models import CorrespondenceType, Language
from interactions.models import (
    DeliveryStatus,
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionTotalStatistics,
)
from interactions.views.entries import InteractionLogEntryListView
from interactions.views.setup import (
    InteractionGroupListView,
    InteractionTemplateListView,
)
from web.exports import Column, Kind

# The choice columns an entry and a segment line share in their exports.
INTERACTION_CHOICE_COLUMNS = [
    Column(
        "information_flow",
        _("Information flow"),
        Kind.CHOICE,
        choices=InformationFlow.choices,
    ),
    Column("initiated_by", _("Initiated by"), Kind.CHOICE, choices=InitiatedBy.choices),
    Column(
        "correspondence_type",
        _("Correspondence type"),
        Kind.CHOICE,
        choices=CorrespondenceType.choices,
    ),
]


class InteractionLogEntryExportView(AuditedExportMixin, InteractionLogEntryListView):
    """The filtered entries as a file, in the list's order; CSV is streamed."""

    export_title = _("Interaction log entries")
    columns = [
        Column("entry_no", _("Entry no."), Kind.INTEGER),
        Column("date", _("Date"), Kind.DATE),
        Column("time", _("Time"), Kind.TIME),
        Column("contact_no", _("Contact no."), source="contact__no", width=12),
        Column("contact_name", _("Contact name"), source="contact__name", width=30),
        Column("company_no", _("Company no."), source="contact_company__no"),
        Column("description", _("Description"), width=40),
        Column("subject", _("Subject"), width=30),
        Column("template", _("Template"), source="template__code", width=12),
        Column("group", _("Group"), source="group__code", width=12),
        *INTERACTION_CHOICE_COLUMNS,
        Column("evaluation", _("Evaluation"), Kind.CHOICE, choices=Evaluation.choices),
        Column("attempt_failed", _("Attempt failed"), Kind.BOOLEAN),
        Column("cost", _("Cost"), Kind.MONEY),
        Column("duration", _("Duration (min.)"), Kind.INTEGER),
        Column("salesperson", _("Salesperson"), source="salesperson__code"),
        Column(
            "document_type",
            _("Document type"),
            Kind.CHOICE,
            choices=DocumentType.choices,
            width=22,
        ),
        Column("document_no", _("Document no."), width=14),
        Column("segment_no", _("Segment no."), width=12),
        Column("canceled", _("Canceled"), Kind.BOOLEAN),
        Column("language_code", _("Language"), Kind.CHOICE, choices=Language.choices),
        Column(
            "delivery_status",
            _("Delivery"),
            Kind.CHOICE,
            choices=DeliveryStatus.choices,
        ),
        Column("delivery_error", _("Delivery error"), width=40),
    ]


class StatisticsExportMixin(AuditedExportMixin):
    """A statistics list as a file: the list's own columns, then its statistics,
    read in one grouped query per batch of rows."""

    def export_batches(self, queryset):
        rows = queryset.values_list(
            "pk", *[column.lookup for column in self.columns if column.source != ""]
        )
        for batch in self.read_batches(rows):
            statistics = InteractionTotalStatistics.objects.statistics_by(
                self.statistics_field, [row[0] for row in batch]
            )
            yield [
                (*row[1:], *(statistics[row[0]][key] for key in STATISTICS))
                for row in batch
            ]


# The statistics columns, filled in by StatisticsExportMixin (no source of their own).
STATISTICS = ("count", "cost", "duration", "last_date")
STATISTICS_COLUMNS = [
    Column("interactions", _("No. of interactions"), Kind.INTEGER, source=""),
    Column("total_cost", _("Cost"), Kind.MONEY, source=""),
    Column("total_duration", _("Duration (min.)"), Kind.INTEGER, source=""),
    Column("last_interaction", _("Last interaction"), Kind.DATE, source=""),
]


class InteractionGroupExportView(StatisticsExportMixin, InteractionGroupListView):
    export_title = _("Interaction groups")
    columns = [
        Column("code", _("Code"), width=12),
        Column("description", _("Description"), width=30),
        *STATISTICS_COLUMNS,
    ]


class InteractionTemplateExportView(StatisticsExportMixin, InteractionTemplateListView):
    export_title = _("Interaction templates")
    columns = [
        Column("code", _("Code"), width=12),
        Column("group", _("Group"), source="group__code", width=12),
        Column("description", _("Description"), width=30),
        Column(
            "correspondence_type",
            _("Correspondence type"),
            Kind.CHOICE,
            choices=CorrespondenceType.choices,
        ),
        Column("unit_cost", _("Unit cost"), Kind.MONEY),
        Column("unit_duration", _("Unit duration"), Kind.INTEGER),
        *STATISTICS_COLUMNS,
    ]
