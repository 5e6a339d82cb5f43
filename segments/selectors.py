"""Reads for the segment pages; each takes one or two queries whatever the sizes."""

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Value

from segments.models import SegmentLine


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
