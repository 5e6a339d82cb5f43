"""What retention rules are called: the run log keeps a rule's kind and parameters,
and pages, exports and the audit trail name it in the reader's language."""

from django.utils.translation import ngettext_lazy

# What each kind of rule is called; the log stores kind and params and names a
# rule in the reader's language, its term in the singular or plural its number takes.
RULE_LABELS = {
    "postponed": ngettext_lazy(
        "Postponed interactions older than %(days)s day",
        "Postponed interactions older than %(days)s days",
        "days",
    ),
    "canceled": ngettext_lazy(
        "Canceled entries canceled more than %(days)s day ago",
        "Canceled entries canceled more than %(days)s days ago",
        "days",
    ),
    "template": ngettext_lazy(
        "Template %(code)s: entries older than %(months)s month",
        "Template %(code)s: entries older than %(months)s months",
        "months",
    ),
    "group": ngettext_lazy(
        "Group %(code)s: entries older than %(months)s month",
        "Group %(code)s: entries older than %(months)s months",
        "months",
    ),
    "audit": ngettext_lazy(
        "Audit records older than %(years)s year",
        "Audit records older than %(years)s years",
        "years",
    ),
    "job_files": ngettext_lazy(
        "Files of background jobs finished more than %(hours)s hour ago",
        "Files of background jobs finished more than %(hours)s hours ago",
        "hours",
    ),
    "import_previews": ngettext_lazy(
        "Uploads waiting for an import for more than %(hours)s hour",
        "Uploads waiting for an import for more than %(hours)s hours",
        "hours",
    ),
}


def rule_label(kind, params):
    """A rule's name in the active language, from what the log stores."""
    label = RULE_LABELS.get(kind)
    return label % params if label is not None else kind


def policy_rule(policy):
    """The key, kind and parameters of `policy`'s rule, as a run's log and its
    audit record keep them (a policy select_related to its group and template)."""
    kind = "template" if policy.template_id is not None else "group"
    return (
        f"policy-{policy.pk}",
        kind,
        {"code": policy.subject.code, "months": policy.months},
    )


def with_labels(lines):
    """The lines of a plan or a run's counts, named in the active language."""
    return [
        {**line, "label": rule_label(line["kind"], line["params"])} for line in lines
    ]
