"""Writing the audit trail: one record per action, inside the action's transaction."""

from django.db import transaction

from audit.models import AuditRecord


@transaction.atomic
def record_export(*, user, title, file_format, rows, criteria):
    """Note in the audit trail that `user` downloaded `rows` rows of the list `title`
    as `file_format`, chosen by the filters `criteria` ({name: value})."""
    return record_audit(
        action=AuditRecord.Action.EXPORTED,
        user=user,
        object_type=AuditRecord.ObjectType.LIST,
        object_repr=title,
        count=rows,
        details={"format": file_format, "filters": criteria},
    )


def record_audit(
    *,
    action,
    user,
    object_type,
    count=1,
    object_id="",
    object_repr="",
    details=None,
):
    """Write the audit record of one action: on one object, or on `count` of them.

    Call it inside the action's transaction, so the record is kept exactly when the
    action commits. `details` (JSON) says which: the filters used, the entries chosen.
    """
    # Outside a transaction the record could be kept for an action that then
    # fails (or lost for one that succeeds); a loud error finds such a caller.
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_audit() must run inside the action's transaction.")
    # Commands act without a user (None); the page shows them as "system".
    actor = user if user is not None and user.is_authenticated else None
    return AuditRecord.objects.create(
        action=action,
        user=actor,
        username=actor.get_username() if actor is not None else "",
        object_type=object_type,
        object_id=str(object_id),
        # Cut to the column, not refused: the action matters more than its label.
        object_repr=str(object_repr)[
            : AuditRecord._meta.get_field("object_repr").max_length
        ],
        count=count,
        details=details or {},
    )
