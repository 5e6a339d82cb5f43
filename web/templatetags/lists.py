"""Tags of the list pages.

`{% filter_field form.name %}`: one filter of a list's filter form (it was an include).

`{% sort_header "name" label %}`: a column header that sorts the list by `name`,
then the other way round, keeping the filters (it was an include of a template
with three `querystring` tags per column, issue 19).
"""

from django import template
from django.template.defaulttags import querystring
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, field, label):
    """The header cell of the column sorted by the ordering name `field`."""
    query = context["request"].GET
    current = query.get("ordering")
    if current == field:
        sort, arrow, target = "ascending", " ▲", f"-{field}"
    elif current == f"-{field}":
        sort, arrow, target = "descending", " ▼", field
    else:
        sort, arrow, target = None, "", field
    return format_html(
        '<th scope="col"{}>\n  <a class="link-body-emphasis text-decoration-none" '
        'href="{}">{}{}</a>\n</th>',
        format_html(' aria-sort="{}"', sort) if sort else "",
        querystring(context, query, ordering=target, page=None),
        label,
        arrow,
    )


@register.simple_tag
def filter_field(field):
    """One filter of a list page's filter form: label, widget (Bootstrap classes
    from web.filters.FilterSet) and errors."""
    return format_html(
        '<div class="mb-3">\n  <label class="form-label" for="{}">{}</label>\n'
        "  {}\n  {}\n</div>",
        field.id_for_label,
        field.label,
        field,
        format_html_join(
            "",
            '<div class="invalid-feedback d-block">{}</div>',
            ((error,) for error in field.errors),
        ),
    )
