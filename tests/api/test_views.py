import pytest
from django.core.exceptions import ValidationError
from rest_framework.exceptions import ValidationError as DRFValidationError

from api.views import Conflict, call_service, field_errors


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


def refuse(code):
    """A service that refuses with `code`, as the domain services do."""

    def service(*, user):
        raise ValidationError("Refused.", code=code)

    return service


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", ["closed", "conflict", "delivery_in_progress", "in_progress"]
)
def test_a_refusal_for_the_objects_state_is_a_409_keeping_its_code(code):
    with pytest.raises(Conflict) as raised:
        call_service(refuse(code), user=None)

    assert raised.value.status_code == 409
    assert raised.value.get_codes() == code
    assert str(raised.value.detail) == "Refused."


@pytest.mark.django_db
def test_other_refusals_are_a_400_keeping_their_codes():
    def service(*, user):
        raise ValidationError(
            {
                "date": ValidationError("Past.", code="past"),
                "__all__": ValidationError("Closed.", code="closed"),
            }
        )

    # One conflict code among errors of the request is still the request's fault.
    with pytest.raises(DRFValidationError) as raised:
        call_service(service, user=None)

    assert raised.value.get_codes() == {
        "date": ["past"],
        "non_field_errors": ["closed"],
    }
    with pytest.raises(DRFValidationError) as raised:
        call_service(refuse("blocked"), user=None)
    assert raised.value.detail == {"non_field_errors": ["Refused."]}
    assert raised.value.get_codes() == {"non_field_errors": ["blocked"]}
