"""The queries on the interaction log: what lists, cards, timelines and a contact's
statistics read, each written once as a QuerySet method."""

from decimal import Decimal

from django.db import models
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from crm.models import Contact
from web.search import among, matches

# What the entry search looks in besides the contact's name (web.search).
ENTRY_SEARCH_FIELDS = ("description", "subject")

NO_STATISTICS = {"count": 0, "cost": Decimal("0"), "duration": 0, "last_date": None}


def statistics_aggregates(condition=None):
    """The aggregates of statistics(): count, cost, duration and last date of the
    entries that match `condition` (all when None)."""
    return {
        "count": Count("pk", filter=condition),
        "cost": Coalesce(
            Sum("cost", filter=condition),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        "duration": Coalesce(Sum("duration", filter=condition), 0),
        "last_date": Max("date", filter=condition),
    }


# A contact's timeline, newest first. An entry without a time sorts as the day's
# latest: NULLS FIRST is PostgreSQL's own order for a descending index column, so the
# timeline indexes serve it (SQLite, which sorts NULL lowest, is told explicitly).
TIMELINE_ORDER = (
    F("date").desc(),
    F("time").desc(nulls_first=True),
    F("entry_no").desc(),
)
TIMELINE_ORDER_REVERSED = (
    F("date").asc(),
    F("time").asc(nulls_last=True),
    F("entry_no").asc(),
)


class InteractionLogEntryQuerySet(models.QuerySet):
    def visible(self):
        """What the log entry lists show: everything but postponed drafts."""
        return self.filter(postponed=False)

    def postponed(self):
        return self.filter(postponed=True)

    def visible_to(self, user):
        """The entries `user` may see: a postponed one (a draft) belongs to who
        postponed it; who may delete others' drafts (CRM admins) sees them all."""
        if user.has_perm("interactions.delete_others_postponed"):
            return self
        return self.filter(Q(postponed=False) | Q(created_by=user.pk))

    def search(self, text):
        """Entries whose description or subject, or whose contact's number or name,
        matches `text` (web.search.matches). The contacts are searched first, on
        their own indexes, and their keys go to the entry's contact index
        (web.search.among): a join would make the planner read every entry."""
        contacts = Contact.objects.filter(matches(["no", "name"], text))
        return self.filter(
            matches(ENTRY_SEARCH_FIELDS, text) | among("contact", contacts)
        )

    def counted(self):
        """Entries that count in statistics: neither canceled nor postponed."""
        return self.filter(canceled=False, postponed=False)

    def for_contact(self, contact):
        """A company's entries include those of its persons; a person's are its own."""
        if contact.type == Contact.Type.COMPANY:
            return self.filter(contact_company=contact)
        return self.filter(contact=contact)

    def for_salesperson(self, salesperson):
        return self.filter(salesperson=salesperson)

    def between(self, start=None, end=None):
        """Entries dated from `start` to `end`, both inclusive; None leaves it open."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(date__gte=start)
        if end is not None:
            queryset = queryset.filter(date__lte=end)
        return queryset

    def contacts(self):
        """The distinct contacts of these entries, as a Contact queryset.

        The entries stay a subquery (`contact IN (SELECT …)`): one statement, however
        many entries match, and duplicates are gone without a DISTINCT.
        """
        return Contact.objects.filter(pk__in=self.order_by().values("contact_id"))

    def same_day_duplicates(self, contact, template, date):
        """Entries logged for `contact` with `template` on `date`, newest first: what
        "Create interaction" warns about before logging another.

        Canceled entries do not count (logging again is how a mistake is put right),
        nor do postponed drafts (nothing was logged yet). ile_contact_idx finds them.
        """
        return self.filter(
            contact=contact,
            template=template,
            date=date,
            postponed=False,
            canceled=False,
        ).order_by("-entry_no")

    def with_related(self):
        return self.select_related(
            "contact",
            "contact_company",
            "template",
            "group",
            "salesperson",
            "logged_segment",
        )

    def for_rows(self):
        """What a list row of entries shows: contact, template and salesperson.

        Lists join no more than that: at a million entries, planning a join of
        eight tables can take longer than running it.
        """
        return self.select_related("contact", "template", "salesperson")

    def timeline(self):
        """These entries newest first (TIMELINE_ORDER), one item per logged segment.

        Of the entries of one logged segment here (several persons of a company in one
        mailing) only the newest stays, annotated with `segment_entries`, how many
        there are; entries of no segment get None. One query, in the timeline index's
        order, so that a page reads its own rows only (grouping the segments, or a
        UNION with them, would read all of a contact's entries for every page); its
        subqueries run for those rows: logging writes one date for all of a segment's
        entries, so the same index finds an entry's siblings under its own date.
        """
        same_segment = self.filter(
            logged_segment=OuterRef("logged_segment"), date=OuterRef("date")
        )
        newer_sibling = same_segment.filter(entry_no__gt=OuterRef("entry_no"))
        count = (
            same_segment.order_by()
            .values("logged_segment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.filter(Q(logged_segment__isnull=True) | ~Exists(newer_sibling))
            .annotate(segment_entries=Subquery(count))
            .order_by(*TIMELINE_ORDER)
        )

    def older_than(self, position):
        """Entries after `position` (anything with date, time and entry_no) in
        TIMELINE_ORDER: the next page of a timeline, read from the index."""
        if position.time is None:
            same_day = Q(time__isnull=False) | Q(entry_no__lt=position.entry_no)
        else:
            same_day = Q(time__lt=position.time) | Q(
                time=position.time, entry_no__lt=position.entry_no
            )
        # date <= … on its own lets the index start at the position's day.
        return self.filter(date__lte=position.date).filter(
            Q(date__lt=position.date) | Q(date=position.date) & same_day
        )

    def newer_than(self, position):
        """Entries before `position` in TIMELINE_ORDER (the previous page), oldest
        first: take a page's worth and reverse it."""
        if position.time is None:
            same_day = Q(time__isnull=True, entry_no__gt=position.entry_no)
        else:
            same_day = (
                Q(time__isnull=True)
                | Q(time__gt=position.time)
                | Q(time=position.time, entry_no__gt=position.entry_no)
            )
        return (
            self.filter(date__gte=position.date)
            .filter(Q(date__gt=position.date) | Q(date=position.date) & same_day)
            .order_by(*TIMELINE_ORDER_REVERSED)
        )

    def statistics(self):
        """{count, cost, duration, last_date} of the counted entries, in one query
        (a contact's card; the other statistics pages read
        interactions.models.statistics)."""
        return self.counted().aggregate(**statistics_aggregates())
