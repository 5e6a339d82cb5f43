"""web.versions: the version an edit form carries, and the refusal of an old one."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CompanyFactory, InteractionTemplateFactory
from web.versions import changed_fields, check_version, row_version

pytestmark = pytest.mark.django_db


def test_a_version_names_the_fields_changed_since():
    company = CompanyFactory(city="Utrecht", phone="030 1")
    seen = row_version(company)
    company.city, company.phone = "Delft", "015 2"

    assert [field.name for field in changed_fields(company, seen)] == [
        "phone",
        "city",
    ]
    check_version(company, row_version(company))  # the same version passes


def test_a_version_of_another_release_is_refused_without_naming_fields():
    company = CompanyFactory(name="Acme")

    with pytest.raises(ValidationError) as caught:
        check_version(company, "0123abcd.4567ef01")

    assert caught.value.code == "stale"
    assert caught.value.messages == [
        f"Someone else changed contact {company.no} Acme after you opened this "
        "page, so your changes have not been saved. Open the page again to see the "
        "current values, then make your changes there."
    ]


def test_line_endings_a_browser_changes_are_no_change():
    template = InteractionTemplateFactory(letter_text="Beste klant,\nGroet")
    seen = row_version(template)
    template.letter_text = "Beste klant,\r\nGroet"

    assert changed_fields(template, seen) == []
    check_version(template, seen)


def test_the_marketing_setup_is_named_once(marketing_setup):
    seen = row_version(marketing_setup)
    marketing_setup.default_correspondence_type = "email"

    with pytest.raises(ValidationError) as caught:
        check_version(marketing_setup, seen)

    assert caught.value.messages[0].startswith(
        "Someone else changed Marketing setup after you opened this page"
    )
