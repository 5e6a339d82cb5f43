"""Lookups (web.views.LookupView) that only the segments app can answer."""

from interactions.lookups import LoggedSegmentLookup
from segments.lookups import SegmentContactLookup
from web.views import LookupView


class ContactLookupView(LookupView):
    """The contact lookup of every page. It lives here because it marks the contacts
    already in a segment ("Add contacts"), which the crm app cannot know about."""

    permission_required = "crm.view_contact"
    lookup_class = SegmentContactLookup


class LoggedSegmentLookupView(LookupView):
    permission_required = "segments.view_loggedsegment"
    lookup_class = LoggedSegmentLookup
