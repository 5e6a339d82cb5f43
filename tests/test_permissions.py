"""The permission matrix: every named URL, role and method answers as its view says.

URL names come from the URL conf (tests/url_names.py), so a new page joins the matrix
by itself. The outcome of each cell is derived, not typed in: anonymous users are sent
to the login page (the HTTP API answers 401); a logged-in user gets 403 unless they
hold the view's `permission_required`, then 405 for a method the view does not serve
and otherwise an answer, so a superuser never gets 403. The admin is asked less: staff
only, and its index and lists open. Nothing answers 500 and no GET writes. EXCEPTIONS
below holds what the views cannot tell.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test.client import ClientHandler
from django.urls import resolve, reverse
from django.utils.http import urlencode
from rest_framework.authtoken.models import Token

from audit.models import AuditRecord
from crm.models import Contact
from interactions.models import InteractionLogEntry
from jobs.models import Job
from jobs.services import attach_file
from privacy.models import RetentionPolicy
from segments import services
from tasks.services.reminders import create_feed
from tests.factories import (
    AdminUserFactory,
    AuditRecordFactory,
    CompanyFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    InteractionTemplateLanguageFactory,
    JobFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
    SegmentFactory,
    SegmentLineFactory,
    TaskFactory,
    UserFactory,
)
from tests.url_names import ADMIN_PREFIX, API_PREFIX, is_public, url_names
from web.views import BadInputMixin

ANONYMOUS, SALES, CRM_ADMIN, SUPERUSER = "anonymous", "Sales", "CRM admin", "superuser"
ROLES = (ANONYMOUS, SALES, CRM_ADMIN, SUPERUSER)
METHODS = ("get", "post")
# The API is asked with a token and with the browser session; anonymously with none
# and with a token that does not exist.
API_AUTH = {ANONYMOUS: ("no token", "unknown token")}
API_AUTH_LOGGED_IN = ("token", "session")

# Real objects for the URL arguments, so pages answer 200 instead of 404. A new URL
# with arguments fails test_every_url_with_arguments_has_real_ones until added here.
# Admin pages of one object take the first row of their model (admin_object_pk).
ARGUMENTS = {
    "crm:contact_detail": lambda w: {"pk": w.company.pk},
    "crm:contact_update": lambda w: {"pk": w.company.pk},
    "crm:contact_delete": lambda w: {"pk": w.person.pk},
    "crm:contact_privacy_block": lambda w: {"pk": w.person.pk},
    "crm:salesperson_detail": lambda w: {"pk": w.salesperson.pk},
    "crm:salesperson_update": lambda w: {"pk": w.salesperson.pk},
    "crm:numberseries_update": lambda w: {"pk": w.setup.contact_nos.pk},
    "crm:numberseries_delete": lambda w: {"pk": w.setup.contact_nos.pk},
    "crm:salesperson_delete": lambda w: {"pk": w.salesperson.pk},
    "interactions:group_delete": lambda w: {"pk": w.template.group.pk},
    "interactions:template_delete": lambda w: {"pk": w.template.pk},
    "interactions:entry_detail": lambda w: {"pk": w.entry.pk},
    "interactions:entry_attachment": lambda w: {"pk": w.entry.pk},
    "interactions:entry_resume": lambda w: {"pk": w.postponed.pk},
    "interactions:entry_take_over": lambda w: {"pk": w.postponed.pk},
    "interactions:group_update": lambda w: {"pk": w.template.group.pk},
    "interactions:template_detail": lambda w: {"pk": w.template.pk},
    "interactions:template_update": lambda w: {"pk": w.template.pk},
    "interactions:template_language_create": lambda w: {"pk": w.template.pk},
    "interactions:template_language_update": lambda w: {
        "pk": w.template.pk,
        "language_pk": w.language.pk,
    },
    "interactions:template_language_delete": lambda w: {
        "pk": w.template.pk,
        "language_pk": w.language.pk,
    },
    "interactions:template_attachment": lambda w: {"pk": w.template.pk},
    "interactions:template_language_attachment": lambda w: {
        "pk": w.template.pk,
        "language_pk": w.language.pk,
    },
    "segments:segment_attachment": lambda w: {"no": w.segment.no},
    "segments:line_attachment": lambda w: {"no": w.segment.no, "pk": w.line.pk},
    "segments:loggedsegment_cancel": lambda w: {"pk": w.logged_segment.pk},
    "segments:loggedsegment_detail": lambda w: {"pk": w.logged_segment.pk},
    "segments:loggedsegment_progress": lambda w: {"pk": w.logged_segment.pk},
    "segments:loggedsegment_letters": lambda w: {"pk": w.logged_segment.pk},
    "segments:loggedsegment_resend": lambda w: {"pk": w.logged_segment.pk},
    "segments:segment_detail": lambda w: {"no": w.segment.no},
    "segments:segment_update": lambda w: {"no": w.segment.no},
    "segments:segment_delete": lambda w: {"no": w.segment.no},
    "segments:segment_log": lambda w: {"no": w.segment.no},
    "segments:apply_header_template": lambda w: {"no": w.segment.no},
    "segments:add_contacts_from_entries": lambda w: {"no": w.segment.no},
    "segments:remove_contacts": lambda w: {"no": w.segment.no},
    "segments:reuse_logged_segment": lambda w: {"no": w.segment.no},
    **dict.fromkeys(
        [
            "segments:segment_criteria",
            "segments:criteria_add",
            "segments:criteria_reduce",
            "segments:criteria_refine",
            "segments:criteria_go_back",
            "segments:criteria_save",
            "segments:criteria_reuse",
            "api:segment_add_contacts",
            "api:segment_reduce",
            "api:segment_refine",
            "api:segment_go_back",
        ],
        lambda w: {"no": w.segment.no},
    ),
    "segments:savedcriteria_update": lambda w: {"pk": w.saved_criteria.pk},
    "segments:savedcriteria_delete": lambda w: {"pk": w.saved_criteria.pk},
    "segments:line_row": lambda w: {"no": w.segment.no, "pk": w.line.pk},
    "segments:line_update": lambda w: {"no": w.segment.no, "pk": w.line.pk},
    "privacy:contact_export": lambda w: {"pk": w.person.pk},
    "privacy:contact_erase": lambda w: {"pk": w.person.pk},
    # No export is kept in the world: the download is a 404 (tests/privacy).
    "privacy:export_download": lambda w: {"pk": 1},
    "api:contact_export": lambda w: {"no": w.person.no},
    "api:contact_erase": lambda w: {"no": w.person.no},
    "tasks:task_detail": lambda w: {"pk": w.task.pk},
    "api:task_detail": lambda w: {"no": w.task.no},
    "tasks:calendar_feed": lambda w: {"token": w.feed.token},
    "api:task_complete": lambda w: {"no": w.task.no},
    "tasks:task_update": lambda w: {"pk": w.task.pk},
    "tasks:task_complete": lambda w: {"pk": w.task.pk},
    "tasks:task_cancel": lambda w: {"pk": w.task.pk},
    "tasks:task_postpone": lambda w: {"pk": w.task.pk},
    "tasks:segment_task_create": lambda w: {"no": w.segment.no},
    "tasks:loggedsegment_task_create": lambda w: {"pk": w.logged_segment.pk},
    "jobs:row": lambda w: {"pk": w.job.pk},
    "jobs:cancel": lambda w: {"pk": w.job.pk},
    "jobs:retry": lambda w: {"pk": w.job.pk},
    "jobs:download": lambda w: {"pk": w.job.pk},
    "privacy:retention_policy_update": lambda w: {"pk": w.retention_policy.pk},
    "privacy:retention_policy_delete": lambda w: {"pk": w.retention_policy.pk},
    # Each list's export, in the format that does the most (tests/*/test_export*.py
    # have the others).
    "crm:contact_export": lambda w: {"file_format": "xlsx"},
    "audit:export": lambda w: {"file_format": "xlsx"},
    "interactions:entry_export": lambda w: {"file_format": "xlsx"},
    "interactions:group_export": lambda w: {"file_format": "xlsx"},
    "interactions:template_export": lambda w: {"file_format": "xlsx"},
    "segments:loggedsegment_export": lambda w: {"file_format": "xlsx"},
    "segments:line_export": lambda w: {"no": w.segment.no, "file_format": "xlsx"},
    "tasks:task_export": lambda w: {"file_format": "xlsx"},
    # A link that is not valid: the page says so.
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "admin:app_list": lambda w: {"app_label": "crm"},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Contact).pk,
        "object_id": w.company.pk,
    },
}
# Pages started from a contact card name the contact in the query string.
QUERIES = {
    "interactions:send_email": lambda w: {"contact": w.person.no},
    "interactions:letter": lambda w: {"contact": w.person.no},
}

# Views that name no permission on purpose: every logged-in user may open them, and
# anyone the public ones (tests/url_names.py).
NO_PERMISSION = {
    "home",
    # Read with its secret token by calendar programs (tests/tasks/test_reminders.py).
    "tasks:calendar_feed",
    # The page search offers each user only what they may open (crm/pages.py).
    "search",
    "search_suggestions",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "api:schema",
    "api:docs",
    # Everyone's own background jobs; others' are a 404 (tests/jobs/test_views.py).
    "jobs:list",
    "jobs:toasts",
    "jobs:row",
    "jobs:cancel",
    "jobs:retry",
    "jobs:download",
}


@dataclass(frozen=True)
class Outcome:
    statuses: frozenset
    why: str = ""
    redirect_to: tuple = ()  # names of the URLs a redirect may point to


def answers(*statuses, why="", redirect_to=()):
    return Outcome(frozenset(statuses), why, redirect_to)


OK = answers(200)
ANSWERED = answers(200, 302, why="done and shown, or done and redirected")
FORM_ANSWERED = answers(400, 302, why="a form with its errors (400), or done")
NOT_ALLOWED = answers(405, why="the view does not serve this method")
FORBIDDEN = answers(403, why="the role lacks the view's permission_required")
TO_LOGIN = answers(302, why="not logged in", redirect_to=("login",))

# What derivation cannot know: {url name: {(role, method): outcome}}, where the role
# "user" stands for every logged-in one.
EXCEPTIONS = {
    # A function view: it sends everyone back to the page they came from.
    "set_language": {
        (role, method): answers(302, why="back to the page")
        for role in (ANONYMOUS, "user")
        for method in METHODS
    },
    **{
        name: {("user", "get"): answers(404, why="the world's row has no attachment")}
        for name in (
            "interactions:entry_attachment",
            "interactions:template_attachment",
            "interactions:template_language_attachment",
            "segments:segment_attachment",
            "segments:line_attachment",
        )
    },
    "segments:loggedsegment_letters": {
        ("user", "get"): answers(404, why="the world's logged segment has no letters"),
    },
    # Any filters, none too, are counted first: the count to confirm, with 200.
    "interactions:delete_canceled": {
        (role, "post"): answers(200, why="the count of what would go, to confirm")
        for role in (CRM_ADMIN, SUPERUSER)
    },
    "crm:contact_import": {
        (role, "post"): answers(400, why="no file: the form's message, with 400")
        for role in (CRM_ADMIN, SUPERUSER)
    },
    # Block or lift says which in `blocked`; without it the POST is refused.
    "crm:contact_privacy_block": {
        (role, "post"): answers(400, why="no `blocked` given: refused with 400")
        for role in (SALES, CRM_ADMIN, SUPERUSER)
    },
    # A bulk reassign names its tasks and salesperson; without them it is refused.
    "tasks:task_reassign": {
        (role, "post"): answers(400, why="no tasks chosen: refused with 400")
        for role in (SALES, CRM_ADMIN, SUPERUSER)
    },
    # Every field of Complete has a default: an empty body completes the task.
    "api:task_complete": {
        (role, "post"): answers(200, why="an empty body completes the task")
        for role in (SALES, CRM_ADMIN, SUPERUSER)
    },
    # Erasure takes no body: an empty one erases the world's person.
    "api:contact_erase": {
        (role, "post"): answers(200, why="an empty body erases the contact")
        for role in (CRM_ADMIN, SUPERUSER)
    },
    "privacy:export_download": {
        (role, "get"): answers(404, why="the world keeps no data-subject export")
        for role in (CRM_ADMIN, SUPERUSER)
    },
    # The retention forms answer bad input (here: an empty body) with 400.
    **{
        name: {
            (role, "post"): answers(400, why="an empty form: its messages, with 400")
            for role in (CRM_ADMIN, SUPERUSER)
        }
        for name in (
            "privacy:retention",
            "privacy:retention_policy_create",
            "privacy:retention_policy_update",
        )
    },
    "admin:crm_marketingsetup_changelist": {
        (SUPERUSER, "get"): answers(302, why="the singleton's list opens its row"),
    },
}


def expected_outcome(name, url, user, role, method):
    exceptions = EXCEPTIONS.get(name, {})
    if (role, method) in exceptions:
        return exceptions[role, method]
    if user is not None and ("user", method) in exceptions:
        return exceptions["user", method]
    if name.startswith(ADMIN_PREFIX):
        return admin_outcome(name, user, method)
    if name.startswith(API_PREFIX):
        return api_outcome(name, url, user, method)
    return page_outcome(name, url, user, method)


def page_outcome(name, url, user, method):
    """Django's PermissionRequiredMixin refuses before the view looks at the method."""
    if user is None and not is_public(name):
        return TO_LOGIN
    view = view_class(url)
    required = required_permissions(name, view, method)
    if required and not (user and user.has_perms(required)):
        return FORBIDDEN
    if method not in allowed_methods(view):
        return NOT_ALLOWED
    if method == "get":
        return OK
    # Django's own login pages keep Django's answer (200 with the errors).
    return FORM_ANSWERED if issubclass(view, BadInputMixin) else ANSWERED


def api_outcome(name, url, user, method):
    """DRF answers 405 for a method the view does not serve before any permission."""
    if user is None:
        return answers(401, why="no valid token")
    view = view_class(url)
    if method not in allowed_methods(view):
        return NOT_ALLOWED
    if not user.has_perms(required_permissions(name, view, method)):
        return FORBIDDEN
    return OK if method == "get" else answers(400, why="an empty body is not valid")


def admin_outcome(name, user, method):
    """The admin checks its own staff flag; beyond that only its lists are asked."""
    if name == "admin:login" and not (user and user.is_staff):
        return OK if method == "get" else answers(200, why="the form with its errors")
    if user is None:
        # The site's own pages send to the admin's login, the model pages to the
        # project's (LoginRequiredMiddleware).
        return answers(302, why="not logged in", redirect_to=("login", "admin:login"))
    if name == "admin:password_change":
        # To the site's password change, with its limit (config/urls.py).
        return answers(302, why="the site's page", redirect_to=("password_change",))
    if not user.is_staff:
        if name == "admin:logout":
            return answers(302, why="not staff", redirect_to=("admin:index",))
        return answers(302, why="not staff", redirect_to=("admin:login",))
    if method == "get" and (
        name in ("admin:index", "admin:app_list") or name.endswith("_changelist")
    ):
        return OK
    # The admin refuses some adds and deletes to everyone (the singleton, the log).
    return answers(200, 302, 403, 404, 405, why="anything but a server error")


def view_class(url):
    return resolve(url.split("?")[0]).func.view_class


def allowed_methods(view):
    return {name for name in view.http_method_names if hasattr(view, name)}


def required_permissions(name, view, method):
    """The permissions the view names for the method; () for NO_PERMISSION views."""
    required = getattr(view, "permission_required", None)
    if isinstance(required, dict):  # the API names one per method
        required = required.get(method.upper())
    if required is None:
        assert name in NO_PERMISSION, (
            f"{name}: {view.__name__} names no permission_required. Give it one, or "
            "add the URL name to NO_PERMISSION if every logged-in user may open it."
        )
        return ()
    assert name not in NO_PERMISSION, f"{name} names a permission: not NO_PERMISSION"
    return (required,) if isinstance(required, str) else tuple(required)


def cells():
    """(url name, role, how the API is authenticated, method) of every cell."""
    for name in URL_NAMES:
        for role in ROLES:
            auths = (None,)
            if name.startswith(API_PREFIX):
                auths = API_AUTH.get(role, API_AUTH_LOGGED_IN)
            for auth in auths:
                for method in METHODS:
                    cell_id = "-".join(filter(None, (name, role, auth, method)))
                    yield pytest.param(name, role, auth, method, id=cell_id)


URL_NAMES = url_names()
MATRIX = list(cells())


@pytest.fixture
def world(marketing_setup, media_root):
    """One of everything a URL can name."""
    salesperson = SalespersonFactory()
    company = CompanyFactory(salesperson=salesperson)
    person = PersonFactory(
        company=company, salesperson=salesperson, email="person@example.com"
    )
    template = InteractionTemplateFactory()
    entries = {"contact": person, "template": template, "salesperson": salesperson}
    segment = SegmentFactory(template=template, salesperson=salesperson)
    # A token of its own, so the admin's token pages have a row.
    Token.objects.create(user=UserFactory(username="integration", groups=[]))
    AuditRecordFactory()
    return SimpleNamespace(
        setup=marketing_setup,
        salesperson=salesperson,
        company=company,
        person=person,
        template=template,
        language=InteractionTemplateLanguageFactory(template=template),
        entry=InteractionLogEntryFactory(**entries),
        postponed=InteractionLogEntryFactory(**entries, postponed=True),
        segment=segment,
        line=SegmentLineFactory(segment=segment, **entries),
        saved_criteria=saved_criteria(segment),
        logged_segment=LoggedSegmentFactory(),
        # Unassigned, so that Sales may open it too.
        task=TaskFactory(contact=person, salesperson=None),
        feed=create_feed(UserFactory(username="calendar")),
        # With its file, so that jobs:download has something to hand out.
        job=attach_file(JobFactory(), ContentFile(b"a;b\n"), name="export.csv"),
        retention_policy=RetentionPolicy.objects.create(
            template=template, action="delete", months=12
        ),
    )


def saved_criteria(segment):
    """Saved criteria of one action that names no contact: the world's segment
    keeps its lines."""
    services.reduce_contacts(segment, {"city": "Nowhere"}, user=None)
    saved = services.save_criteria(segment, code="SAVED", description="", user=None)
    services.go_back(segment, user=None)
    return saved


def own_the_drafts(user):
    """Make the world's postponed interaction `user`'s: a draft opens to its owner
    only (the others' drafts are tested in tests/interactions/test_drafts.py)."""
    if user is not None:
        InteractionLogEntry.objects.filter(postponed=True).update(created_by=user)


def own_the_jobs(user):
    """Make the world's job `user`'s: a job opens to its owner (and CRM admins)."""
    if user is not None:
        Job.objects.update(created_by=user)


def make_user(role):
    if role == SALES:
        return SalesUserFactory(username="sales")
    if role == CRM_ADMIN:
        return AdminUserFactory(username="crmadmin")
    if role == SUPERUSER:
        return UserFactory(username="root", is_staff=True, is_superuser=True)
    return None


def admin_model(name):
    """The model of an admin page of one model, else None."""
    for model in admin.site._registry:
        prefix = f"{ADMIN_PREFIX}{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return None


def admin_object_pk(model):
    """The first row of the model; the world holds one of each model of the project.

    A model the world has no row of (a third-party app's log) gets a key that does
    not exist: the admin then sends the superuser back to its index.
    """
    row = model._default_manager.order_by("pk").first()
    return row.pk if row else 0


def url_for(name, world):
    parameters = URL_NAMES[name]
    if name in ARGUMENTS:
        kwargs = ARGUMENTS[name](world)
    elif not parameters:
        kwargs = {}
    elif model := admin_model(name):
        kwargs = {parameters[0]: admin_object_pk(model)}
    else:
        pytest.fail(f"{name} takes {', '.join(parameters)}: add it to ARGUMENTS")
    url = reverse(name, kwargs=kwargs)
    if name in QUERIES:
        url = f"{url}?{urlencode(QUERIES[name](world))}"
    return url


def snapshot():
    """Every row of the project's tables, users and tokens: what GETs leave alone."""
    models = [
        *(
            model
            for label in ("audit", "crm", "interactions", "segments")
            for model in apps.get_app_config(label).get_models()
        ),
        User,
        Group,
        Token,
    ]
    return {
        model._meta.label: list(rows(model).order_by("pk").values_list())
        for model in models
    }


def rows(model):
    """The model's rows but the audit records of exports: a GET that exports
    leaves that trace on purpose."""
    if model is AuditRecord:
        return AuditRecord.objects.exclude(action=AuditRecord.Action.EXPORTED)
    return model._base_manager.all()


@pytest.fixture(scope="module")
def handler():
    """One request handler for the whole matrix: loading the middleware makes
    WhiteNoise scan every static file, some 80 ms per test client."""
    return ClientHandler(enforce_csrf_checks=False)


@pytest.mark.parametrize(("name", "role", "auth", "method"), MATRIX)
def test_permission_matrix(client, handler, world, name, role, auth, method):
    """1,304 cells on 2026-11-21: 153 URL names of pages and the admin (15 of them
    django-axes') by 4 roles by GET and POST, and 5 of the API by 8 ways in (none, an
    unknown token, each role's token and session) by GET and POST."""
    client.handler = handler
    user = make_user(role)
    own_the_drafts(user)
    own_the_jobs(user)
    url = url_for(name, world)
    headers = {}
    if auth == "unknown token":
        headers["authorization"] = "Token 0123456789abcdef0123456789abcdef01234567"
    elif auth == "token":
        headers["authorization"] = f"Token {Token.objects.create(user=user).key}"
    elif user is not None:
        client.force_login(user)
    expected = expected_outcome(name, url, user, role, method)
    before = snapshot() if method == "get" else None

    # The API reads JSON bodies only: a form body would be a 415 before any rule.
    body = {"content_type": "application/json"} if name.startswith("api:") else {}
    response = getattr(client, method)(url, headers=headers, **body)

    assert response.status_code in expected.statuses, (
        f"{method.upper()} {url} as {role}: {response.status_code}, expected "
        f"{' or '.join(map(str, sorted(expected.statuses)))} ({expected.why})"
    )
    if expected.redirect_to:
        assert response["Location"].startswith(
            tuple(reverse(target) for target in expected.redirect_to)
        ), f"{url} as {role} redirects to {response['Location']}"
    if response.status_code == 401:
        assert response["WWW-Authenticate"] == "Token"
    if before is not None:
        assert snapshot() == before, f"GET {url} as {role} changed data"


def test_every_url_with_arguments_has_real_ones():
    missing = [
        name
        for name, parameters in URL_NAMES.items()
        if parameters and name not in ARGUMENTS and admin_model(name) is None
    ]
    assert not missing, f"Add these URL names to ARGUMENTS: {', '.join(missing)}"


def test_the_tables_name_only_urls_that_exist():
    named = {*ARGUMENTS, *QUERIES, *NO_PERMISSION, *EXCEPTIONS}
    assert named <= set(URL_NAMES), f"No such URL: {', '.join(named - set(URL_NAMES))}"


@pytest.mark.parametrize(
    ("name", "args", "query"),
    [
        ("interactions:send_email", [], "?contact=NO-SUCH"),
        ("interactions:letter", [], "?contact=NO-SUCH"),
        ("segments:criteria_add", ["NO-SUCH"], ""),
        ("segments:segment_log", ["NO-SUCH"], ""),
    ],
)
def test_without_the_permission_a_missing_object_is_403_not_404(
    client, db, name, args, query
):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("nobody"))
    assert client.get(reverse(name, args=args) + query).status_code == 403
