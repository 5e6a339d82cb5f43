import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models.signals import post_migrate
from django.utils import translation

from crm.models import MarketingSetup
from interactions.models import InteractionTemplateSetup
from tests.factories import (
    AdminUserFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    NumberSeriesFactory,
    SalespersonFactory,
    SalesUserFactory,
)

# What the data migrations made in the test database: the role groups with their
# permissions, the setup row of each document type.
MIGRATED = {}


def _migration_data_back(sender, **kwargs):
    """Note what the migrations made, once the last app's post_migrate is sent after
    the test database is made; put it back after each transactional test's flush
    emptied every table (Django brings the permissions back the same way), so a
    test finds it whatever ran before it on its worker."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:  # the signal is sent for apps with models only
        return
    if not MIGRATED:
        MIGRATED["groups"] = {
            group.name: set(
                group.permissions.values_list("content_type__app_label", "codename")
            )
            for group in Group.objects.all()
        }
        MIGRATED["setup"] = list(
            InteractionTemplateSetup.objects.values_list("document_type", flat=True)
        )
        return
    permissions = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for name, wanted in MIGRATED["groups"].items():
        group = Group.objects.get_or_create(name=name)[0]
        group.permissions.set([permissions[key] for key in wanted])
    InteractionTemplateSetup.objects.bulk_create(
        [InteractionTemplateSetup(document_type=value) for value in MIGRATED["setup"]],
        ignore_conflicts=True,
    )


post_migrate.connect(_migration_data_back, dispatch_uid="tests.migration_data_back")

# "Today" for the tests that depend on it: a Thursday at noon, so a test gives the
# same answer whatever day and hour it runs, and a ticking clock never reaches
# midnight.
FROZEN_NOW = datetime.datetime(2026, 12, 3, 12, 0)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Hashed manifest names need `collectstatic` first and are not served by the live
    # server's static handler; tests/test_deploy.py builds the real manifest instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _english_to_begin_with():
    """Each test starts in the site's language: a request in Dutch leaves Dutch
    active in the thread (LocaleMiddleware), and a streamed download ends after the
    test has moved on."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """Background jobs run inside the test, as soon as their transaction commits
    (django-tasks' immediate backend); tests/jobs starts real workers too."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher spends ~0.3 s per user on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sales_user(db):
    return SalesUserFactory(username="sales")


@pytest.fixture
def admin_user_crm(db):
    """A member of the CRM admin group (not a Django superuser)."""
    return AdminUserFactory(username="crmadmin")


# Shared ground below; a module or app conftest that needs another user, salesperson
# or template defines its own under the same name, which wins over these.


@pytest.fixture
def user(sales_user):
    """The user the services act for."""
    return sales_user


@pytest.fixture
def salesperson(sales_user):
    """Salesperson AV, linked to the Sales user."""
    return SalespersonFactory(code="AV", name="Anna Visser", user=sales_user)


@pytest.fixture
def sales_client(client, sales_user):
    client.force_login(sales_user)
    return client


@pytest.fixture
def crm_admin_client(client, admin_user_crm):
    client.force_login(admin_user_crm)
    return client


@pytest.fixture
def marketing_setup(db):
    """Marketing setup with contact (CT) and segment (SM) number series."""
    setup = MarketingSetup.load()
    setup.contact_nos = NumberSeriesFactory(code="CONTACT", prefix="CT", next_number=1)
    setup.segment_nos = NumberSeriesFactory(code="SEGMENT", prefix="SM", next_number=1)
    setup.save()
    return setup


@pytest.fixture
def invoice_template():
    return InteractionTemplateFactory(
        code="INVOICE",
        description="Sales invoice sent",
        group=InteractionGroupFactory(code="DOCS"),
        unit_cost=Decimal("0.50"),
        unit_duration=1,
        information_flow="outbound",
        initiated_by="us",
    )


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded and written files go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def frozen_today(settings):
    """The clock stopped at FROZEN_NOW in the site's time zone; returns that day.
    It ticks on from there, so durations, tokens and throttles still see time pass."""
    now = FROZEN_NOW.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(now, tick=True):
        yield now.date()


@pytest.fixture
def tried(record_property):
    """A property-based test's count of the inputs it tried: `tried[0] += 1` per
    example. It is recorded as the property "generated_inputs"."""
    count = [0]
    yield count
    record_property("generated_inputs", count[0])


def pytest_terminal_summary(terminalreporter):
    """How many inputs the fuzz tests made up and tried in this run (each test
    records its count as the property "generated_inputs")."""
    counts = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "teardown"
        for name, value in getattr(report, "user_properties", ())
        if name == "generated_inputs"
    ]
    if counts:
        terminalreporter.write_line(
            f"Fuzzing: {sum(counts):,} generated inputs tried in {len(counts)} tests."
        )


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` are about PostgreSQL itself (its indexes and plans):
    on another database they are deselected, not skipped; CI's PostgreSQL run has
    them."""
    if connection.vendor == "postgresql":
        return
    kept, deselected = [], []
    for item in items:
        marked = item.get_closest_marker("postgresql") is not None
        (deselected if marked else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
