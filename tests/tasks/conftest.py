import pytest

from crm.models import MarketingSetup
from tests.factories import NumberSeriesFactory, PersonFactory


@pytest.fixture
def task_setup(marketing_setup):
    """Marketing setup with the task series (TK) besides contacts and segments."""
    marketing_setup.task_nos = NumberSeriesFactory(code="TASK", prefix="TK")
    marketing_setup.save()
    return marketing_setup


@pytest.fixture
def contact(salesperson):
    return PersonFactory(name="Jan de Vries", salesperson=salesperson)


@pytest.fixture
def no_task_series(marketing_setup):
    MarketingSetup.objects.update(task_nos=None)
