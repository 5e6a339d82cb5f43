"""A filter or search value longer than what it searches is a form error, never a 500.

Every list page, export and "all matching" bulk action reads its filters through
web.filters.FilterSet; these tests send each of their text filters 55,000 characters
(PostgreSQL refuses patterns that long) on whichever database DATABASE_URL names.
"""

import django_filters
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.http import urlencode

from audit.filters import AuditRecordFilter
from crm.filters import ContactFilter, SalespersonFilter
from crm.models import Contact
from interactions.filters import InteractionLogEntryFilter, PostponedFilter
from segments.filters import (
    LoggedSegmentFilter,
    SavedCriteriaFilter,
    SegmentFilter,
    SegmentLineFilter,
)
from tasks.filters import TaskFilter
from tests.factories import (
    AuditRecordFactory,
    InteractionLogEntryFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SegmentLineFactory,
    TaskFactory,
)
from tests.test_fuzz_forms import view_of
from tests.url_names import url_names
from web.filters import LONGEST_FILTER_TEXT, FilterSet, filter_text_limit

LONG = "x" * 55_000
SEGMENT_NO = "SG00001"

# (url name, its filters, whether the URL names the segment)
LIST_PAGES = [
    ("crm:contact_list", ContactFilter, False),
    ("crm:salesperson_list", SalespersonFilter, False),
    ("audit:list", AuditRecordFilter, False),
    ("interactions:entry_list", InteractionLogEntryFilter, False),
    ("interactions:postponed_list", PostponedFilter, False),
    ("segments:segment_list", SegmentFilter, False),
    ("segments:loggedsegment_list", LoggedSegmentFilter, False),
    ("segments:segment_detail", SegmentLineFilter, True),
    ("segments:criteria_add", ContactFilter, True),
    ("segments:criteria_refine", ContactFilter, True),
    ("segments:add_contacts_from_entries", InteractionLogEntryFilter, True),
    ("segments:segment_from_entries", InteractionLogEntryFilter, False),
    ("segments:segment_from_contacts", ContactFilter, False),
    ("segments:savedcriteria_list", SavedCriteriaFilter, False),
    ("tasks:task_list", TaskFilter, False),
]
EXPORTS = [
    ("crm:contact_export", ContactFilter),
    ("audit:export", AuditRecordFilter),
    ("interactions:entry_export", InteractionLogEntryFilter),
    ("segments:loggedsegment_export", LoggedSegmentFilter),
    ("tasks:task_export", TaskFilter),
]
BULK_PAGES = {
    "interactions:entry_bulk": InteractionLogEntryFilter,
    "interactions:postponed_bulk": PostponedFilter,
    "tasks:task_reassign": TaskFilter,
}
ACTIONS = {
    "interactions:entry_bulk": "cancel",
    "interactions:postponed_bulk": "delete",
    "tasks:task_reassign": "reassign",
}
MESSAGE = "Search for at most {limit} characters (this is 55000)."
DUTCH_MESSAGE = "Zoek met hoogstens {limit} tekens (dit zijn er 55000)."


def text_filters(filterset_class):
    return [
        name
        for name, filter_ in filterset_class.base_filters.items()
        if type(filter_) is django_filters.CharFilter
    ]


def limit_of(filterset_class, name):
    return filterset_class().filters[name].extra["max_length"]


def cases(pages):
    return [
        pytest.param(page, name, filterset_class, *rest, id=f"{page}-{name}")
        for page, filterset_class, *rest in pages
        for name in text_filters(filterset_class)
    ]


@pytest.fixture
def rows(db):
    """One row on every list, so each query really runs."""
    contact = PersonFactory(city="Utrecht")
    InteractionLogEntryFactory(contact=contact)
    InteractionLogEntryFactory(contact=contact, postponed=True)
    SegmentLineFactory(segment__no=SEGMENT_NO, contact=contact)
    LoggedSegmentFactory()
    AuditRecordFactory()
    TaskFactory(contact=contact)


def test_every_filtered_page_is_tested():
    tested = {page for page, *_rest in LIST_PAGES} | {page for page, _ in EXPORTS}
    tested |= set(BULK_PAGES)
    filtered = set()
    for name in url_names():
        if name.startswith(("admin:", "api:")):
            continue
        view = view_of(name)
        if getattr(view, "filterset_class", None) and text_filters(
            view.filterset_class
        ):
            filtered.add(name)
    assert filtered <= tested, filtered - tested


@pytest.mark.parametrize(
    ("page", "name", "filterset_class", "in_segment"), cases(LIST_PAGES)
)
def test_a_long_filter_value_is_a_form_error(
    admin_client, rows, page, name, filterset_class, in_segment
):
    url = reverse(page, args=[SEGMENT_NO] if in_segment else [])
    response = admin_client.get(url, {name: LONG})
    assert response.status_code == 200
    limit = limit_of(filterset_class, name)
    assert MESSAGE.format(limit=limit) in response.content.decode()


@pytest.mark.parametrize(("page", "name", "filterset_class"), cases(EXPORTS))
def test_a_long_filter_value_on_an_export_is_a_400(
    admin_client, rows, page, name, filterset_class
):
    response = admin_client.get(reverse(page, args=["xlsx"]), {name: LONG})
    assert response.status_code == 400
    limit = limit_of(filterset_class, name)
    assert MESSAGE.format(limit=limit) in response.content.decode()


def test_the_message_is_dutch_for_a_dutch_user(admin_client, rows):
    response = admin_client.get(
        reverse("crm:contact_list"), {"q": LONG}, headers={"accept-language": "nl"}
    )
    assert DUTCH_MESSAGE.format(limit=LONGEST_FILTER_TEXT) in response.content.decode()


def test_a_value_of_exactly_the_limit_still_searches(admin_client, rows):
    city = "U" * Contact._meta.get_field("city").max_length
    PersonFactory(name="Long city", city=city)
    response = admin_client.get(reverse("crm:contact_list"), {"city": city})
    assert response.status_code == 200
    assert list(response.context["filter"].qs.values_list("name", flat=True)) == [
        "Long city"
    ]


@pytest.mark.parametrize(
    ("page", "name", "filterset_class"),
    cases(BULK_PAGES.items()),
)
def test_all_matching_with_a_long_filter_value_is_refused(
    admin_client, rows, page, name, filterset_class
):
    response = admin_client.post(
        reverse(page),
        {
            "action": ACTIONS[page],
            "scope": "all",
            "query": urlencode({name: LONG}),
        },
    )
    refusal = "The list's filters are not valid. Filter the list again."
    if page == "tasks:task_reassign":
        # The task list's bulk action answers bad input with a 400 page saying why.
        assert response.status_code == 400
        assert refusal.replace("'", "&#x27;") in response.content.decode()
        return
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [refusal]


def test_the_template_list_answers_a_long_value(admin_client, rows):
    response = admin_client.get(reverse("interactions:template_list"), {"q": LONG})
    assert response.status_code == 200


def test_the_start_page_period_says_what_is_wrong(admin_client, rows):
    # The start page answers its form's errors with a 400, on the default periods.
    response = admin_client.get(reverse("home"), {"date_from": LONG, "date_to": LONG})
    assert response.status_code == 400
    assert response.content.decode().count("Enter a valid date.") == 2


def test_the_contact_timeline_answers_a_long_position(admin_client, rows):
    contact = Contact.objects.get(city="Utrecht")
    for name in ("older", "newer"):
        response = admin_client.get(contact.get_absolute_url(), {name: "9" * 55_000})
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "name"),
    [("api:contact_list", "q"), ("api:interaction_list", "q")],
)
def test_the_api_answers_a_long_filter_value_with_a_400(admin_client, rows, url, name):
    response = admin_client.get(reverse(url), {name: LONG})
    assert response.status_code == 400
    assert MESSAGE.format(limit=LONGEST_FILTER_TEXT) in response.content.decode()


def test_a_filter_takes_the_length_of_the_column_it_searches():
    assert filter_text_limit(Contact, "city") == 100
    assert filter_text_limit(Contact, "company__no") == 20
    # A relation, a search over several columns, an unknown name: the general limit.
    assert filter_text_limit(Contact, "company") == LONGEST_FILTER_TEXT
    assert filter_text_limit(Contact, "q") == LONGEST_FILTER_TEXT
    assert limit_of(ContactFilter, "city") == 100
    assert limit_of(AuditRecordFilter, "username") == 150


def test_a_filter_may_name_its_own_limit():
    class Short(FilterSet):
        code = django_filters.CharFilter(max_length=5)

        class Meta:
            model = Contact
            fields = []

    form = Short({"code": "123456"}).form
    assert not form.is_valid()
    assert form.errors["code"] == ["Search for at most 5 characters (this is 6)."]
