"""A select's empty choice reads "Kies…" or "(geen)", never Django's "---------"
(web.renderers.FormRenderer, the project's FORM_RENDERER, and the filter forms')."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from interactions.models import InteractionGroup
from web.renderers import FilterFormRenderer


class Choices(forms.Form):
    optional = forms.ChoiceField(
        choices=[("", "---------"), ("nl", "Dutch")], required=False
    )
    required = forms.ModelChoiceField(queryset=InteractionGroup.objects.none())
    # A label the user chose is left alone.
    named = forms.ChoiceField(choices=[("", "All"), ("x", "X")], required=False)


@pytest.mark.parametrize("renderer", [None, FilterFormRenderer()])
def test_the_empty_choice_is_named_in_words(renderer):
    form = Choices(renderer=renderer)
    with translation.override("nl"):
        html = str(form)
    assert "---------" not in html
    assert '<option value="" selected>(geen)</option>' in html
    assert '<option value="" selected>Kies…</option>' in html
    assert '<option value="" selected>All</option>' in html


def test_a_page_names_its_empty_choices(crm_admin_client):
    response = crm_admin_client.get(
        reverse("privacy:retention_policy_create"), HTTP_ACCEPT_LANGUAGE="nl"
    )
    page = response.content.decode()
    assert "---------" not in page
    assert page.count(">(geen)</option>") == 2  # group, template
    assert ">Kies…</option>" in page  # the action
