"""Domain operations on segments; views, admin, API and commands call these.

One module per family of operations, re-exported here so callers keep
`from segments.services import log_segment`:

- segments: create, apply a template to, update and delete the segment header
- lines: add and remove contacts, add, personalise and delete one line, give the
  blocking lines the header's template; the correspondence type a line takes
- from_entries: segments from the contacts of interaction log entries
- log: log a segment (one entry per line), with a follow-up
- delivery: send a logged segment's content (e-mails, a PDF of letters), resend
  the failed ones
- content: what a delivery sends each entry; the letters PDF without an erased
  contact's letters
- recovery: settle what a killed delivery worker left
- printing: the PDF of letters
- logged: cancel, un-cancel, describe, delete and reuse logged segments
- criteria: add, reduce and refine the lines by criteria, go back (criteria_sources:
  the contacts criteria name, and in words; criteria_saved: saved criteria and
  dynamic segments; criteria_preview: what an action would do, counted first)
- guards, sql: the checks and the raw SQL helpers the others share
"""

from segments.services.content import rewrite_letters
from segments.services.criteria import (
    add_contacts_by_criteria,
    go_back,
    reduce_contacts,
    refine_contacts,
)
from segments.services.criteria_preview import left_out_of_add, preview_action
from segments.services.criteria_saved import (
    delete_saved_criteria,
    dynamic_changes,
    reapply_criteria,
    reuse_criteria,
    save_criteria,
    update_saved_criteria,
)
from segments.services.criteria_sources import (
    criteria_contacts,
    criteria_in_words,
)
from segments.services.delivery import (
    deliver_logged_segment,
    resend_failed,
)
from segments.services.from_entries import (
    ContactsAdded,
    add_contacts_from_entries,
    create_segment_from_entries,
)
from segments.services.lines import (
    LINE_FIELDS,
    LINE_VALUES,
    add_contacts,
    add_line,
    apply_header_template_to_blocking_lines,
    correspondence_type_for,
    delete_line,
    line_template_values,
    remove_contacts,
    update_line,
)
from segments.services.log import check_confirmed_lines, check_loggable, log_segment
from segments.services.logged import (
    delete_logged_segment,
    reuse_logged_segment,
    set_logged_segment_canceled,
    update_logged_segment,
)
from segments.services.recovery import recover_deliveries
from segments.services.segments import (
    HEADER_FIELDS,
    apply_template,
    create_segment,
    delete_segment,
    template_header_values,
    update_header,
)

__all__ = [
    "HEADER_FIELDS",
    "LINE_FIELDS",
    "LINE_VALUES",
    "ContactsAdded",
    "add_contacts",
    "add_contacts_by_criteria",
    "add_contacts_from_entries",
    "add_line",
    "apply_header_template_to_blocking_lines",
    "apply_template",
    "check_confirmed_lines",
    "check_loggable",
    "correspondence_type_for",
    "create_segment",
    "create_segment_from_entries",
    "criteria_contacts",
    "criteria_in_words",
    "delete_line",
    "delete_logged_segment",
    "delete_saved_criteria",
    "delete_segment",
    "deliver_logged_segment",
    "dynamic_changes",
    "go_back",
    "left_out_of_add",
    "line_template_values",
    "log_segment",
    "preview_action",
    "reapply_criteria",
    "recover_deliveries",
    "reduce_contacts",
    "refine_contacts",
    "remove_contacts",
    "resend_failed",
    "reuse_criteria",
    "reuse_logged_segment",
    "rewrite_letters",
    "save_criteria",
    "set_logged_segment_canceled",
    "template_header_values",
    "update_header",
    "update_line",
    "update_logged_segment",
    "update_saved_criteria",
]
