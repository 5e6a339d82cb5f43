"""Database helpers every app's models use alike."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def choices_constraint(field, choices, name):
    """A CheckConstraint that keeps a choice field to its TextChoices values."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=name
    )


class UniqueMessagesModel(models.Model):
    """A model whose taken unique values are named: "Code BEURS already exists.",
    where Django names the model ("Interaction group with this Code already
    exists.").

    The model builds the message (Model.unique_error_message), so its forms, the
    admin and the services' full_clean() all show the same one. Not the fields'
    error_messages: Django REST framework formats those without the value.
    """

    # {field name: message} where the default wording does not fit; a message may
    # name %(field_label)s, %(value)s and %(holder)s, the row that has the value.
    unique_messages = {}

    class Meta:
        abstract = True

    def unique_error_message(self, model_class, unique_check):
        if len(unique_check) > 1:
            return super().unique_error_message(model_class, unique_check)
        (name,) = unique_check
        value = getattr(self, name)
        holder = (
            model_class._default_manager.filter(**{name: value})
            .exclude(pk=self.pk)
            .first()
        )
        return ValidationError(
            self.unique_messages.get(
                name, _("%(field_label)s %(value)s already exists.")
            ),
            code="unique",
            params={
                "field_label": capfirst(model_class._meta.get_field(name).verbose_name),
                "value": value,
                "holder": holder,
            },
        )
