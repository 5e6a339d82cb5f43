"""Reads for the segment pages; each takes one or two queries whatever the sizes."""

import dataclasses
import operator
from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Value
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.models import Contact
from crm.selectors import SEARCH_LIMIT, best_match_first
from interactions.models import InteractionLogEntry
from segments.models import (
    BLOCKING,
    BLOCKING_REASONS,
    BlockReason,
    LoggedSegment,
    Segment,
    SegmentLine,
)

# How many of the lines that block logging are named one by one.
BLOCKING_SHOWN = 20


def add_contacts_preview(segment, contacts):
    """How many of `contacts` match, are in `segment` already, are excluded, are
    privacy blocked (`blocked`), and would be added by add_contacts. `segment`
    None: a segment not created yet."""
    in_segment = (
        Value(False, output_field=BooleanField())
        if segment is None
        else Exists(SegmentLine.objects.filter(segment=segment, contact=OuterRef("pk")))
    )
    counts = (
        # Without the caller's ordering: it only slows the count down.
        contacts.order_by()
        .annotate(in_segment=in_segment)
        .aggregate(
            matching=Count("pk"),
            already=Count("pk", filter=Q(in_segment=True)),
            excluded=Count(
                "pk",
                filter=Q(
                    in_segment=False, exclude_from_segment=True, privacy_blocked=False
                ),
            ),
            blocked=Count("pk", filter=Q(in_segment=False, privacy_blocked=True)),
        )
    )
    counts["to_add"] = (
        counts["matching"] - counts["already"] - counts["excluded"] - counts["blocked"]
    )
    return counts


def logged_contacts(logged_segment):
    """The contacts of a logged segment's entries, as a subquery: add_contacts
    inserts them in one statement, add_contacts_preview counts them in one."""
    return Contact.objects.filter(
        pk__in=InteractionLogEntry.objects.filter(logged_segment=logged_segment).values(
            "contact_id"
        )
    )


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
        # One more than shown tells whether there are more, without a second count.
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


@dataclasses.dataclass
class LogCheck:
    """What stops a segment from being logged: log_segment refuses while `errors()`
    holds anything, and the segment card, its edit page and the Log page show it."""

    segment: object
    problems: list  # ValidationErrors of the segment itself
    line_count: int
    blocking_count: int
    blocking_lines: list  # the first BLOCKING_SHOWN, with `block_reason`
    reason_counts: list  # (BlockReason, lines it holds back), the reasons present

    @property
    def loggable(self):
        return not self.problems and not self.blocking_count

    @property
    def privacy_blocked_count(self):
        """Lines of privacy blocked contacts: only removing them lets it log."""
        return dict(self.reason_counts).get(BlockReason.PRIVACY_BLOCKED, 0)

    @property
    def fixable_from_the_header(self):
        """Some blocking line is not a privacy blocked contact's, so the header's
        template and salesperson can help it (apply_header_template leaves those)."""
        return self.blocking_count > self.privacy_blocked_count

    @property
    def header_without_template(self):
        """Lines added now would have no template either (a follow-up segment)."""
        return self.segment.template_id is None

    def named_lines(self):
        """(line, BlockReason) of each line named one by one."""
        return [(line, BlockReason(line.block_reason)) for line in self.blocking_lines]

    def line_errors(self):
        """One message per named line, as log_segment gives them."""
        return [line_error(self.segment, line) for line in self.blocking_lines]

    def summary(self):
        """The number of lines that block, in words ("" when none does)."""
        if not self.blocking_count:
            return ""
        return ngettext(
            "%(count)s line cannot be logged.",
            "%(count)s lines cannot be logged.",
            self.blocking_count,
        ) % {"count": self.blocking_count}

    def errors(self):
        """Every reason, as the ValidationErrors log_segment raises."""
        errors = list(self.problems)
        if self.blocking_count:
            errors.append(ValidationError(self.summary(), code="blocking_lines"))
            errors.extend(self.line_errors())
        return errors


def line_error(segment, line):
    """Why `line` (annotated with_block_reason) stops `segment` from being logged."""
    values = {"no": segment.no, "contact": str(line.contact)}
    reason = line.block_reason
    if reason == BlockReason.NO_TEMPLATE:
        message = _("Choose an interaction template for %(contact)s in segment %(no)s.")
    elif reason == BlockReason.NO_SALESPERSON:
        message = _("Choose a salesperson for %(contact)s in segment %(no)s.")
    elif reason == BlockReason.PRIVACY_BLOCKED:
        message = _(
            "Contact %(contact)s in segment %(no)s is privacy blocked: remove its line."
        )
    elif reason == BlockReason.BLOCKED_TEMPLATE:
        message = _(
            "Interaction template %(code)s of %(contact)s in segment %(no)s is blocked."
        )
        values["code"] = line.template.code
    else:
        message = _("Salesperson %(code)s of %(contact)s in segment %(no)s is blocked.")
        values["code"] = line.salesperson.code
    return ValidationError(message % values, code="blocking_line")


def already_logged(segment):
    return ValidationError(
        _("Logged Segment for Segment No. %(no)s already exists.") % {"no": segment.no},
        code="already_logged",
    )


def log_check(segment):
    """What stops `segment` from being logged (LogCheck); three queries at most,
    whatever the number of lines."""
    problems = []
    if not segment.description:
        problems.append(
            ValidationError(
                _("Segment %(no)s needs a description before it can be logged.")
                % {"no": segment.no},
                code="no_description",
            )
        )
    if LoggedSegment.objects.filter(segment_no=segment.no).exists():
        problems.append(already_logged(segment))
    reasons = BLOCKING_REASONS
    blocking = BLOCKING
    if segment.reapply_criteria and segment.criteria_actions.exists():
        # A dynamic segment's criteria, replayed at log, drop the lines of privacy
        # blocked contacts (criteria.add_set): they stop nothing.
        reasons = [
            (reason, condition)
            for reason, condition in BLOCKING_REASONS
            if reason != BlockReason.PRIVACY_BLOCKED
        ]
        blocking = reduce(operator.or_, (condition for _r, condition in reasons))
    # One aggregate for all counts: the check costs the same for 10 or 100,000 lines.
    counts = SegmentLine.objects.filter(segment=segment).aggregate(
        lines=Count("pk"),
        blocking=Count("pk", filter=blocking),
        **{
            reason.value: Count("pk", filter=condition) for reason, condition in reasons
        },
    )
    if not counts["lines"]:
        problems.append(
            ValidationError(
                _("Segment %(no)s is empty.") % {"no": segment.no}, code="empty"
            )
        )
    blocking_lines = []
    if counts["blocking"]:
        # Only the first few by name: the page and the error list stay readable.
        blocking_lines = list(
            SegmentLine.objects.filter(segment=segment)
            .filter(blocking)
            .with_block_reason()
            .select_related("contact", "template", "salesperson")
            .order_by("pk")[:BLOCKING_SHOWN]
        )
    return LogCheck(
        segment=segment,
        problems=problems,
        line_count=counts["lines"],
        blocking_count=counts["blocking"],
        blocking_lines=blocking_lines,
        reason_counts=[
            (reason, counts[reason.value])
            for reason, _condition in reasons
            if counts[reason.value]
        ],
    )
