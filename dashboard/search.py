"""What "Zoeken naar pagina of rapport" (the top bar's search) finds: the pages the
user may open (dashboard/pages.py) and contacts, salespeople and segments by number or
name.

The top bar's dropdown (JSON) and the results page without JavaScript both call
search(), so they list the same things. It reads crm and segments from the floor
above them both.
"""

import dataclasses
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from crm.selectors import SEARCH_LIMIT, find_contacts, find_salespeople
from dashboard import pages
from segments.selectors import find_segments

# Fewer characters would match nearly every contact; pages match from the first one.
OBJECT_QUERY_MIN_LENGTH = 2
# Pages in the dropdown; the results page lists them all.
DROPDOWN_PAGES = 8


def _contact(contact):
    detail = [contact.get_type_display()]
    if contact.company:
        detail.append(contact.company.name)
    if contact.city:
        detail.append(contact.city)
    return {
        "label": f"{contact.no} {contact.name}",
        "detail": " · ".join(detail),
        "url": contact.get_absolute_url(),
    }


def _salesperson(salesperson):
    detail = [salesperson.job_title] if salesperson.job_title else []
    # Blocked salespeople are found (their history is still there), but marked.
    if salesperson.blocked:
        detail.append(str(_("Blocked")))
    return {
        "label": str(salesperson),
        "detail": " · ".join(detail),
        "url": salesperson.get_absolute_url(),
    }


def _segment(segment):
    return {
        "label": str(segment),
        "detail": formats.date_format(segment.date, "SHORT_DATE_FORMAT"),
        "url": segment.get_absolute_url(),
    }


@dataclasses.dataclass(frozen=True)
class ObjectGroup:
    """A kind of object the search finds: its group's heading, the detail page whose
    permission guards it, its list page (which takes the query as `q`), how to find
    the objects and how to show one."""

    key: str
    label: str
    detail_url: tuple
    list_url_name: str
    find: object
    show: object


OBJECT_GROUPS = [
    ObjectGroup(
        "contacts",
        _("Contacts"),
        ("crm:contact_detail", (1,)),
        "crm:contact_list",
        find_contacts,
        _contact,
    ),
    ObjectGroup(
        "salespeople",
        _("Salespeople"),
        ("crm:salesperson_detail", (1,)),
        "crm:salesperson_list",
        find_salespeople,
        _salesperson,
    ),
    ObjectGroup(
        "segments",
        _("Segments"),
        ("segments:segment_detail", ("SM",)),
        "segments:segment_list",
        find_segments,
        _segment,
    ),
]


def _group(key, label, results, more_url=None, more_label=None):
    return {
        "key": key,
        "label": str(label),
        "results": results,
        "more_url": more_url,
        "more_label": str(more_label or _("More in %(kind)s") % {"kind": label}),
    }


def search(query, *, user, page_limit=None):
    """The groups of results for `query` that `user` may open: pages (at most
    `page_limit`), then contacts, salespeople and segments (a few each, one query
    per group, none for a query under two characters). Each group is a dict with
    `key`, `label`, `results` ({label, detail, url}), and `more_url` and
    `more_label`: the page with the matches left out (None when none were) and its
    link's text. Empty groups are left out."""
    query = query.strip()
    found = pages.find_pages(query, user)
    more = page_limit is not None and len(found) > page_limit
    groups = [
        _group(
            "pages",
            _("Pages"),
            [pages.page_result(page) for page in found[:page_limit]],
            f"{reverse('search')}?{urlencode({'q': query})}" if more else None,
            _("All results"),
        )
    ]
    if len(query) >= OBJECT_QUERY_MIN_LENGTH:
        for kind in OBJECT_GROUPS:
            # The detail page's own permission: a result the user could not open
            # is not offered (nor is its existence told).
            if not user.has_perms(pages.required_permissions(*kind.detail_url)):
                continue
            # One more than shown tells whether the list page has more.
            rows = kind.find(query, limit=SEARCH_LIMIT + 1)
            more_url = None
            if len(rows) > SEARCH_LIMIT:
                more_url = f"{reverse(kind.list_url_name)}?{urlencode({'q': query})}"
            groups.append(
                _group(
                    kind.key,
                    kind.label,
                    [kind.show(row) for row in rows[:SEARCH_LIMIT]],
                    more_url,
                )
            )
    return [group for group in groups if group["results"]]
