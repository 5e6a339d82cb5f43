import pytest
from django.core.exceptions import ValidationError

from api.views import field_errors


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            ValidationError({"cost": "Negative.", "__all__": "Both."}),
            {"cost": ["Negative."], "non_field_errors": ["Both."]},
        ),
        (
            ValidationError("Already finished."),
            {"non_field_errors": ["Already finished."]},
        ),
        (
            ValidationError(["One.", "Two."]),
            {"non_field_errors": ["One.", "Two."]},
        ),
    ],
)
def test_service_errors_become_drf_field_errors(error, expected):
    assert field_errors(error) == expected
