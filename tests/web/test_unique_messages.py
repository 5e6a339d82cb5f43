"""A taken unique value is named in the message (web.db.UniqueMessagesModel):
"Code BEURS already exists.", not Django's "Interaction group with this Code
already exists."; the pages, the admin and the services test the wording."""

from django.apps import apps

from web.db import UniqueMessagesModel


def test_every_model_with_a_unique_code_names_the_code_taken():
    with_codes = [
        model
        for model in apps.get_models()
        if any(field.name == "code" and field.unique for field in model._meta.fields)
    ]

    assert sorted(model._meta.label for model in with_codes) == [
        "crm.NumberSeries",
        "crm.Salesperson",
        "interactions.InteractionGroup",
        "interactions.InteractionTemplate",
        "segments.SavedSegmentCriteria",
    ]
    assert all(issubclass(model, UniqueMessagesModel) for model in with_codes)


def test_a_models_own_wording_is_for_a_unique_field_of_it():
    for model in apps.get_models():
        if issubclass(model, UniqueMessagesModel):
            for name in model.unique_messages:
                assert model._meta.get_field(name).unique, (model, name)
