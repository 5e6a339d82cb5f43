"""The pages a user can open by name: the one list "Zoeken naar pagina of rapport"
(search for page or report) searches, for the top bar's dropdown, its results page and
the tests.

Entries name URLs, not views, so this module imports no app. Who may open an entry is
read from the view its URL resolves to (its `permission_required`, the same check the
view makes), so the list cannot offer a page the view would refuse.
"""

import dataclasses
import functools
import re
import unicodedata

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Sections, as the top bar's menus group the pages.
START = _("Start")
CONTACTS = _("Contacts")
SALESPEOPLE = _("Salespeople")
INTERACTIONS = _("Interactions")
SEGMENTS = _("Segments")
TASKS = _("Tasks")
SETUP = _("Setup")
ACCOUNT = _("Account")


@dataclasses.dataclass(frozen=True)
class Page:
    """A page to offer: its URL name, its name as the menus show it, the section it
    belongs to, and other words people may look for it by (comma-separated, each
    translated as a whole so Dutch users get Dutch synonyms)."""

    url_name: str
    name: str
    section: str
    keywords: str = ""
    # The Django admin is a site of its own: its views check is_staff, not a
    # permission_required.
    staff_only: bool = False

    @property
    def url(self):
        return reverse(self.url_name)


PAGES = [
    Page("home", _("Role centre"), START, _("start page, home, dashboard")),
    # The actions on a filtered list are found by the list, where the filter is set
    # first: opened by name they would act on every contact or entry.
    Page(
        "crm:contact_list",
        _("Contacts"),
        CONTACTS,
        _(
            "relations, companies, persons, customers, log an interaction for these "
            "contacts, segment from contacts"
        ),
    ),
    Page("crm:contact_create", _("New contact"), CONTACTS, _("create contact")),
    Page(
        "crm:contact_import",
        _("Import contacts"),
        CONTACTS,
        _("import, upload, Excel, CSV"),
    ),
    Page("crm:salesperson_list", _("Salespeople"), SALESPEOPLE, _("team, employees")),
    Page(
        "crm:salesperson_create",
        _("New salesperson"),
        SALESPEOPLE,
        _("create salesperson"),
    ),
    Page(
        "interactions:entry_list",
        _("Interaction log entries"),
        INTERACTIONS,
        _(
            "interactions, history, log, export, create segment from these "
            "contacts, segment from interactions, evaluation"
        ),
    ),
    Page(
        "interactions:entry_create",
        _("Create interaction"),
        INTERACTIONS,
        _("new interaction, log interaction, phone call, meeting, letter"),
    ),
    Page(
        "interactions:postponed_list",
        _("Postponed interactions"),
        INTERACTIONS,
        _("resume, postpone"),
    ),
    Page(
        "interactions:template_list",
        _("Interaction templates"),
        SETUP,
        _("templates"),
    ),
    Page(
        "interactions:template_create",
        _("New interaction template"),
        SETUP,
        _("create interaction template"),
    ),
    Page("interactions:group_list", _("Interaction groups"), SETUP, _("groups")),
    Page(
        "interactions:group_create",
        _("New interaction group"),
        SETUP,
        _("create interaction group"),
    ),
    Page(
        "interactions:template_setup",
        _("Interaction template setup"),
        SETUP,
        _("set up interaction template, documents, automatic logging"),
    ),
    Page(
        "interactions:delete_canceled",
        _("Delete canceled entries"),
        SETUP,
        _("delete canceled interaction log entries, clean up"),
    ),
    Page(
        "privacy:retention",
        _("Retention"),
        SETUP,
        _("privacy, GDPR, delete old interactions, anonymise, retention period"),
    ),
    Page(
        "privacy:retention_policy_create",
        _("New retention policy"),
        SETUP,
        _("privacy, GDPR, delete old interactions, anonymise, retention period"),
    ),
    Page(
        "privacy:retention_plan",
        _("Retention dry run"),
        SETUP,
        _("what retention will delete, preview, run now"),
    ),
    Page(
        "privacy:retention_runs",
        _("Retention runs"),
        SETUP,
        _("retention log, what was deleted"),
    ),
    Page(
        "segments:segment_list",
        _("Segments"),
        SEGMENTS,
        _("active segments, follow-up segment, mailing, campaign"),
    ),
    Page("segments:segment_create", _("New segment"), SEGMENTS, _("create segment")),
    Page(
        "segments:loggedsegment_list",
        _("Logged segments"),
        SEGMENTS,
        _("log segment, history"),
    ),
    Page(
        "segments:savedcriteria_list",
        _("Saved segment criteria"),
        SEGMENTS,
        _("segment criteria, reuse criteria, add contacts, reduce, refine"),
    ),
    Page("tasks:my_tasks", _("My tasks"), TASKS, _("to-do, today, overdue, reminders")),
    Page("tasks:task_list", _("Tasks"), TASKS, _("to-dos, follow-up")),
    Page("tasks:task_create", _("Create task"), TASKS, _("new task, to-do")),
    Page("tasks:week", _("Week calendar"), TASKS, _("agenda, planning")),
    Page("tasks:statistics", _("Task statistics"), TASKS, _("open, overdue, done")),
    Page(
        "tasks:calendar_settings",
        _("Calendar subscription"),
        TASKS,
        _("iCalendar, Outlook, Google Calendar, feed"),
    ),
    Page(
        "crm:marketing_setup",
        _("Marketing setup"),
        SETUP,
        _("setup, number series, defaults"),
    ),
    Page("crm:numberseries_list", _("Number series"), SETUP, _("numbering")),
    Page(
        "crm:numberseries_create",
        _("New number series"),
        SETUP,
        _("create number series"),
    ),
    Page(
        "audit:list",
        _("Audit trail"),
        SETUP,
        _("who changed what, history, log"),
    ),
    Page(
        "jobs:list",
        _("Background jobs"),
        ACCOUNT,
        _("jobs, progress, queue, running, import, delivery"),
    ),
    Page("password_change", _("Change password"), ACCOUNT, _("password, login")),
    Page("api:docs", _("API documentation"), ACCOUNT, _("API, integration")),
    Page(
        "admin:index",
        _("Admin"),
        SETUP,
        _("Django admin, site administration"),
        staff_only=True,
    ),
]


@functools.cache
def required_permissions(url_name, args=()):
    """The permissions the view of `url_name` requires, as its
    PermissionRequiredMixin would check them (None: not a class-based view)."""
    view_class = getattr(resolve(reverse(url_name, args=args)).func, "view_class", None)
    if view_class is None:
        return None
    if not issubclass(view_class, PermissionRequiredMixin):
        return ()
    # get_permission_required() only reads the attribute; no request needed.
    return tuple(view_class().get_permission_required())


def can_open(page, user):
    """Whether `user` may open `page` (the checks its view makes)."""
    if page.staff_only:
        # What AdminSite.has_permission asks.
        return user.is_active and user.is_staff
    required = required_permissions(page.url_name)
    if required is None:
        raise ValueError(f"{page.url_name}: not a class-based view; mark staff_only")
    return user.has_perms(required)


def fold(text):
    """`text` for matching: lower case and without accents ("Café" → "cafe")."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def query_words(query):
    """The folded words of a search query."""
    return fold(query).split()


def _rank(words, name, other):
    """How well a page matches (lower is better), or None when it does not: every
    word must occur in its name or its other words; the name starting with the
    query beats a word of the name starting with it, which beats the query inside a
    word, which beats a match on a synonym alone."""
    if not all(word in name or word in other for word in words):
        return None
    if not all(word in name for word in words):
        return 3
    if name.startswith(words[0]):
        return 0
    if all(re.search(rf"(?:^|\W){re.escape(word)}", name) for word in words):
        return 1
    return 2


@functools.cache
def _haystacks(language):
    """{url name: (folded name, folded synonyms and English words)} in `language`;
    translations do not change while the process runs, so each language is folded
    once."""
    with translation.override("en"):
        english = {page.url_name: f"{page.name} {page.keywords}" for page in PAGES}
    with translation.override(language):
        return {
            page.url_name: (
                fold(page.name),
                fold(f"{page.keywords} {english[page.url_name]}"),
            )
            for page in PAGES
        }


def find_pages(query, user):
    """The pages `user` may open that match `query`, best first (ties in menu
    order); every page the user may open when the query is empty. Names match in
    the user's language; synonyms and the English names match too."""
    words = query_words(query)
    haystacks = _haystacks(translation.get_language() or "en")
    found = []
    for position, page in enumerate(PAGES):
        rank = 0
        if words:
            rank = _rank(words, *haystacks[page.url_name])
            if rank is None:
                continue
        if can_open(page, user):
            found.append((rank, position, page))
    return [page for _rank_, _position, page in sorted(found, key=lambda f: f[:2])]


def page_result(page):
    """A found page as the dropdown and the results page show it."""
    return {"label": str(page.name), "detail": str(page.section), "url": page.url}
