"""The correspondence-type rule, once, in its Python and its SQL forms.

NAV's SetCorrespondenceType (reference §2.3): an interaction takes the contact's
correspondence type, unless its source (a template, a segment header) says to ignore
the contact's, or the contact has none: then it takes the source's type, the
`fallback`. Which source gives the fallback is the caller's business (segments
choose between header and template); how it meets the contact's type is said here.

The three forms must agree on every combination; tests/crm/test_correspondence.py
evaluates the SQL forms on the database and compares them with the Python form.
"""

from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf


def correspondence_type(contact_type, *, fallback, ignore_contact=False):
    """The type an interaction with a contact of `contact_type` ("" for none) takes."""
    # NAV's "template type not blank" condition only decides between two blanks,
    # so it is not a case of its own here.
    if ignore_contact or not contact_type:
        return fallback
    return contact_type


def correspondence_type_expression(contact_type, *, fallback, ignore_contact=False):
    """correspondence_type() as an ORM expression over `contact_type`, an expression
    for the contact's type (an F() in a query, a Subquery in an UPDATE)."""
    if ignore_contact:
        return Value(fallback)
    # A blank type counts as none: NULLIF turns it into NULL for COALESCE.
    return Coalesce(NullIf(contact_type, Value("")), Value(fallback))


def correspondence_type_sql(contact_column, *, fallback, ignore_contact=False):
    """correspondence_type() as a raw SQL fragment and its parameters, over
    `contact_column` (a quoted column); for INSERT … SELECT statements written by
    hand, where an ORM expression cannot go."""
    if ignore_contact:
        return "%s", [fallback]
    return f"CASE WHEN {contact_column} <> '' THEN {contact_column} ELSE %s END", [
        fallback
    ]
