"""Whatever a client sends, the API answers it: never a server error (500)."""

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [
    pytest.mark.django_db,
    # Pages of an unordered list may repeat and skip rows.
    pytest.mark.filterwarnings(
        "error::django.core.paginator.UnorderedObjectListWarning"
    ),
]

# Values an integration might send, right or wrong, next to arbitrary ones: they lead
# the fuzzer past the first field errors into the lookups and the services.
PLAUSIBLE = st.sampled_from(
    [
        "CT00010",
        "ct00010",
        "sanne@example.com",
        "SANNE@EXAMPLE.COM",
        "sales_invoice",
        "SI-1001",
        "CALL",
        "INVOICE",
        "AV",
        "2026-01-31",
        "10:42",
        "email",
        "outbound",
        "them",
        "positive",
        "1.50",
        "-1",
        "1e400",
        "99999999999999999999",
        "",
        "\x00",
        "CT\x00",
        "true",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.text(alphabet=st.sampled_from("\x00aZ9-@. ")),
    PLAUSIBLE,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=5), children, max_size=3),
    ),
    max_leaves=6,
)

DOCUMENT_FIELDS = [
    "document_type",
    "document_no",
    "contact",
    "contact_email",
    "salesperson",
    "description",
    "date",
]
INTERACTION_FIELDS = [
    "contact",
    "template",
    "description",
    "salesperson",
    "date",
    "time",
    "correspondence_type",
    "information_flow",
    "initiated_by",
    "evaluation",
    "cost",
    "duration",
    "subject",
    "interaction_successful",
]
CONTACT_FILTERS = [
    "q",
    "type",
    "company",
    "salesperson",
    "city",
    "country",
    "language_code",
    "ordering",
]
ENTRY_FILTERS = [
    "contact",
    "salesperson",
    "template",
    "company",
    "group",
    "date_from",
    "date_to",
    "evaluation",
    "correspondence_type",
    "canceled",
    "document_no",
    "segment_no",
    "q",
    "ordering",
]


def bodies(fields):
    """JSON documents: mostly objects keyed by the fields, sometimes anything."""
    objects = st.dictionaries(
        st.one_of(st.sampled_from(fields), st.text(max_size=8)),
        JSON_VALUES,
        max_size=len(fields) + 2,
    )
    return st.one_of(objects, objects, objects, JSON_VALUES)


def queries(filters):
    text = st.one_of(st.text(max_size=12), PLAUSIBLE)
    return st.dictionaries(
        st.one_of(st.sampled_from([*filters, "page", "page_size"]), st.text()),
        st.one_of(text, st.lists(text, min_size=1, max_size=3)),
        max_size=5,
    )


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def world(contact, invoice_setup, call_template):
    """A contact, a template set up for sales invoices and a CALL template."""


def post_json(client, url, body):
    # json.dumps, not the client's renderer: Infinity must reach the parser too.
    return client.post(url, json.dumps(body), content_type="application/json")


@FUZZ
@given(body=bodies(DOCUMENT_FIELDS))
def test_documents_never_answer_a_server_error(api, world, tried, body):
    tried[0] += 1
    response = post_json(api, reverse("api:document_create"), body)

    assert response.status_code in {200, 201, 400, 404}, response.content


@FUZZ
@given(body=bodies(INTERACTION_FIELDS))
def test_creating_interactions_never_answers_a_server_error(api, world, tried, body):
    tried[0] += 1
    response = post_json(api, reverse("api:interaction_list"), body)

    assert response.status_code in {201, 400}, response.content


@FUZZ
@given(query=queries(CONTACT_FILTERS))
def test_contact_list_never_answers_a_server_error(api, world, tried, query):
    tried[0] += 1
    response = api.get(reverse("api:contact_list"), query)

    assert response.status_code in {200, 400, 404}, response.content


@FUZZ
@given(query=queries(ENTRY_FILTERS))
def test_entry_list_never_answers_a_server_error(api, world, tried, query):
    tried[0] += 1
    response = api.get(reverse("api:interaction_list"), query)

    assert response.status_code in {200, 400, 404}, response.content
