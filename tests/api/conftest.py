from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from interactions.models import DocumentType, InteractionTemplateSetup
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)


def token_client(user):
    """An API client that sends the user's token, as an integration does."""
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(sales_user):
    """A Sales user's token: may view contacts and view and add interactions."""
    return token_client(sales_user)


@pytest.fixture
def api_without_permissions(db):
    return token_client(UserFactory(username="integration", groups=[]))


@pytest.fixture
def anonymous_api():
    return APIClient()


@pytest.fixture
def salesperson():
    return SalespersonFactory(code="AV", name="Anna Visser")


@pytest.fixture
def contact(salesperson):
    return PersonFactory(
        no="CT00010",
        name="Sanne de Vries",
        email="sanne@example.com",
        salesperson=salesperson,
    )


@pytest.fixture
def invoice_setup(invoice_template):
    """Interaction template setup: sales invoices are logged with INVOICE."""
    # update_or_create: the data migration's rows are gone after truncating tests.
    InteractionTemplateSetup.objects.update_or_create(
        document_type=DocumentType.SALES_INVOICE,
        defaults={"template": invoice_template},
    )
    return invoice_template


@pytest.fixture
def call_template():
    return InteractionTemplateFactory(
        code="CALL",
        description="Phone call",
        group=InteractionGroupFactory(code="PHONE"),
        unit_cost=Decimal("2.50"),
        unit_duration=15,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type="",
    )
