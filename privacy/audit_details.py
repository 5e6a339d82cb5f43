"""How the audit trail shows the details privacy records: the counts of an erasure
and an export, the file of a download, and what a retention run did per rule (kept
as {rule key: count}). Registered in apps.py."""

from django.utils.translation import gettext_lazy as _

from privacy.models import RetentionPolicy
from privacy.services.rules import policy_rule, rule_label

DETAIL_LABELS = {
    "segment_lines": _("Segment lines"),
    "tasks": _("Tasks"),
    "letters": _("Letters"),
    "exports": _("Exports"),
    "files": _("Files"),
    "audit": _("Audit records"),
    "file": _("File"),
    "counts": _("What was done"),
}

# The rules of a run other than the policies, by what they remove: their terms
# may have changed since, and the record does not keep them.
# The order a run applies its rules in; None stands for the policies.
RUN_ORDER = ("postponed", "canceled", None, "audit", "job_files", "import_previews")
RULE_NAMES = {
    "postponed": _("Postponed interactions"),
    "canceled": _("Canceled entries"),
    "audit": _("Audit records"),
    "job_files": _("Files of background jobs"),
    "import_previews": _("Uploads waiting for an import"),
}


def retention_counts_in_words(counts):
    """A run's counts as its audit record keeps them, each rule named in the active
    language: a policy as the dry run names it (as the policy is now: one query),
    one deleted since as such."""
    names = dict(RULE_NAMES)
    if any(key not in names for key in counts):
        for policy in RetentionPolicy.objects.select_related("group", "template"):
            key, kind, params = policy_rule(policy)
            names[key] = rule_label(kind, params)
    deleted = _("A retention policy deleted since")

    def position(item):
        # As a run applies them, the policies among them by name and those deleted
        # since last: the stored counts keep no order on PostgreSQL (jsonb).
        key = item[0]
        if key in RULE_NAMES:
            return (RUN_ORDER.index(key), False, "")
        return (RUN_ORDER.index(None), key not in names, str(names.get(key, "")))

    return ", ".join(
        f"{names.get(key, deleted)}: {count}"
        for key, count in sorted(counts.items(), key=position)
    )
