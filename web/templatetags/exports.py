"""{% export_menu "app:name" arg… %}: a list's Export button with its three formats,
each carrying the page's filters and sort order."""

from django import template
from django.urls import reverse

from web.exports import FORMATS

register = template.Library()


@register.inclusion_tag("partials/export_menu.html", takes_context=True)
def export_menu(context, url_name, *args):
    # A file cannot show the filters' errors (the export answers a bare 400), so
    # while the page shows them the menu says so instead of offering the files.
    filterset = context.get("filter")
    if filterset is not None and filterset.is_bound and not filterset.is_valid():
        return {"links": [], "invalid_filters": True}
    query = context["request"].GET.copy()
    query.pop("page", None)  # an export holds every page
    query = query.urlencode()
    links = []
    for code, export_format in FORMATS.items():
        url = reverse(url_name, args=[*args, code])
        links.append((export_format.label, f"{url}?{query}" if query else url))
    return {"links": links}
