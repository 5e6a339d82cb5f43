"""The contact lookup that marks contacts already in a segment (see crm.lookups).
The logged segments' lookup is in interactions.lookups: entry filters use it."""

from django.utils.translation import gettext_lazy as _

from crm.lookups import ContactLookup
from segments.models import Segment, SegmentLine
from web.lookups import BadLookup


class SegmentContactLookup(ContactLookup):
    """The contact lookup; with `?segment=<no>` ("Add contacts") it marks the
    contacts that are already in that segment."""

    def rows(self, objects, params):
        rows = super().rows(objects, params)
        number = params.get("segment", "")
        if not number:
            return rows
        # NUL removed: PostgreSQL refuses it in text, and the lookup must answer.
        segment = Segment.objects.filter(no=number.replace("\x00", "")).first()
        if segment is None:
            raise BadLookup(_("There is no segment “%s”.") % number[:20])
        # One query for the page of contacts shown, not one per contact.
        in_segment = set(
            SegmentLine.objects.filter(
                segment=segment, contact__in=[obj.pk for obj in objects]
            ).values_list("contact_id", flat=True)
        )
        note = str(_("already in segment"))
        for obj, row in zip(objects, rows, strict=True):
            row["in_segment"] = obj.pk in in_segment
            if row["in_segment"]:
                row["note"] = note
        return rows
