"""The project's form renderer (FormRenderer, settings.FORM_RENDERER) and the faster
one of the list pages' filter forms (FilterFormRenderer, web.filters.FilterSet).

Both name a select's empty choice in words, where Django writes "---------": "Kies…"
when a choice is required, "(geen)" when none is a choice too.

Django renders every widget through a template, its attributes through a second one
(attrs.html) and each option of a select through one more: with 16 filters that was
most of the entry list's time (issue 19). This renderer writes the widgets filter
forms use, inputs and selects, in Python with Django's markup, and leaves every
other template to Django; tests/test_filter_widgets.py renders each widget both ways.
"""

from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

WIDGETS = "django/forms/widgets/"
# Widget templates that are input.html and nothing else.
INPUTS = {
    f"{WIDGETS}{kind}.html"
    for kind in (
        "input",
        "text",
        "date",
        "search",
        "number",
        "email",
        "url",
        "password",
        "hidden",
    )
}
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"
DASHES = BLANK_CHOICE_DASH[0][1]
# What a template's {{ value }} does with a value: localize and escape it.
PLAIN = Context()


def shown(value):
    """{{ value }}"""
    return render_value_in_context(value, PLAIN)


def formatted(value):
    """{{ value|stringformat:'s' }} (a safe value stays as it is)."""
    text = stringformat(value, "s")
    return mark_safe(text) if isinstance(value, SafeData) else escape(text)


def attributes(attrs):
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {shown(name)}" if value is True else f' {shown(name)}="{formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def text_input(widget):
    """django/forms/widgets/input.html"""
    value = "" if widget["value"] is None else f' value="{formatted(widget["value"])}"'
    return (
        f'<input type="{shown(widget["type"])}" name="{shown(widget["name"])}"'
        f"{value}{attributes(widget['attrs'])}>"
    )


def select(widget):
    """django/forms/widgets/select.html with select_option.html for each option."""
    parts = [f'<select name="{shown(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{shown(group_name)}">')
        parts.extend(
            f'\n  <option value="{formatted(option["value"])}"'
            f"{attributes(option['attrs'])}>{shown(option['label'])}</option>\n"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def name_empty_choice(widget):
    """Give a select's "---------" choice (`widget`: its template context) words."""
    for _group, options, _index in widget["optgroups"]:
        for option in options:
            if option["value"] in ("", None) and option["label"] == DASHES:
                option["label"] = _("Choose…") if widget["required"] else _("(none)")


class FormRenderer(DjangoTemplates):
    """Django's renderer, with the empty choice of selects in words."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            name_empty_choice(context["widget"])
        return super().render(template_name, context, request)


class FilterFormRenderer(FormRenderer):
    """The project's renderer, with inputs and selects written in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in INPUTS and widget.get("type"):
            return mark_safe(text_input(widget))
        if template_name == SELECT and all(
            option["template_name"] == OPTION
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            name_empty_choice(widget)
            return mark_safe(select(widget))
        return super().render(template_name, context, request)


renderer = FilterFormRenderer()
