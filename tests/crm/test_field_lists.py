"""The contact's field lists are declared once in crm.models and read everywhere."""

from api.serializers import ContactSerializer
from crm import models
from crm.admin import ContactAdmin
from crm.filters import ContactFilter
from crm.forms import ContactForm
from crm.imports import ContactResource
from crm.views import ContactExportView
from interactions.letters import CONTACT_PLACEHOLDERS


def test_every_listed_field_is_a_contact_field():
    names = {field.name for field in models.Contact._meta.get_fields()}
    for fields in (
        models.CONTACT_FIELDS,
        models.CONTACT_EXPORT_FIELDS,
        models.CONTACT_API_FIELDS,
        models.CONTACT_PLACEHOLDER_FIELDS,
        models.CONTACT_SEARCH_FIELDS,
    ):
        assert set(fields) <= names


def test_form_admin_resource_export_and_api_read_the_lists():
    assert list(ContactForm.base_fields) == list(models.CONTACT_FIELDS)
    admin_fields = [
        name
        for _title, options in ContactAdmin.fieldsets[:3]
        for name in options["fields"]
    ]
    assert admin_fields == list(models.CONTACT_FIELDS)
    assert ContactResource.column_names() == list(models.CONTACT_EXPORT_FIELDS)
    export = [column.name for column in ContactExportView.columns]
    assert export == list(models.CONTACT_EXPORT_FIELDS)
    assert list(ContactSerializer().fields) == list(models.CONTACT_API_FIELDS)
    assert ContactAdmin.search_fields == models.CONTACT_SEARCH_FIELDS


def test_letters_offer_the_placeholder_fields():
    assert tuple(CONTACT_PLACEHOLDERS) == models.CONTACT_PLACEHOLDER_FIELDS


def test_filter_fields_are_contact_fields():
    filtered = [
        name for name in ContactFilter.base_filters if name not in ("q", "ordering")
    ]
    assert set(filtered) <= set(models.CONTACT_FIELDS)
