"""interactions' periodic work, as a task the clock (`manage.py clock`) enqueues."""

from django_tasks import task

from interactions.services import remove_orphaned_attachments


@task()
def cleanup():
    """Remove attachment files no record refers to (left by refused saves)."""
    return {"attachments": remove_orphaned_attachments()}
