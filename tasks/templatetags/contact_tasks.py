"""`{% open_tasks contact %}`: the open tasks on a contact card, so a task made from
the card is seen there again. The card is interactions' page, a floor below tasks:
the template asks for this section, and interactions imports nothing from tasks."""

from django import template
from django.utils import timezone

from tasks.models import Task

register = template.Library()

SHOWN = 10


@register.inclusion_tag("tasks/partials/contact_tasks.html", takes_context=True)
def open_tasks(context, contact):
    """A company's tasks include its persons', as its statistics do."""
    user = context["request"].user
    if not user.has_perm("tasks.view_task"):
        return {"allowed": False}
    tasks = (
        Task.objects.visible_to(user)
        .open()
        .for_contact(contact)
        .with_related()
        .order_by("date", "start_time", "no")
    )
    shown = list(tasks[: SHOWN + 1])
    return {
        "allowed": True,
        "contact": contact,
        "tasks": shown[:SHOWN],
        "more": len(shown) > SHOWN,
        "today": timezone.localdate(),
        "perms": context.get("perms"),
    }
