"""Domain operations on interactions; views, admin, commands and the API call these.

One module per family of operations (as Zulip's actions/), all re-exported here so
callers write `from interactions.services import create_interaction`:

- defaults: what an entry takes from its template and whom it is logged for
- entries: log a finished interaction; cancel and evaluate logged entries
- postponed: postpone, resume, take over and delete postponed interactions
- documents: automatic recording of documents; Interaction template setup
- cleanup: delete canceled entries (and any entries, for retention)
- batches: the batch-wise runs of the bulk operations, for background jobs
- templates: create, change and delete interaction groups and templates
- files: remove attachment files nothing refers to any more
- statistics: keep the statistics tables in step with the entries; rebuild them
- anonymise: clear what entries say about a person, keeping what they count
- versions: which language version of a template a contact gets
- languages: create, change and delete a template's language versions
"""

from interactions.services.anonymise import anonymise_entries
from interactions.services.batches import (
    entries_by_day,
    in_batches,
    in_day_ranges,
    in_key_ranges,
)
from interactions.services.cleanup import (
    delete_canceled_entries,
    delete_canceled_entries_in_batches,
    delete_days_of_groups,
    delete_entries,
)
from interactions.services.defaults import (
    TEMPLATE_VALUES,
    default_salesperson,
    entry_values_from_template,
    template_defaults,
)
from interactions.services.documents import (
    DOCUMENT_WINDOW,
    document_template,
    log_document,
    update_template_setup,
)
from interactions.services.entries import (
    INTERACTION_FIELDS,
    create_interaction,
    evaluate_entries,
    evaluate_entries_in_batches,
    set_canceled,
    set_canceled_in_batches,
)
from interactions.services.files import (
    remove_orphaned_attachments,
    remove_unreferenced_attachments,
)
from interactions.services.languages import (
    LANGUAGE_FIELDS,
    create_template_language,
    delete_template_language,
    update_template_language,
)
from interactions.services.postponed import (
    delete_postponed,
    postpone_interaction,
    resume_interaction,
    take_over_postponed,
)
from interactions.services.statistics import (
    add_statistics,
    change_statistics,
    rebuild_statistics,
    remove_statistics,
)
from interactions.services.templates import (
    create_group,
    create_template,
    delete_group,
    delete_template,
    update_group,
    update_template,
)
from interactions.services.versions import (
    Version,
    VersionChooser,
    choose_version,
    own_version,
)

__all__ = [
    "DOCUMENT_WINDOW",
    "INTERACTION_FIELDS",
    "LANGUAGE_FIELDS",
    "TEMPLATE_VALUES",
    "Version",
    "VersionChooser",
    "add_statistics",
    "anonymise_entries",
    "change_statistics",
    "choose_version",
    "create_group",
    "create_interaction",
    "create_template",
    "create_template_language",
    "default_salesperson",
    "delete_canceled_entries",
    "delete_canceled_entries_in_batches",
    "delete_days_of_groups",
    "delete_entries",
    "delete_group",
    "delete_postponed",
    "delete_template",
    "delete_template_language",
    "document_template",
    "entries_by_day",
    "entry_values_from_template",
    "evaluate_entries",
    "evaluate_entries_in_batches",
    "in_batches",
    "in_day_ranges",
    "in_key_ranges",
    "log_document",
    "own_version",
    "postpone_interaction",
    "rebuild_statistics",
    "remove_orphaned_attachments",
    "remove_statistics",
    "remove_unreferenced_attachments",
    "resume_interaction",
    "set_canceled",
    "set_canceled_in_batches",
    "take_over_postponed",
    "template_defaults",
    "update_group",
    "update_template",
    "update_template_language",
    "update_template_setup",
]
