"""The interaction pages, one module per family, all importable from here for the
URLs (interactions.urls, config.urls) and for segments, which reuses the entry
export's choice columns:

- entries: create an interaction; the log entry list, detail, bulk actions and
  "Delete canceled entries"
- files: the attachments of entries, templates and language versions as downloads
- postponed: the postponed list, resume, take over, bulk delete
- bulk: the selection and confirmation every bulk action shares
- setup: interaction groups, templates and Interaction template setup
- languages: a template's language versions, edited on its page
- exports: the lists as files (entries; groups and templates with statistics)
- documents: send e-mail and print letter, from a contact card
- lookups: the JSON the template and group lookup fields search
- cards: the contact and salesperson cards with their interaction history
"""

from interactions.views.documents import ContactActionMixin, LetterView, SendEmailView
from interactions.views.entries import (
    DeleteCanceledView,
    EntryBulkView,
    InteractionCreateView,
    InteractionFormFieldsView,
    InteractionFormMixin,
    InteractionLogEntryDetailView,
    InteractionLogEntryListView,
)
from interactions.views.exports import (
    INTERACTION_CHOICE_COLUMNS,
    STATISTICS_COLUMNS,
    InteractionGroupExportView,
    InteractionLogEntryExportView,
    InteractionTemplateExportView,
)
from interactions.views.files import (
    AttachmentDownloadView,
    EntryAttachmentView,
    TemplateAttachmentView,
    TemplateLanguageAttachmentView,
)
from interactions.views.languages import (
    TemplateLanguageCreateView,
    TemplateLanguageDeleteView,
    TemplateLanguageUpdateView,
)
from interactions.views.lookups import GroupLookupView, TemplateLookupView
from interactions.views.postponed import (
    InteractionResumeView,
    InteractionTakeOverView,
    PostponedBulkView,
    PostponedListView,
)
from interactions.views.setup import (
    InteractionGroupCreateView,
    InteractionGroupDeleteView,
    InteractionGroupListView,
    InteractionGroupUpdateView,
    InteractionTemplateCreateView,
    InteractionTemplateDeleteView,
    InteractionTemplateDetailView,
    InteractionTemplateListView,
    InteractionTemplateUpdateView,
    TemplateSetupView,
)

__all__ = [
    "INTERACTION_CHOICE_COLUMNS",
    "STATISTICS_COLUMNS",
    "AttachmentDownloadView",
    "ContactActionMixin",
    "DeleteCanceledView",
    "EntryAttachmentView",
    "EntryBulkView",
    "GroupLookupView",
    "InteractionCreateView",
    "InteractionFormFieldsView",
    "InteractionFormMixin",
    "InteractionGroupCreateView",
    "InteractionGroupDeleteView",
    "InteractionGroupExportView",
    "InteractionGroupListView",
    "InteractionGroupUpdateView",
    "InteractionLogEntryDetailView",
    "InteractionLogEntryExportView",
    "InteractionLogEntryListView",
    "InteractionResumeView",
    "InteractionTakeOverView",
    "InteractionTemplateCreateView",
    "InteractionTemplateDeleteView",
    "InteractionTemplateDetailView",
    "InteractionTemplateExportView",
    "InteractionTemplateListView",
    "InteractionTemplateUpdateView",
    "LetterView",
    "PostponedBulkView",
    "PostponedListView",
    "SendEmailView",
    "TemplateAttachmentView",
    "TemplateLanguageAttachmentView",
    "TemplateLanguageCreateView",
    "TemplateLanguageDeleteView",
    "TemplateLanguageUpdateView",
    "TemplateLookupView",
    "TemplateSetupView",
]
