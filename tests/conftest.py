import pytest
from django.conf import settings
from django.utils import translation

from crm.models import MarketingSetup
from tests.factories import AdminUserFactory, NumberSeriesFactory, SalesUserFactory


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
