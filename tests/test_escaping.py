"""Names and descriptions with markup are shown as text on the pages listing them."""

import pytest
from django.urls import reverse

from tests.factories import (
    CompanyFactory,
    InteractionLogEntryFactory,
    PersonFactory,
    SegmentLineFactory,
)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(db):
    company = CompanyFactory(name=HOSTILE)
    person = PersonFactory(name=HOSTILE, company=company)
    entry = InteractionLogEntryFactory(
        contact=person, contact_company=company, description=HOSTILE, subject=HOSTILE
    )
    line = SegmentLineFactory(contact=person, description=HOSTILE)
    line.segment.description = HOSTILE
    line.segment.save()
    return company, person, entry, line.segment


def pages(company, person, entry, segment):
    return [
        reverse("crm:contact_list"),
        reverse("crm:contact_list") + f"?q={company.no}",
        company.get_absolute_url(),
        person.get_absolute_url(),
        reverse("interactions:entry_list"),
        entry.get_absolute_url(),
        reverse("segments:segment_list"),
        segment.get_absolute_url(),
        reverse("crm:contact_delete", args=[person.pk]),
        # The start page's active segments, and the page search's results.
        reverse("home"),
        reverse("search") + "?q=alert",
    ]


def test_markup_in_names_is_escaped_on_every_page(crm_admin_client, hostile):
    for url in pages(*hostile):
        response = crm_admin_client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert HOSTILE not in content, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content, url
