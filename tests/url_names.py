"""The project's named URLs, found in the URL conf: new pages are tested by themselves.

tests/test_urls.py and tests/test_permissions.py walk the same list.
"""

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "api:"
ADMIN_PREFIX = "admin:"
# Reachable without a login on purpose: logging in, resetting a password, the language.
# The admin's pages send anonymous users to its login page or the site's.
# The task calendar feed: calendar programs read it with its secret token alone.
PUBLIC = {"login", "set_language", "tasks:calendar_feed"}
PUBLIC_PREFIXES = ("password_reset", ADMIN_PREFIX)


def named_patterns(resolver=None, namespace=""):
    """(url name, its argument names) of every named pattern, namespaces included."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", tuple(pattern.pattern.regex.groupindex)


def is_public(name):
    """Whether the page answers anonymous users rather than sending them to log in."""
    return name in PUBLIC or name.startswith(PUBLIC_PREFIXES)


def url_names():
    """{url name: names of its arguments}, sorted by url name."""
    return dict(sorted(named_patterns()))
