"""Every page of the project, found in the URL conf, needs a login.

Pages send anonymous users to the login page; the HTTP API (namespace `api`) answers
401 itself, with the header that asks for a token.
"""

import pytest
from django.urls import reverse

from tests.url_names import API_PREFIX, is_public, url_names

# Arguments that are not numbers: an export's format.
ARGUMENTS = {"file_format": "xlsx"}


def project_urls(api=False):
    """The URLs of the pages, or with `api` those of the HTTP API."""
    for name, arguments in url_names().items():
        if is_public(name):
            continue
        if name.startswith(API_PREFIX) == api:
            yield reverse(name, args=[ARGUMENTS.get(arg, 1) for arg in arguments])


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(project_urls()))
def test_anonymous_users_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(project_urls(api=True)))
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_api_requests_are_answered_401(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_every_app_page_is_checked():
    urls = list(project_urls())
    assert reverse("crm:contact_list") in urls
    assert reverse("interactions:entry_create") in urls
    assert reverse("interactions:delete_canceled") in urls


def test_every_api_url_is_checked():
    urls = list(project_urls(api=True))
    assert reverse("api:document_create") in urls
    assert reverse("api:contact_list") in urls
    assert reverse("api:interaction_list") in urls
    assert reverse("api:schema") in urls
    assert reverse("api:docs") in urls
