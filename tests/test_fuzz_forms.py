"""Input hardening: every form of the site, fed what Hypothesis makes up, never answers
a server error and never writes half a submission.

Pages come from the URL conf (tests/url_names.py), as in tests/test_permissions.py,
whose world, URLs and table snapshot this module reuses: a new form is fuzzed by
itself. The test plays the browser. It opens the page (or the pages whose forms post
there, FORM_PAGES), reads the forms in the HTML (field names, values, options) and the
Django form fields behind them (their types, tests/strategies.py), and sends data made
from those: most fields right, a few wrong or left out, plus keys no form has.

- POST to every page that takes one, as a superuser and, where the Sales role may, as
  a Sales user; the add and change pages of the admin for the CRM's models.
- GET every page and admin list with made-up filters, sort orders and page numbers.

Every answer is below 500. A POST the page refused (an error status, a redirect with an
error message, the form again with its errors, which the page shows) leaves every row
of the CRM's tables as it was (tests/test_faults.py's snapshot). Any other POST may
change only the tables WRITES names for the page, and every row it changed passes its
model fields' validation and holds no NUL character. A GET writes
nothing, and a list page with filters it cannot read names the problem.

Each example runs in a savepoint that is rolled back, so all start from the same world.
Each test counts its inputs (the `tried` fixture); the terminal summary adds them up.
"""

import os
from collections import defaultdict
from copy import copy
from html import escape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.admin import site
from django.db import connection, transaction
from django.test.utils import ContextList
from django.urls import resolve, reverse
from django_filters import FilterSet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditRecord
from crm import roles
from crm.models import Contact, Salesperson, ThrottleEvent
from interactions.models import InteractionTemplate
from segments.models import Segment
from tests import test_permissions
from tests.factories import (
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
)
from tests.strategies import (
    TEXT,
    WORDS,
    Values,
    field_values,
    query_strings,
    submissions,
)
from tests.test_faults import snapshot as all_tables
from tests.test_permissions import (
    SALES,
    SUPERUSER,
    URL_NAMES,
    allowed_methods,
    make_user,
    own_the_drafts,
    url_for,
)
from tests.url_names import ADMIN_PREFIX, API_PREFIX

# The permission matrix's fixtures: its world of one of everything, and one request
# handler for the module.
world = test_permissions.world
handler = test_permissions.handler

pytestmark = pytest.mark.django_db

# Examples per page. FORM_FUZZ=deep tries ten times as many (about ten minutes).
DEPTH = 10 if os.environ.get("FORM_FUZZ") == "deep" else 1
settings.register_profile(
    "forms",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("forms")
POST_EXAMPLES = {SUPERUSER: 6 * DEPTH, SALES: 4 * DEPTH}
GET_EXAMPLES = 4 * DEPTH

# Pages whose form lives on another page: the pages holding forms that post here.
FORM_PAGES = {
    "interactions:entry_bulk": ["interactions:entry_list"],
    "interactions:postponed_bulk": ["interactions:postponed_list"],
    "segments:loggedsegment_cancel": [
        "segments:loggedsegment_list",
        "segments:loggedsegment_detail",
    ],
    "segments:remove_contacts": ["segments:segment_detail"],
    "segments:segment_log": ["segments:segment_log", "segments:segment_detail"],
    "segments:apply_header_template": ["segments:segment_log"],
    "segments:criteria_save": ["segments:criteria_save", "segments:segment_criteria"],
    "segments:criteria_reuse": [
        "segments:criteria_reuse",
        "segments:segment_criteria",
    ],
    "logout": ["home"],
    "set_language": ["home"],
    # The htmx requests that fill a form in from the template chosen.
    "interactions:entry_form_fields": ["interactions:entry_create"],
    "segments:segment_form_fields": ["segments:segment_create"],
}
# What a criteria action (Add, Reduce, Refine, Go back, Reuse criteria) writes.
CRITERIA_WRITES = frozenset(
    {
        "segments.SegmentLine",
        "segments.SegmentCriteriaAction",
        "segments.SegmentHistory",
        "audit.AuditRecord",
    }
)
# Entries are written with their statistics (interactions.services.statistics).
ENTRY_TABLES = (
    "interactions.InteractionLogEntry",
    "interactions.InteractionDailyStatistics",
    "interactions.InteractionTotalStatistics",
)
# What a task page writes: the task, its attendees, its number, the audit record
# (completing one may make the next of a recurring task).
TASK_WRITES = frozenset(
    {
        "tasks.Task",
        "tasks.Task_attendee_contacts",
        "tasks.Task_attendee_salespeople",
        "crm.NumberSeries",
        "audit.AuditRecord",
    }
)
# What a page that takes a POST may change when it says it is done.
WRITES = {
    "jobs:cancel": {"jobs.Job"},
    "jobs:retry": {"jobs.Job"},
    # The privacy flag's change is audited (crm.services.set_privacy_blocked).
    "crm:contact_create": {"crm.Contact", "crm.NumberSeries", "audit.AuditRecord"},
    "crm:contact_update": {"crm.Contact", "audit.AuditRecord"},
    "crm:contact_delete": {"crm.Contact"},
    "crm:contact_privacy_block": {"crm.Contact", "audit.AuditRecord"},
    "crm:salesperson_create": {"crm.Salesperson"},
    "crm:salesperson_update": {"crm.Salesperson"},
    # A setup row nothing uses goes alone (web.views.ServiceDeleteView).
    "crm:salesperson_delete": {"crm.Salesperson"},
    "crm:numberseries_delete": {"crm.NumberSeries"},
    "interactions:group_delete": {"interactions.InteractionGroup"},
    "interactions:template_delete": {
        "interactions.InteractionTemplate",
        "interactions.InteractionTemplateLanguage",
    },
    "crm:marketing_setup": {"crm.MarketingSetup"},
    "privacy:retention": {"privacy.RetentionSettings"},
    "privacy:retention_policy_create": {"privacy.RetentionPolicy"},
    "privacy:retention_policy_update": {"privacy.RetentionPolicy"},
    "privacy:retention_policy_delete": {"privacy.RetentionPolicy"},
    # A run is a job: the job, its log and what the rules delete.
    "privacy:retention_run": {
        "jobs.Job",
        "privacy.RetentionRun",
        "audit.AuditRecord",
        *ENTRY_TABLES,
    },
    "crm:numberseries_create": {"crm.NumberSeries"},
    "crm:numberseries_update": {"crm.NumberSeries"},
    "interactions:entry_create": {
        *ENTRY_TABLES,
        *TASK_WRITES,  # the Opvolgtaak
        "crm.FormSubmission",
    },
    "interactions:entry_resume": {
        *ENTRY_TABLES,
        "audit.AuditRecord",
        "crm.FormSubmission",
    },
    "interactions:entry_take_over": {
        *ENTRY_TABLES,
        "audit.AuditRecord",
    },
    "interactions:entry_bulk": {
        *ENTRY_TABLES,
        "audit.AuditRecord",
    },
    "interactions:postponed_bulk": {
        *ENTRY_TABLES,
        "audit.AuditRecord",
    },
    "interactions:delete_canceled": {
        *ENTRY_TABLES,
        "audit.AuditRecord",
    },
    "interactions:send_email": {
        *ENTRY_TABLES,
        "audit.AuditRecord",
    },
    "interactions:letter": {*ENTRY_TABLES, "audit.AuditRecord"},
    "interactions:template_setup": {"interactions.InteractionTemplateSetup"},
    "interactions:group_create": {"interactions.InteractionGroup"},
    "interactions:group_update": {"interactions.InteractionGroup"},
    "interactions:template_create": {"interactions.InteractionTemplate"},
    "interactions:template_update": {"interactions.InteractionTemplate"},
    "interactions:template_language_create": {
        "interactions.InteractionTemplateLanguage"
    },
    "interactions:template_language_update": {
        "interactions.InteractionTemplateLanguage"
    },
    "interactions:template_language_delete": {
        "interactions.InteractionTemplateLanguage"
    },
    "segments:segment_create": {"segments.Segment", "crm.NumberSeries"},
    "segments:segment_update": {"segments.Segment", "segments.SegmentLine"},
    "segments:segment_delete": {"segments.Segment", "segments.SegmentLine"},
    "segments:segment_log": {
        "segments.Segment",
        "segments.SegmentLine",
        "segments.LoggedSegment",
        *ENTRY_TABLES,
        *TASK_WRITES,  # the Opvolgtaak
    },
    "segments:remove_contacts": {"segments.SegmentLine"},
    "segments:reuse_logged_segment": {"segments.SegmentLine"},
    "segments:line_update": {"segments.SegmentLine"},
    "segments:apply_header_template": {"segments.SegmentLine"},
    "segments:loggedsegment_resend": {
        "segments.LoggedSegment",
        *ENTRY_TABLES,
        "jobs.Job",
    },
    "segments:loggedsegment_cancel": {
        "segments.LoggedSegment",
        *ENTRY_TABLES,
        "audit.AuditRecord",
    },
    "segments:segment_from_entries": {
        "segments.Segment",
        "segments.SegmentLine",
        "crm.NumberSeries",
    },
    "segments:add_contacts_from_entries": {"segments.SegmentLine"},
    **dict.fromkeys(
        [
            "segments:criteria_add",
            "segments:criteria_reduce",
            "segments:criteria_refine",
            "segments:criteria_go_back",
            "segments:criteria_reuse",
        ],
        CRITERIA_WRITES,
    ),
    "segments:criteria_save": {
        "segments.SavedSegmentCriteria",
        "segments.SavedSegmentCriteriaAction",
        "audit.AuditRecord",
    },
    "segments:savedcriteria_update": {
        "segments.SavedSegmentCriteria",
        "audit.AuditRecord",
    },
    "segments:savedcriteria_delete": {
        "segments.SavedSegmentCriteria",
        "segments.SavedSegmentCriteriaAction",
        "audit.AuditRecord",
    },
    "segments:segment_from_contacts": {
        "segments.Segment",
        "crm.NumberSeries",
        *CRITERIA_WRITES,
    },
    # The data-subject export leaves its audit record; erasure reaches every table
    # that held the contact (privacy.services.erase).
    "privacy:contact_export": {"audit.AuditRecord"},
    "privacy:contact_erase": {
        "crm.Contact",
        "interactions.InteractionLogEntry",
        "segments.SegmentLine",
        "segments.SegmentHistory",
        "segments.SegmentCriteriaAction",
        "segments.SavedSegmentCriteriaAction",
        "segments.LoggedSegment",
        "tasks.Task",
        "tasks.CalendarFeed",
        "privacy.ContactExport",
        "audit.AuditRecord",
    },
    "tasks:task_create": TASK_WRITES,
    "tasks:task_update": TASK_WRITES,
    "tasks:task_complete": {*TASK_WRITES, *ENTRY_TABLES, "crm.FormSubmission"},
    "tasks:task_cancel": TASK_WRITES,
    "tasks:task_postpone": TASK_WRITES,
    "tasks:task_reassign": TASK_WRITES,
    "tasks:segment_task_create": TASK_WRITES,
    "tasks:loggedsegment_task_create": TASK_WRITES,
    "tasks:calendar_settings": {"tasks.CalendarFeed"},
    "crm:contact_import": set(),  # the preview: the file waits in media storage
    "crm:contact_import_confirm": {"crm.Contact", "crm.NumberSeries"},
    # Users are no CRM tables.
    "login": set(),
    "logout": set(),
    "password_change": set(),
    "password_reset": set(),
    "password_reset_confirm": set(),
    "set_language": set(),
}
# The admin writes the page's model and its inlines' models; adding takes a number.
ADMIN_WRITES = {
    # The privacy flag's change is audited.
    "crm.Contact": {"crm.NumberSeries", "audit.AuditRecord"},
    "segments.Segment": {"segments.SegmentLine", "crm.NumberSeries"},
    "interactions.InteractionLogEntry": {
        "interactions.InteractionDailyStatistics",
        "interactions.InteractionTotalStatistics",
        "audit.AuditRecord",
    },
    "segments.SavedSegmentCriteria": {"audit.AuditRecord"},
    # Saved through create_task / update_task, as the task pages are.
    "tasks.Task": TASK_WRITES,
}
CRM_APPS = ("audit", "crm", "interactions", "segments", "tasks", "privacy")


# Which pages -----------------------------------------------------------------------


def view_of(name):
    """The view class of a named URL; None for a function view (set_language)."""
    kwargs = dict.fromkeys(URL_NAMES[name], "1")
    if "file_format" in kwargs:  # an export: export.xlsx, export.csv, …
        kwargs["file_format"] = "csv"
    path = reverse(name, kwargs=kwargs)
    return getattr(resolve(path).func, "view_class", None)


def site_pages():
    return [
        name for name in URL_NAMES if not name.startswith((ADMIN_PREFIX, API_PREFIX))
    ]


def methods(name):
    view = view_of(name)
    return {"get", "post"} if view is None else allowed_methods(view)


def sales_may(name):
    """Whether the page names permissions and the Sales role holds them all."""
    required = getattr(view_of(name), "permission_required", None)
    if required is None:
        return False
    required = (required,) if isinstance(required, str) else required
    return set(required) <= set(roles.SALES_PERMISSIONS)


def crm_admin_models():
    return sorted(
        (model for model in site._registry if model._meta.app_label in CRM_APPS),
        key=lambda model: model._meta.label,
    )


def admin_name(model, page):
    return f"{ADMIN_PREFIX}{model._meta.app_label}_{model._meta.model_name}_{page}"


POST_PAGES = [name for name in site_pages() if "post" in methods(name)]
POSTS = [
    *(pytest.param(name, SUPERUSER, id=f"{name}-superuser") for name in POST_PAGES),
    *(
        pytest.param(name, SALES, id=f"{name}-Sales")
        for name in POST_PAGES
        if sales_may(name)
    ),
    *(
        pytest.param(admin_name(model, page), SUPERUSER, id=admin_name(model, page))
        for model in crm_admin_models()
        for page in ("add", "change")
    ),
]
GETS = [
    *(name for name in site_pages() if "get" in methods(name)),
    *(admin_name(model, "changelist") for model in crm_admin_models()),
]


# What a browser sees -----------------------------------------------------------------


class PageForms(HTMLParser):
    """The forms of a page as a browser reads them: per form its method, where it
    goes, and for each field name the values the page put in (an input's value, a
    drop-down's options, a button's value); and the page's links with a query."""

    def __init__(self, url):
        super().__init__()
        self.url = url
        self.forms = []
        self.links = []
        self.form = None
        self.select = None

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        name = attributes.get("name")
        self.htmx(attributes)
        if tag == "form":
            action = urljoin(self.url, attributes.get("action") or self.url)
            method = (attributes.get("method") or "get").lower()
            self.form = (method, urlsplit(action).path, defaultdict(list))
            self.forms.append(self.form)
        elif tag == "a" and attributes.get("href"):
            self.links.append(urljoin(self.url, attributes["href"]))
        elif self.form is None or not name:
            if tag == "option" and self.select is not None:
                self.select.append(attributes.get("value") or "")
        elif tag == "select":
            self.select = self.form[2][name]
        elif tag in ("input", "button", "textarea"):
            default = "on" if attributes.get("type") in ("checkbox", "radio") else ""
            self.form[2][name].append(attributes.get("value") or default)

    def htmx(self, attributes):
        """An element inside a form that makes htmx send the form somewhere else."""
        include = attributes.get("hx-include", "")
        for method in ("get", "post"):
            target = attributes.get(f"hx-{method}")
            if (
                target
                and self.form is not None
                and include.startswith(("#", "closest"))
            ):
                path = urlsplit(urljoin(self.url, target)).path
                self.forms.append((method, path, self.form[2]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None

    def fields(self, method, path):
        """{name: values offered} of the page's forms that send `method` to `path`."""
        found = defaultdict(list)
        for form_method, action, fields in self.forms:
            if form_method == method and action == path:
                for name, values in fields.items():
                    found[name].extend(values)
        return found

    def link_queries(self, path):
        """{name: values} of the query strings of the page's links to `path`."""
        found = defaultdict(list)
        for link in self.links:
            parts = urlsplit(link)
            if parts.path == path:
                for name, value in parse_qsl(parts.query, keep_blank_values=True):
                    found[name].append(value)
        return found


def context_values(response):
    """Every value the templates of the response were given."""
    context = response.context
    if context is None:
        return []
    contexts = context if isinstance(context, ContextList) else [context]
    return [value for each in contexts for value in each.flatten().values()]


def forms_in(value):
    """The Django forms inside a context value: a form, a formset, a FilterSet, the
    admin's wrappers of forms and inline formsets."""
    if isinstance(value, forms.BaseForm):
        return [value]
    if isinstance(value, forms.BaseFormSet):
        return [value.management_form, *value.forms]
    if isinstance(value, FilterSet):
        return [value.form]
    inner = getattr(value, "formset", None) or getattr(value, "form", None)
    if isinstance(inner, forms.BaseForm | forms.BaseFormSet):
        return forms_in(inner)
    return []


def typed_fields(response):
    """{the name a field is sent under: the Django form field} on the page."""
    fields = {}
    for value in context_values(response):
        for form in forms_in(value):
            for name, field in form.fields.items():
                fields.setdefault(form.add_prefix(name), field)
    return fields


def filter_of(response):
    """The fields of the list filters on the page (its FilterSet), or {}."""
    for value in context_values(response):
        if isinstance(value, FilterSet):
            return value.form.fields
    return {}


def typed_values(typed, offered):
    """{name: Values} for the names a page's forms send."""
    values = {}
    for name in sorted(offered.keys() | typed.keys()):
        field = typed.get(name)
        if field is None:
            good = st.sampled_from(offered[name]) if offered[name] else WORDS
            values[name] = Values(good=good, bad=TEXT)
        elif field.widget.is_hidden and offered[name]:
            # A form count or a key put in by the page: what the browser sends back.
            values[name] = Values(
                good=st.sampled_from(offered[name]),
                bad=field_values(field).bad,
            )
        else:
            values[name] = field_values(field, offered[name])
    return values


# The properties ----------------------------------------------------------------------


def error_messages(response):
    return [
        message.message
        for message in messages.get_messages(response.wsgi_request)
        if message.level >= messages.ERROR
    ]


def bound_forms(response):
    return [
        form
        for value in context_values(response)
        for form in forms_in(value)
        if form.is_bound
    ]


def refused(response):
    """Whether the page said no: an error status, a redirect with an error message,
    or the form again with its errors."""
    if response.status_code >= 400 or error_messages(response):
        return True
    return any(form.errors for form in bound_forms(response))


def table_models():
    """{table: model} of every table snapshot() reads (the audit trail too)."""
    return {
        model._meta.db_table: model
        # The audit trail's table is in the snapshot too (tests/test_faults.py).
        for label in (*CRM_APPS, "audit")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def snapshot():
    """The CRM's tables (tests/test_faults.py), but for what is written on purpose
    where nothing else is: counted attempts (crm.ThrottleEvent; like axes' failed
    logins, a refused password is counted) and the audit records of exports (a GET
    that leaves a trace)."""
    tables = all_tables()
    del tables[ThrottleEvent._meta.db_table]
    audit = AuditRecord._meta.db_table
    action = column_position(AuditRecord, "action")
    tables[audit] = [
        row for row in tables[audit] if row[action] != AuditRecord.Action.EXPORTED
    ]
    return tables


def column_position(model, column):
    """Where `column` is in the table's rows (SELECT *)."""
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(
            cursor, model._meta.db_table
        )
    return [description.name for description in columns].index(column)


def key_positions(model):
    """Where the primary key's columns are in the table's rows (SELECT *); more
    than one for a composite key (segments.SegmentHistory)."""
    return [column_position(model, field.column) for field in model._meta.pk_fields]


def changed_rows(before, after):
    """(model, key) of every row added or changed between two snapshots."""
    models = table_models()
    for table, rows in after.items():
        old = set(before[table])
        model = models[table]
        positions = key_positions(model)
        for row in rows:
            if row not in old:
                key = tuple(row[position] for position in positions)
                yield model, key if model._meta.is_composite_pk else key[0]


def assert_valid_rows(before, after, allowed, what):
    models = table_models()
    changed = {
        models[table]._meta.label for table in after if after[table] != before[table]
    }
    assert changed <= allowed, f"{what} changed {sorted(changed - allowed)}"
    for model, key in changed_rows(before, after):
        row = model._base_manager.get(pk=key)
        values = {field.name: getattr(row, field.attname) for field in row._meta.fields}
        for name, value in values.items():
            assert "\x00" not in str(value), f"{what} stored NUL in {model}.{name}"
        # Blank values are left to the services (a postponed draft may be blank).
        empty = [name for name, value in values.items() if value in (None, "")]
        row.clean_fields(exclude=empty)


def assert_errors_shown(response, what):
    """A page that answers with a form with errors shows every one of them. The
    admin's own templates say "Please correct the errors below." (an inline's
    hidden key, for one, has no place for its error)."""
    if response.status_code != 200 or response.streaming:
        return
    page = response.content.decode()
    if response.resolver_match.view_name.startswith(ADMIN_PREFIX):
        if any(form.errors for form in bound_forms(response)):
            assert 'class="errornote"' in page, f"{what} did not say what is wrong"
        return
    for form in bound_forms(response):
        for errors in form.errors.values():
            for error in errors:
                assert escape(error) in page, f"{what} did not show {error!r}"


@pytest.fixture
def fuzz_world(world, settings, tmp_path):
    """The permission matrix's world, a letter to print and a canceled entry."""
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_SIZE = 1024  # tests.strategies sends one of 1,025 bytes
    InteractionTemplateFactory(code="LETTER", letter_text="Dear {{ contact.name }},")
    InteractionLogEntryFactory(contact=world.person, canceled=True)
    return world


@pytest.fixture
def visitor(client, handler):
    """`visitor(role)`: the test client logged in as a new user of the role. Every
    example starts from the cookies it had then (the login, no messages), because
    the example's own session writes are rolled back."""
    client.handler = handler

    def log_in(role):
        user = make_user(role)
        own_the_drafts(user)
        client.force_login(user)
        cookies = client.cookies
        client.restore = lambda: setattr(client, "cookies", copy(cookies))
        return client

    return log_in


def known_keys():
    """Numbers and keys of the world's rows: plausible values for any parameter."""
    return [
        *Contact.objects.values_list("no", flat=True),
        *(str(key) for key in Salesperson.objects.values_list("pk", flat=True)),
        *(str(key) for key in InteractionTemplate.objects.values_list("pk", flat=True)),
        *Segment.objects.values_list("no", flat=True),
    ]


def sent_fields(client, name, url, world, method):
    """{name: Values} of everything a browser may send to the page with `method`.

    POST: the fields of the forms that post there, on the page itself or on its
    FORM_PAGES, typed by the Django forms behind them, and those of the view's
    form_class. GET: the fields of every form on the page (views read some from the
    query: a letter's template, the contact of Create interaction), its list filters,
    the queries of its links to itself (sort orders, pages) and its own query.
    """
    path, query = urlsplit(url).path, urlsplit(url).query
    typed, offered, list_filter = {}, defaultdict(list), {}
    for page in FORM_PAGES.get(name, [name]):
        page_url = url if page == name else url_for(page, world)
        response = client.get(page_url)
        parser = PageForms(page_url)
        if not response.streaming:  # a CSV file has no forms
            parser.feed(response.content.decode(errors="replace"))
        for field_name, values in parser.fields(method, path).items():
            offered[field_name].extend(values)
        typed.update(typed_fields(response))
        list_filter = list_filter or filter_of(response)
        if method == "get":
            for field_name, values in parser.link_queries(path).items():
                offered[field_name].extend(values)
    if method == "get":
        for field_name in typed:
            offered.setdefault(field_name, [])
        for field_name, value in parse_qsl(query):
            offered[field_name].append(value)
        offered["page"].extend(["2", "last"])
    else:
        form_class = (
            getattr(view_of(name), "form_class", None) if name in POST_PAGES else None
        )
        for field_name, field in getattr(form_class, "base_fields", {}).items():
            typed.setdefault(field_name, field)
            offered.setdefault(field_name, [])
    keys = known_keys()
    for field_name in offered.keys() - typed.keys():
        offered[field_name].extend(keys)
    # Only the fields that are sent here, not those of the page's other forms.
    values = typed_values({key: typed[key] for key in offered if key in typed}, offered)
    if method == "post" and "query" in values and list_filter:
        # The list's filters, carried along in a hidden field.
        filters = typed_values(list_filter, defaultdict(list))
        values["query"] = Values(good=query_strings(filters), bad=TEXT)
    return values


def allowed_writes(name):
    if name in WRITES:
        return WRITES[name]
    model_admin = resolve(
        reverse(name, args=[1] * len(URL_NAMES[name]))
    ).func.model_admin
    label = model_admin.model._meta.label
    inlines = {inline.model._meta.label for inline in model_admin.inlines}
    return {label, *inlines, *ADMIN_WRITES.get(label, ())}


# The tests ---------------------------------------------------------------------------


def test_every_page_that_takes_a_post_names_what_it_writes():
    missing = [name for name in POST_PAGES if name not in WRITES]
    assert not missing, f"Add these URL names to WRITES: {', '.join(missing)}"


@pytest.mark.parametrize(("name", "role"), POSTS)
def test_a_post_is_answered_and_written_whole_or_not_at_all(
    visitor, fuzz_world, tried, name, role
):
    client = visitor(role)
    url = url_for(name, fuzz_world)
    fields = sent_fields(client, name, url, fuzz_world, "post")
    allowed = allowed_writes(name)

    @settings(PROFILE, max_examples=POST_EXAMPLES[role])
    @given(data=submissions(fields))
    def post(data):
        tried[0] += 1
        what = f"POST {url} as {role}"  # Hypothesis prints the data
        with transaction.atomic():
            client.restore()
            before = snapshot()
            response = client.post(url, data)
            assert response.status_code < 500, f"{what} answered {response.status_code}"
            after = snapshot()
            if refused(response):
                assert after == before, f"{what} was refused, but wrote"
                assert_errors_shown(response, what)
            else:
                assert_valid_rows(before, after, allowed, what)
            transaction.set_rollback(True)

    post()


@pytest.mark.parametrize("name", GETS)
def test_made_up_queries_are_answered_and_change_nothing(
    visitor, fuzz_world, tried, name
):
    client = visitor(SUPERUSER)
    url = url_for(name, fuzz_world)
    fields = sent_fields(client, name, url, fuzz_world, "get")
    path = urlsplit(url).path

    @settings(PROFILE, max_examples=GET_EXAMPLES)
    @given(query=submissions(fields))
    def get(query):
        tried[0] += 1
        what = f"GET {path}"
        client.restore()
        before = snapshot()
        response = client.get(path, query)
        assert response.status_code < 500, f"{what} answered {response.status_code}"
        assert snapshot() == before, f"{what} changed data"
        assert_errors_shown(response, what)

    get()
