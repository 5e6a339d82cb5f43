"""Pages a Dutch user found without a breadcrumb name the pages above them: the list
they belong to (the start page for setup pages without one) and, on a record's
pages, its card; Cancel goes back to the page above."""

import pytest
from django.urls import reverse

from privacy.models import RetentionPolicy
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    InteractionTemplateLanguageFactory,
    LoggedSegmentFactory,
    NumberSeriesFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    template = InteractionTemplateFactory(code="OFFER", description="Aanbieding")
    return {
        "logged": LoggedSegmentFactory(segment_no="LS00005"),
        "template": template,
        "language": InteractionTemplateLanguageFactory(template=template),
        "group": InteractionGroupFactory(code="MAIL"),
        "series": NumberSeriesFactory(code="CONTACT"),
        "policy": RetentionPolicy.objects.create(
            template=template, action="delete", months=12
        ),
    }


def page_of(name, *keys):
    return lambda world: reverse(name, args=[world[key].pk for key in keys])


def card(world):
    return reverse("interactions:template_detail", args=[world["template"].pk])


def trail(client, url):
    """The breadcrumb's items as their HTML, each on one line, and Cancel's target."""
    content = client.get(url, headers={"Accept-Language": "nl"}).content.decode()
    crumbs = content.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
    cancel = content.split('btn-outline-secondary" href="')[1].split('"')[0]
    return [" ".join(item.split()) for item in crumbs.split("</li>")[:-1]], cancel


START = (lambda world: reverse("home"), "Start")
RETENTION = (lambda world: reverse("privacy:retention"), "Bewaartermijnen")
TEMPLATE_CARD = (card, "OFFER")


@pytest.mark.parametrize(
    ("page", "parent", "current"),
    [
        (
            page_of("segments:loggedsegment_list"),
            (lambda world: reverse("segments:segment_list"), "Segmenten"),
            "Geregistreerde segmenten",
        ),
        (
            page_of("segments:loggedsegment_detail", "logged"),
            (
                lambda world: reverse("segments:loggedsegment_list"),
                "Geregistreerde segmenten",
            ),
            "LS00005",
        ),
        (
            page_of("interactions:template_update", "template"),
            TEMPLATE_CARD,
            "Bewerken",
        ),
        (
            page_of("interactions:template_language_create", "template"),
            TEMPLATE_CARD,
            "Nieuwe taal voor interactiesjabloon OFFER",
        ),
        (
            page_of("interactions:template_language_update", "template", "language"),
            TEMPLATE_CARD,
            "Interactiesjabloon OFFER, taal Engels",
        ),
        (
            page_of("interactions:template_create"),
            (
                lambda world: reverse("interactions:template_list"),
                "Interactiesjablonen",
            ),
            "Nieuw interactiesjabloon",
        ),
        (
            page_of("interactions:group_update", "group"),
            (lambda world: reverse("interactions:group_list"), "Interactiegroepen"),
            "Interactiegroep MAIL",
        ),
        (
            page_of("crm:numberseries_update", "series"),
            (lambda world: reverse("crm:numberseries_list"), "Nummerreeksen"),
            "Nummerreeks CONTACT",
        ),
        (page_of("crm:marketing_setup"), START, "Marketinginstellingen"),
        (page_of("audit:list"), START, "Audittrail"),
        (page_of("privacy:retention"), START, "Bewaartermijnen"),
        (page_of("privacy:retention_policy_create"), RETENTION, "Nieuwe bewaartermijn"),
        (
            page_of("privacy:retention_policy_update", "policy"),
            RETENTION,
            "Bewaartermijn OFFER Aanbieding",
        ),
        (page_of("privacy:retention_plan"), RETENTION, "Bewaartermijnen proefdraaien"),
        (page_of("privacy:retention_runs"), RETENTION, "Logboek bewaartermijnen"),
    ],
)
def test_the_page_names_the_pages_above_it(
    crm_admin_client, world, page, parent, current
):
    parent_url, parent_label = parent[0](world), parent[1]

    crumbs, _cancel = trail(crm_admin_client, page(world))

    assert crumbs[-2].endswith(f'<a href="{parent_url}">{parent_label}</a>')
    assert crumbs[-1].endswith(f'aria-current="page">{current}')


@pytest.mark.parametrize(
    ("page", "parent"),
    [
        (page_of("interactions:template_update", "template"), card),
        (page_of("interactions:group_create"), page_of("interactions:group_list")),
        (page_of("crm:numberseries_create"), page_of("crm:numberseries_list")),
        (page_of("crm:marketing_setup"), page_of("home")),
        (page_of("privacy:retention_policy_create"), page_of("privacy:retention")),
    ],
)
def test_a_setup_forms_cancel_goes_to_the_page_above(
    crm_admin_client, world, page, parent
):
    _crumbs, cancel = trail(crm_admin_client, page(world))

    assert cancel == parent(world)
