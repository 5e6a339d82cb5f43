import pytest

from jobs import registry
from tests.jobs import operations


@pytest.fixture(autouse=True)
def test_kinds():
    """The kinds of job these tests start (operations in tests/jobs/operations)."""
    registry.register("test.count", "tests.jobs.operations.count", label="Count")
    registry.register("test.empty", "tests.jobs.operations.empty", label="Nothing")
    operations.calls.clear()
    yield
    registry.unregister("test.count")
    registry.unregister("test.empty")
