"""The OpenAPI schema, the Swagger UI docs and the token admin."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_schema_generates_and_validates_without_warnings(tmp_path):
    path = tmp_path / "schema.yaml"

    # --fail-on-warn turns every warning (an unguessable type, an enum clash) into
    # a failure, so this passing means the schema describes every field.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))

    schema = yaml.safe_load(path.read_text())
    assert set(schema["paths"]) == {
        "/api/v1/documents/",
        "/api/v1/contacts/",
        "/api/v1/contacts/{no}/export/",
        "/api/v1/contacts/{no}/erase/",
        "/api/v1/interactions/",
        "/api/v1/segments/{no}/add-contacts/",
        "/api/v1/segments/{no}/reduce/",
        "/api/v1/segments/{no}/refine/",
        "/api/v1/segments/{no}/go-back/",
        "/api/v1/tasks/",
        "/api/v1/tasks/{no}/",
        "/api/v1/tasks/{no}/complete/",
    }
    documents = schema["paths"]["/api/v1/documents/"]["post"]
    assert set(documents["responses"]) == {"200", "201", "400", "401", "403", "404"}
    assert schema["paths"]["/api/v1/interactions/"].keys() == {"get", "post"}


def test_schema_is_served_to_logged_in_users_only(
    sales_client, anonymous_api, api_without_permissions
):
    response = sales_client.get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    assert "/api/v1/documents/" in response.json()["paths"]
    assert api_without_permissions.get(reverse("api:schema")).status_code == 200
    assert anonymous_api.get(reverse("api:schema")).status_code == 401


def test_docs_load_swagger_ui_from_our_static_files_not_a_cdn(sales_client):
    response = sales_client.get(reverse("api:docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'url: "/api/schema/"' in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert all(asset.startswith("/static/drf_spectacular_sidecar/") for asset in assets)
    assert not re.search(r"https?://", html)


def test_docs_need_a_login(anonymous_api):
    assert anonymous_api.get(reverse("api:docs")).status_code == 401


def test_tokens_are_managed_in_the_admin(admin_client):
    user = UserFactory(username="erp")

    changelist = admin_client.get(reverse("admin:authtoken_tokenproxy_changelist"))
    added = admin_client.post(
        reverse("admin:authtoken_tokenproxy_add"), {"user": user.pk}
    )

    assert changelist.status_code == 200
    assert added.status_code == 302
    assert Token.objects.get(user=user).key
