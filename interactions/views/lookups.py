"""The JSON the template and group lookup fields search (web.views.LookupView)."""

from interactions.lookups import GroupLookup, TemplateLookup
from web.views import (
    LookupView,
)


class TemplateLookupView(LookupView):
    permission_required = "interactions.view_interactiontemplate"
    lookup_class = TemplateLookup


class GroupLookupView(LookupView):
    permission_required = "interactions.view_interactiongroup"
    lookup_class = GroupLookup
