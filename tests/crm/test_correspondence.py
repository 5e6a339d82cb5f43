import itertools

import pytest
from django.db import connection
from django.db.models import F, OuterRef, Subquery

from crm.correspondence import (
    correspondence_type,
    correspondence_type_expression,
    correspondence_type_sql,
)
from crm.models import Contact
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

TYPES = ["", "hard_copy", "email"]
COMBINATIONS = list(itertools.product(TYPES, TYPES, [False, True]))


@pytest.fixture
def contacts():
    """One contact of each correspondence type, by type."""
    return {kind: CompanyFactory(correspondence_type=kind).pk for kind in TYPES}


@pytest.mark.parametrize(
    ("contact_type", "fallback", "ignore", "expected"),
    [
        ("email", "hard_copy", False, "email"),  # the contact's
        ("", "hard_copy", False, "hard_copy"),  # the contact has none
        ("email", "hard_copy", True, "hard_copy"),  # told to ignore the contact's
        ("", "", False, ""),
        ("email", "", True, ""),
    ],
)
def test_python_form_follows_nav(contact_type, fallback, ignore, expected):
    assert (
        correspondence_type(contact_type, fallback=fallback, ignore_contact=ignore)
        == expected
    )


@pytest.mark.parametrize(("contact_type", "fallback", "ignore"), COMBINATIONS)
def test_orm_expression_agrees_with_python(contacts, contact_type, fallback, ignore):
    rule = {"fallback": fallback, "ignore_contact": ignore}
    expected = correspondence_type(contact_type, **rule)
    # As a query reads the contact's type, and as an UPDATE of lines does (subquery).
    own_type = Subquery(
        Contact.objects.filter(pk=OuterRef("pk")).values("correspondence_type")[:1]
    )

    row = Contact.objects.filter(pk=contacts[contact_type]).values_list(
        correspondence_type_expression(F("correspondence_type"), **rule),
        correspondence_type_expression(own_type, **rule),
    )

    assert row.get() == (expected, expected)


@pytest.mark.parametrize(("contact_type", "fallback", "ignore"), COMBINATIONS)
def test_raw_sql_agrees_with_python(contacts, contact_type, fallback, ignore):
    rule = {"fallback": fallback, "ignore_contact": ignore}
    quote = connection.ops.quote_name
    column = f"c.{quote('correspondence_type')}"
    sql, params = correspondence_type_sql(column, **rule)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql} FROM {quote(Contact._meta.db_table)} c "
            f"WHERE c.{quote('id')} = %s",
            [*params, contacts[contact_type]],
        )
        (value,) = cursor.fetchone()

    assert value == correspondence_type(contact_type, **rule)
