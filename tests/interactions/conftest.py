"""Fixtures of the interaction tests: a template and a contact for the pages; a
company and the CALL and LETTER templates for the timelines."""

from decimal import Decimal

import pytest

from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
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
def contact():
    return PersonFactory(no="CT00010", name="Sanne de Vries")


@pytest.fixture
def call():
    return InteractionTemplateFactory(
        code="CALL", description="Phone call", group=InteractionGroupFactory()
    )


@pytest.fixture
def letter():
    return InteractionTemplateFactory(
        code="LETTER", description="Letter", group=InteractionGroupFactory()
    )


@pytest.fixture
def company():
    return CompanyFactory(no="CT00001", name="Van Dijk B.V.")
