"""Reads for the segment pages; each takes one or two queries whatever the sizes."""

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Value

from crm.selectors import SEARCH_LIMIT, best_match_first
from segments.models import Segment, SegmentLine


def add_contacts_preview(segment, contacts):
    """How many of `contacts` match, are in `segment` already, are excluded, and
    would be added by add_contacts. `segment` None: a segment not created yet."""
    in_segment = (
        Value(False, output_field=BooleanField())
        if segment is None
        else Exists(SegmentLine.objects.filter(segment=segment, contact=OuterRef("pk")))
    )
    counts = (
        contacts.order_by()
        .annotate(in_segment=in_segment)
        .aggregate(
            matching=Count("pk"),
            already=Count("pk", filter=Q(in_segment=True)),
            excluded=Count("pk", filter=Q(in_segment=False, exclude_from_segment=True)),
        )
    )
    counts["to_add"] = counts["matching"] - counts["already"] - counts["excluded"]
    return counts


def remove_contacts_preview(segment, contacts):
    """How many lines of `segment` belong to `contacts`."""
    return segment.lines.filter(contact__in=contacts.order_by().values("pk")).count()


def entries_preview(entries, segment=None):
    """add_contacts_preview() for the distinct contacts of log `entries`, with
    `entries`, how many entries match; two queries."""
    return {
        "entries": entries.count(),
        **add_contacts_preview(segment, entries.contacts()),
    }


# Rows of the start page's "Active segments" tile.
ACTIVE_SEGMENT_ROWS = 10


def active_segments(limit=ACTIVE_SEGMENT_ROWS):
    """The open segments (a logged one is gone), newest first, each with its
    `line_count`, and whether there are more than `limit`; one query."""
    segments = list(
        Segment.objects.select_related("salesperson")
        .with_line_count()
        .order_by("-pk")[: limit + 1]
    )
    return segments[:limit], len(segments) > limit


def find_segments(query, limit=SEARCH_LIMIT):
    """At most `limit` segments whose number or description holds `query`, an exact
    or leading number first; one query."""
    segments = Segment.objects.all()
    return list(
        best_match_first(segments, number="no", name="description", query=query)[:limit]
    )
