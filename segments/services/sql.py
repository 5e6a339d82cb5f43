"""Helpers of the statements written by hand (INSERT … SELECT): quoting, columns
from the models' metadata, values as the database stores them."""

from django.db import connection, models

from crm.models import Contact


def _contact_keys(contacts):
    """`contacts` (a queryset, or contacts or their keys) as a queryset of keys."""
    if isinstance(contacts, models.QuerySet):
        if contacts.model is not Contact:
            raise TypeError(f"Expected contacts, got a queryset of {contacts.model}.")
        # As a subquery: INSERT/DELETE stay one statement whatever the caller's
        # queryset holds (filters, ordering, select_related, distinct, a slice —
        # whose ordering decides which rows it takes, so that one stays).
        if contacts.query.is_sliced:
            return contacts.values("pk")
        return contacts.order_by().values("pk")
    keys = [getattr(contact, "pk", contact) for contact in contacts]
    return Contact.objects.filter(pk__in=keys).values("pk")


def _quote(name):
    return connection.ops.quote_name(name)


def _columns(model, *fields):
    return ", ".join(_quote(model._meta.get_field(field).column) for field in fields)


def _db_value(model, field, value):
    return model._meta.get_field(field).get_db_prep_save(value, connection)
