"""Fixtures of the interaction page tests: a template, a salesperson linked to the
Sales user, a contact."""

from decimal import Decimal

import pytest

from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)


@pytest.fixture
def template():
    return InteractionTemplateFactory(
        code="CALL",
        description="Phone call",
        group=InteractionGroupFactory(code="PHONE"),
        unit_cost=Decimal("2.50"),
        unit_duration=15,
        information_flow="outbound",
        initiated_by="us",
    )


@pytest.fixture
def salesperson(sales_user):
    return SalespersonFactory(code="AV", name="Anna Visser", user=sales_user)


@pytest.fixture
def contact():
    return PersonFactory(no="CT00010", name="Sanne de Vries")
