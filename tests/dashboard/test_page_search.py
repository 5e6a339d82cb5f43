"""Zoeken naar pagina of rapport: the page registry (crm/pages.py), what the search
finds for whom, the JSON the top bar's dropdown reads and the results page without
JavaScript."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from crm.models import Contact
from dashboard import pages
from dashboard.pages import PAGES, find_pages, fold
from dashboard.search import search
from tests.factories import (
    AdminUserFactory,
    CompanyFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
    SegmentFactory,
    SegmentLineFactory,
    UserFactory,
)
from tests.url_names import url_names

SEARCH = reverse("search")
SUGGESTIONS = reverse("search_suggestions")

# Named URLs without arguments that are not pages to open by name: files, form posts,
# htmx fragments, pages that need a contact, the login flow and the search itself.
NOT_PAGES = {
    "api:contact_list",
    "api:document_create",
    "api:interaction_list",
    "api:task_list",
    "api:schema",
    "crm:contact_import_confirm",
    "crm:contact_privacy_block",
    "interactions:entry_bulk",
    "jobs:toasts",
    "interactions:entry_form_fields",
    "interactions:letter",
    "interactions:postponed_bulk",
    "interactions:send_email",
    "lookup:contacts",
    "lookup:groups",
    "lookup:logged_segments",
    "lookup:salespeople",
    "lookup:templates",
    "segments:segment_form_fields",
    "tasks:task_reassign",
    "privacy:retention_run",
    "login",
    "logout",
    "password_change_done",
    "password_reset",
    "password_reset_complete",
    "password_reset_done",
    "set_language",
    "search",
    "search_suggestions",
    # Actions on the filtered contact or entry list: found by their list (below).
    "segments:segment_from_contacts",
    "segments:segment_from_entries",
}

# What a Sales user may not open (DESIGN.md §4: setup and destructive pages).
ADMIN_ONLY = {
    "crm:contact_import",
    "crm:salesperson_create",
    "crm:marketing_setup",
    "crm:numberseries_list",
    "crm:numberseries_create",
    "audit:list",
    "interactions:template_create",
    "interactions:group_create",
    "interactions:template_setup",
    "interactions:delete_canceled",
    "privacy:retention",
    "privacy:retention_policy_create",
    "privacy:retention_plan",
    "privacy:retention_runs",
}
ALL_PAGES = {page.url_name for page in PAGES}


@pytest.fixture
def dutch():
    with translation.override("nl"):
        yield


def labels(query, user):
    return [str(page.name) for page in find_pages(query, user)]


def url_names_found(query, user):
    return {page.url_name for page in find_pages(query, user)}


# The registry


def test_every_page_without_arguments_is_offered_or_left_out_on_purpose():
    pages_by_url = {
        name
        for name, arguments in url_names().items()
        if not arguments and not name.startswith("admin:")
    }
    assert pages_by_url - ALL_PAGES - NOT_PAGES == set(), (
        "A new page: add it to crm/pages.py, or to NOT_PAGES when nobody opens it "
        "by name"
    )
    assert (ALL_PAGES | NOT_PAGES) - {"admin:index"} <= set(url_names())


def test_each_page_is_a_class_view_or_the_admin():
    for page in PAGES:
        if page.staff_only:
            assert page.url_name.startswith("admin:")
        else:
            assert pages.required_permissions(page.url_name) is not None, page


def test_permissions_are_read_from_the_views():
    assert pages.required_permissions("crm:marketing_setup") == (
        "crm.change_marketingsetup",
    )
    assert pages.required_permissions("home") == ()


@pytest.mark.parametrize(
    ("role_factory", "offered"),
    [
        (SalesUserFactory, ALL_PAGES - ADMIN_ONLY - {"admin:index"}),
        (AdminUserFactory, ALL_PAGES - {"admin:index"}),
    ],
    ids=["Sales", "CRM admin"],
)
def test_a_role_is_offered_exactly_the_pages_it_can_open(
    client, db, marketing_setup, role_factory, offered
):
    user = role_factory()
    client.force_login(user)
    assert url_names_found("", user) == offered
    # The list and the views agree: what is offered opens, the rest is refused.
    for page in PAGES:
        status = client.get(page.url).status_code
        assert (status == 200) == (page.url_name in offered), (page.url_name, status)


def test_only_staff_are_offered_the_django_admin(db, dutch):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert url_names_found("", superuser) == ALL_PAGES
    assert "admin:index" in url_names_found("beheer", superuser)


def test_a_user_without_a_role_is_offered_only_the_open_pages(db):
    user = UserFactory()
    assert url_names_found("", user) == {
        "home",
        "password_change",
        "api:docs",
        "jobs:list",
    }


def test_a_permission_given_later_offers_its_page(db):
    user = SalesUserFactory()
    assert "audit:list" not in url_names_found("audit", user)
    user.user_permissions.add(Permission.objects.get(codename="view_auditrecord"))
    user = type(user).objects.get(pk=user.pk)  # a fresh permission cache
    assert url_names_found("audit", user) == {"audit:list"}


# Matching names


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("logposten", "Interactielogposten"),
        ("segmenten", "Segmenten"),
        ("geregistreerd", "Geregistreerde segmenten"),
        ("uitgest", "Uitgestelde interacties"),
        ("sjablonen", "Interactiesjablonen"),
        ("groepen", "Interactiegroepen"),
        ("marketing", "Marketinginstellingen"),
        ("geannuleerde", "Geannuleerde interactielogposten verwijderen"),
        ("posten verw", "Geannuleerde interactielogposten verwijderen"),
        ("sjabloon instellen", "Interactiesjablooninstellingen"),
        ("importeren", "Contacten importeren"),
        ("audittr", "Audittrail"),
        ("contacten", "Contacten"),
        ("verkopers", "Verkopers"),
        ("nummerreeks", "Nummerreeksen"),
        ("interactie maken", "Interactie maken"),
        ("nieuw seg", "Nieuw segment"),
        ("rollen", "Rollencentrum"),
        ("wachtwoord", "Wachtwoord wijzigen"),
    ],
)
def test_each_dutch_name_is_found_by_a_part_of_it(admin_user_crm, dutch, query, name):
    assert name in labels(query, admin_user_crm)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("log entries", "Interaction log entries"),
        ("logged", "Logged segments"),
        ("postponed", "Postponed interactions"),
        ("template setup", "Interaction template setup"),
        ("delete canceled", "Delete canceled entries"),
        ("marketing", "Marketing setup"),
        ("audit", "Audit trail"),
        ("salesp", "Salespeople"),
        ("number", "Number series"),
        ("create inter", "Create interaction"),
    ],
)
def test_each_english_name_is_found_by_a_part_of_it(admin_user_crm, query, name):
    assert name in labels(query, admin_user_crm)


def test_seg_finds_every_segment_page_names_starting_with_it_first(
    admin_user_crm, dutch
):
    assert labels("seg", admin_user_crm) == [
        "Segmenten",
        "Nieuw segment",
        "Geregistreerde segmenten",
        "Opgeslagen segmentcriteria",
        # By their synonyms "segment van contacten", "segment van interacties".
        "Contacten",
        "Interactielogposten",
    ]


def test_interactie_finds_every_interaction_page(admin_user_crm, dutch):
    assert url_names_found("interactie", admin_user_crm) == {
        "interactions:entry_list",
        "interactions:entry_create",
        "interactions:postponed_list",
        "interactions:template_list",
        "interactions:template_create",
        "interactions:group_list",
        "interactions:group_create",
        "interactions:template_setup",
        "interactions:delete_canceled",
        # By its synonym "interactie registreren voor deze contacten".
        "crm:contact_list",
        # By their synonym "oude interacties verwijderen".
        "privacy:retention",
        "privacy:retention_policy_create",
    }


@pytest.mark.parametrize("query", ["INTERACTIELOG", "Interactielog", "ínteractiëlog"])
def test_case_and_accents_do_not_matter(admin_user_crm, dutch, query):
    assert labels(query, admin_user_crm) == [
        "Interactielogposten",
        "Geannuleerde interactielogposten verwijderen",
    ]


def test_an_action_on_a_filtered_list_finds_the_list(admin_user_crm, dutch):
    # Opened by name, without a filter, they would act on every contact or entry.
    assert labels("interactie registreren voor deze contacten", admin_user_crm) == [
        "Contacten"
    ]
    assert labels("segment maken van deze contacten", admin_user_crm) == [
        "Interactielogposten"
    ]


def test_a_synonym_finds_a_page_after_the_names(admin_user_crm, dutch):
    # "opvolgingssegment" is a synonym of Segmenten (where follow-up segments are).
    assert labels("opvolgingssegment", admin_user_crm) == ["Segmenten"]
    assert labels("klanten", admin_user_crm) == ["Contacten"]


def test_the_english_name_finds_the_page_in_dutch_too(admin_user_crm, dutch):
    assert labels("logged segments", admin_user_crm) == ["Geregistreerde segmenten"]


def test_every_word_must_match(admin_user_crm, dutch):
    assert labels("segment xyz", admin_user_crm) == []


def test_fold_drops_case_and_accents():
    assert fold("Café ÉÉN Ĳssel") == "cafe een ijssel"


# Contacts, salespeople and segments


@pytest.fixture
def world(db):
    company = CompanyFactory(no="CT00100", name="Bakkerij de Graaf", city="Utrecht")
    PersonFactory(no="CT00101", name="Anouk de Graaf", company=company, city="Utrecht")
    PersonFactory(no="CT00200", name="Martijn Visser", company=None, city="Zeist")
    SalespersonFactory(code="JV", name="Jan Visser", job_title="Accountmanager")
    SalespersonFactory(code="AB", name="Annet Bos", blocked=True)
    SegmentFactory(no="SM00007", description="Opvolgingssegment voorjaar")
    SegmentFactory(no="SM00008", description="Beursbezoekers bellen")


def group(groups, key):
    found = [g for g in groups if g["key"] == key]
    return found[0]["results"] if found else []


def test_contacts_by_name_part(sales_user, world, dutch):
    anouk = Contact.objects.get(no="CT00101")
    results = group(search("graaf", user=sales_user), "contacts")
    assert results == [
        {
            "label": "CT00101 Anouk de Graaf",
            "detail": "Persoon · Bakkerij de Graaf · Utrecht",
            "url": anouk.get_absolute_url(),
        },
        {
            "label": "CT00100 Bakkerij de Graaf",
            "detail": "Bedrijf · Utrecht",
            "url": Contact.objects.get(no="CT00100").get_absolute_url(),
        },
    ]


def test_contacts_by_number_an_exact_number_first(sales_user, world):
    labels = [r["label"] for r in group(search("ct001", user=sales_user), "contacts")]
    assert labels == ["CT00101 Anouk de Graaf", "CT00100 Bakkerij de Graaf"]
    labels = [r["label"] for r in group(search("CT00100", user=sales_user), "contacts")]
    assert labels == ["CT00100 Bakkerij de Graaf"]


def test_salespeople_by_code_and_name_part(sales_user, world, dutch):
    results = group(search("visser", user=sales_user), "salespeople")
    assert [(r["label"], r["detail"]) for r in results] == [
        ("JV \N{EN DASH} Jan Visser", "Accountmanager")
    ]
    results = group(search("ab", user=sales_user), "salespeople")
    assert [(r["label"], r["detail"]) for r in results] == [
        ("AB \N{EN DASH} Annet Bos", "Geblokkeerd")
    ]


def test_segments_by_number_and_description_part(sales_user, world):
    results = group(search("sm00008", user=sales_user), "segments")
    assert [r["label"] for r in results] == ["SM00008 Beursbezoekers bellen"]
    assert results[0]["url"] == reverse("segments:segment_detail", args=["SM00008"])
    results = group(search("opvolging", user=sales_user), "segments")
    assert [r["label"] for r in results] == ["SM00007 Opvolgingssegment voorjaar"]


def test_seg_finds_the_pages_and_a_follow_up_segment(sales_user, world, dutch):
    groups = search("seg", user=sales_user)
    assert [g["key"] for g in groups] == ["pages", "segments"]
    assert [r["label"] for r in group(groups, "segments")] == [
        "SM00007 Opvolgingssegment voorjaar"
    ]


def test_a_single_character_finds_pages_only(sales_user, world):
    assert [g["key"] for g in search("a", user=sales_user)] == ["pages"]


def test_a_few_of_each_kind_and_a_link_to_the_rest(sales_user, db, dutch):
    for number in range(7):
        CompanyFactory(no=f"CT{number:05d}", name=f"Visserij {number}")
    groups = search("visserij", user=sales_user)
    contacts = next(g for g in groups if g["key"] == "contacts")
    assert len(contacts["results"]) == 5
    assert contacts["more_url"] == f"{reverse('crm:contact_list')}?q=visserij"
    assert contacts["more_label"] == "Meer in Contacten"


def test_without_permission_no_objects_are_offered(world):
    user = UserFactory()
    assert search("graaf", user=user) == []
    assert [g["key"] for g in search("visser", user=user)] == []


# The JSON for the dropdown


def test_suggestions_answer_grouped_results_in_the_users_language(client, world):
    client.force_login(SalesUserFactory())
    client.cookies["django_language"] = "nl"
    response = client.get(SUGGESTIONS, {"q": "seg"})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "seg"
    assert [g["label"] for g in data["groups"]] == ["Pagina's", "Segmenten"]
    assert [r["label"] for r in data["groups"][0]["results"]] == [
        "Segmenten",
        "Nieuw segment",
        "Geregistreerde segmenten",
        "Opgeslagen segmentcriteria",
        # By their synonyms "segment van contacten", "segment van interacties".
        "Contacten",
        "Interactielogposten",
    ]
    assert data["summary"] == "7 resultaten"
    assert data["results_url"] == f"{SEARCH}?q=seg"


def test_suggestions_show_a_few_pages_and_link_to_the_rest(crm_admin_client):
    data = crm_admin_client.get(SUGGESTIONS, {"q": "e"}).json()
    pages_group = data["groups"][0]
    assert len(pages_group["results"]) == 8
    assert pages_group["more_url"] == f"{SEARCH}?q=e"


def test_suggestions_say_when_nothing_is_found(sales_client):
    data = sales_client.get(SUGGESTIONS, {"q": "qqq"}).json()
    assert (data["groups"], data["summary"]) == ([], "Nothing found")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ("seg\x00", "Null characters are not allowed."),
    ],
)
def test_bad_input_is_a_400_with_the_reason(sales_client, query, message):
    response = sales_client.get(SUGGESTIONS, {"q": query})
    assert response.status_code == 400
    assert response.json()["errors"]["q"][0]["message"] == message
    response = sales_client.get(SEARCH, {"q": query})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_very_long_query_is_a_400_not_a_500(sales_client):
    assert sales_client.get(SUGGESTIONS, {"q": "x" * 55_000}).status_code == 400


def test_suggestions_need_a_login(client):
    response = client.get(SUGGESTIONS, {"q": "seg"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("path", [SUGGESTIONS, SEARCH])
def test_query_count_does_not_grow_with_the_data(
    client, db, path, django_assert_num_queries
):
    client.force_login(SalesUserFactory())
    company = CompanyFactory(name="Visser BV")
    PersonFactory(name="Anna Visser", company=company)
    SalespersonFactory(name="Jan Visser")
    SegmentLineFactory(segment=SegmentFactory(description="Visser mailing"))
    # Session, user, its permissions (2), and per kind of object one query; the
    # contacts' companies one more; a full page asks for finished jobs' toasts.
    with django_assert_num_queries(9 if path == SEARCH else 8) as one:
        client.get(path, {"q": "visser"})
    for number in range(30):
        PersonFactory(name=f"Piet Visser {number}", company=company)
        SalespersonFactory(name=f"Visser {number}")
        SegmentLineFactory(segment=SegmentFactory(description=f"Visser {number}"))
    with django_assert_num_queries(len(one)):
        response = client.get(path, {"q": "visser"})
    assert response.status_code == 200


# The results page without JavaScript


def test_the_results_page_lists_the_same_groups_as_links(client, world):
    client.force_login(SalesUserFactory())
    client.cookies["django_language"] = "nl"
    response = client.get(SEARCH, {"q": "graaf"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [g["key"] for g in response.context["groups"]] == ["contacts"]
    anouk = Contact.objects.get(no="CT00101")
    assert f'<a href="{anouk.get_absolute_url()}">CT00101 Anouk de Graaf</a>' in html
    quoted = "\N{LEFT SINGLE QUOTATION MARK}graaf\N{RIGHT SINGLE QUOTATION MARK}"
    assert f"Gevonden voor {quoted}:" in html


def test_without_a_query_the_results_page_lists_every_page_one_may_open(
    sales_client,
):
    response = sales_client.get(SEARCH)
    assert response.status_code == 200
    found = response.context["groups"][0]["results"]
    assert len(found) == len(ALL_PAGES - ADMIN_ONLY - {"admin:index"})
    assert "Every page you can open:" in response.content.decode()
    assert reverse("crm:marketing_setup") not in {r["url"] for r in found}


def test_the_results_page_says_when_nothing_is_found(sales_client):
    response = sales_client.get(SEARCH, {"q": "qqq"})
    assert response.status_code == 200
    assert "Nothing found for “qqq”." in response.content.decode()
