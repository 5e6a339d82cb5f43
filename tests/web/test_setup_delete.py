"""Setup rows are deleted from their edit page, after a question, unless something
still uses them (web.views.ServiceDeleteView and DeleteLinkMixin)."""

import pytest
from django.urls import reverse

from crm.models import MarketingSetup, NumberSeries, Salesperson
from interactions.models import InteractionGroup, InteractionTemplate
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    NumberSeriesFactory,
    PersonFactory,
    SalespersonFactory,
)

pytestmark = pytest.mark.django_db

DUTCH = {"Accept-Language": "nl"}


def rows():
    group = InteractionGroupFactory(code="BEURS", description="Beurzen")
    return {
        "group": (group, "interactions:group", InteractionGroup, "interactiegroep"),
        "template": (
            InteractionTemplateFactory(code="BEURS-UIT", group=group),
            "interactions:template",
            InteractionTemplate,
            "interactiesjabloon",
        ),
        "salesperson": (
            SalespersonFactory(code="PV", name="Piet Verkoper"),
            "crm:salesperson",
            Salesperson,
            "verkoper",
        ),
        "series": (
            NumberSeriesFactory(code="OUD"),
            "crm:numberseries",
            NumberSeries,
            "nummerreeks",
        ),
    }


@pytest.mark.parametrize("name", ["template", "salesperson", "series", "group"])
def test_a_setup_row_nothing_uses_is_deleted_after_the_question(crm_admin_client, name):
    row, prefix, model, kind = rows()[name]
    if name == "group":
        InteractionTemplate.objects.filter(group=row).delete()
    edit = crm_admin_client.get(
        reverse(f"{prefix}_update", args=[row.pk]), headers=DUTCH
    ).content.decode()
    delete_url = reverse(f"{prefix}_delete", args=[row.pk])
    assert f'<a class="btn btn-outline-danger ms-auto" href="{delete_url}">' in edit
    question = crm_admin_client.get(delete_url, headers=DUTCH).content.decode()
    assert f"{kind.capitalize()} verwijderen</h1>" in question
    assert f"Wilt u {kind} <strong>{row}</strong> verwijderen?" in question
    assert model.objects.filter(pk=row.pk).exists()  # asking deletes nothing
    response = crm_admin_client.post(delete_url, headers=DUTCH, follow=True)
    assert not model.objects.filter(pk=row.pk).exists()
    assert [str(m) for m in response.context["messages"]] == [
        f"{kind.capitalize()} {row} is verwijderd."
    ]


def test_a_row_in_use_is_refused_naming_what_uses_it(crm_admin_client):
    row, prefix, model, _kind = rows()["salesperson"]
    InteractionLogEntryFactory(salesperson=row, contact=PersonFactory())
    response = crm_admin_client.post(
        reverse(f"{prefix}_delete", args=[row.pk]), headers=DUTCH, follow=True
    )
    assert model.objects.filter(pk=row.pk).exists()
    assert response.redirect_chain[-1][0] == row.get_absolute_url()
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith(f"{row} kan niet worden verwijderd")
    assert "interactielogpost" in message
    series = MarketingSetup.load().contact_nos or NumberSeriesFactory()
    MarketingSetup.objects.update(contact_nos=series)
    crm_admin_client.post(reverse("crm:numberseries_delete", args=[series.pk]))
    assert NumberSeries.objects.filter(pk=series.pk).exists()


def test_sales_users_get_no_delete_button_and_may_not_delete(sales_client):
    row, prefix, model, _kind = rows()["template"]
    delete_url = reverse(f"{prefix}_delete", args=[row.pk])
    assert sales_client.post(delete_url).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()
