"""The lookups of interaction templates, groups and logged segments (see
web.lookups)."""

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from web.lookups import WITH_BLOCKED, Lookup, LookupField


class TemplateLookup(Lookup):
    model = InteractionTemplate
    has_blocked = True
    blocked = _("Interaction template %(value)s is blocked: choose another one.")
    name = "description"
    url_name = "lookup:templates"
    searched = ("code", "description", "group__code", "group__description")
    not_found = _("No interaction template found with code or description “%(value)s”.")
    several = ngettext_lazy(
        "“%(value)s” matches %(count)s interaction template; type the code.",
        "“%(value)s” matches %(count)s interaction templates; type the code.",
        "count",
    )

    def offered(self, params):
        # Blocked templates are not used for new interactions; forms keep one
        # already chosen, and filters on history ask for them too. "Print letter"
        # offers only templates with a letter.
        offered = InteractionTemplate.objects.all()
        if not params.get(WITH_BLOCKED):
            offered = offered.active()
        if params.get("letter"):
            offered = offered.exclude(letter_text="")
        return offered.select_related("group")

    def row(self, obj):
        return {**super().row(obj), "group": obj.group.code}

    def detail_of(self, obj):
        return f"{obj.group.code} {obj.group.description}".strip()


class GroupLookup(Lookup):
    model = InteractionGroup
    name = "description"
    url_name = "lookup:groups"
    not_found = _("No interaction group found with code or description “%(value)s”.")
    several = ngettext_lazy(
        "“%(value)s” matches %(count)s interaction group; type the code.",
        "“%(value)s” matches %(count)s interaction groups; type the code.",
        "count",
    )


class LoggedSegmentLookup(Lookup):
    # The segments app is a floor up; entries know its model through their key.
    model = InteractionLogEntry._meta.get_field("logged_segment").related_model
    key = "segment_no"
    name = "description"
    url_name = "lookup:logged_segments"
    ordering = ("-created_at",)
    searched = ("segment_no", "description")
    not_found = _("No logged segment found with number or description “%(value)s”.")
    several = ngettext_lazy(
        "“%(value)s” matches %(count)s logged segment; type the number.",
        "“%(value)s” matches %(count)s logged segments; type the number.",
        "count",
    )

    def row(self, obj):
        date = formats.date_format(
            timezone.localtime(obj.created_at).date(), "SHORT_DATE_FORMAT"
        )
        return {**super().row(obj), "date": date, "detail": date}


class TemplateField(LookupField):
    lookup_class = TemplateLookup


class GroupField(LookupField):
    lookup_class = GroupLookup


class LoggedSegmentField(LookupField):
    lookup_class = LoggedSegmentLookup
