"""Database helpers every app's models use alike."""

from django.db import models
from django.db.models import Q


def choices_constraint(field, choices, name):
    """A CheckConstraint that keeps a choice field to its TextChoices values."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=name
    )
