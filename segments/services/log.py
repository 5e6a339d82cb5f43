"""Logging a segment: one interaction log entry per line, in one INSERT … SELECT,
the logged segment, optionally a follow-up segment and the delivery of its content
(segments.services.delivery)."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import Contact, CorrespondenceType, Language, MarketingSetup
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from interactions.services import (
    TEMPLATE_VALUES,
    VersionChooser,
    add_statistics,
    remove_unreferenced_attachments,
)
from segments import sections as log_sections
from segments.models import LoggedSegment, Segment, SegmentLine
from segments.selectors import already_logged, log_check, logged_contacts
from segments.services.criteria_saved import reapply_criteria
from segments.services.delivery import start_delivery
from segments.services.guards import _actor, _lock
from segments.services.lines import add_contacts
from segments.services.segments import create_segment
from segments.services.sql import _db_value, _quote

FOLLOW_UP_MAX_LENGTH = Segment._meta.get_field("description").max_length
# How many contacts without an e-mail address the refusal names one by one.
MISSING_ADDRESSES_SHOWN = 10
DELIVERED_TYPES = (CorrespondenceType.EMAIL, CorrespondenceType.HARD_COPY)


def _missing_address_error(segment):
    """The refusal of a delivery whose e-mail lines have contacts without an address,
    the first MISSING_ADDRESSES_SHOWN named; None when every one has an address."""
    lines = SegmentLine.objects.filter(
        segment=segment, correspondence_type=CorrespondenceType.EMAIL, contact__email=""
    )
    count = lines.count()
    if not count:
        return None
    names = [
        f"{no} {name}".strip()
        for no, name in lines.order_by("pk").values_list(
            "contact__no", "contact__name"
        )[:MISSING_ADDRESSES_SHOWN]
    ]
    if count > len(names):
        names.append(_("and %(count)s more") % {"count": count - len(names)})
    return ValidationError(
        _(
            "%(count)s contacts to be sent an e-mail have no e-mail address: "
            '%(names)s. Give them an address, or tick "Send a letter when there is '
            'no e-mail address".'
        )
        % {"count": count, "names": ", ".join(names)},
        code="no_email_address",
    )


def _empty_content_error(segment):
    """The refusal of a delivery that would send some contacts an empty e-mail or
    letter: their line's template (or the language version they get) has no text.
    None when every message has a text. One query, grouped by template and
    language, whatever the number of lines (a line without a template is refused
    by log_check)."""
    groups = (
        SegmentLine.objects.filter(
            segment=segment, correspondence_type__in=DELIVERED_TYPES
        )
        .filter(template__isnull=False)
        .values_list("template", "contact__language_code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    templates = InteractionTemplate.objects.in_bulk(
        {template for template, _language, _count in groups}
    )
    versions = VersionChooser(
        templates.values(), default_language_code=segment.language_code
    )
    empty = defaultdict(int)
    for template_id, language_code, count in groups:
        template = templates[template_id]
        version = versions.choose(template, language_code)
        if not version.body.strip():
            empty[(template.code, version.language_code)] += count
    if not empty:
        return None
    names = [
        _("%(template)s, %(language)s (%(count)s)")
        % {
            "template": code,
            "language": Language(language).label if language else _("own text"),
            "count": count,
        }
        for (code, language), count in sorted(empty.items())
    ]
    return ValidationError(
        _(
            "%(count)s contacts would be sent an empty e-mail or letter, as their "
            "text is blank: %(names)s. Write the text in the interaction template "
            "(or its language version), or log without sending the content."
        )
        % {"count": sum(empty.values()), "names": "; ".join(names)},
        code="empty_content",
    )


def check_confirmed_lines(segment, confirmed_lines):
    """Refuse when the segment no longer has the `confirmed_lines` lines the user
    was asked to log (the Log dialog's count): someone added or removed contacts
    since. None: nothing was confirmed (a command, a job)."""
    if confirmed_lines is None:
        return
    count = segment.lines.count()
    if count != confirmed_lines:
        raise ValidationError(
            ngettext(
                "Segment %(no)s now has %(count)s contact, not the %(confirmed)s you "
                "were asked about: someone else changed it meanwhile. Nothing has "
                "been logged; check the number and click OK again.",
                "Segment %(no)s now has %(count)s contacts, not the %(confirmed)s "
                "you were asked about: someone else changed it meanwhile. Nothing "
                "has been logged; check the number and click OK again.",
                count,
            )
            % {"no": segment.no, "count": count, "confirmed": confirmed_lines},
            code="lines_changed",
        )


def check_loggable(segment, *, deliver=False, letter_fallback=False):
    """Raise every rule `segment` breaks, the first BLOCKING_SHOWN blocking lines
    named one by one (selectors.log_check); a constant number of queries. The view
    asks this before handing a large segment to the worker."""
    errors = log_check(segment).errors()
    if deliver and not letter_fallback:
        missing = _missing_address_error(segment)
        if missing is not None:
            errors.append(missing)
    if deliver:
        empty = _empty_content_error(segment)
        if empty is not None:
            errors.append(empty)
    if errors:
        raise ValidationError(errors)


def _language_sql(default_language_code):
    """The language of the version a line's contact gets, as SQL: the contact's own
    when the line's template has a version in it, else the default language when it
    has one in that, else "" (the template's own text). VersionChooser's rule."""
    version = InteractionTemplateLanguage._meta
    contact_language = f"c.{_quote(Contact._meta.get_field('language_code').column)}"

    def has_version(language):
        return (
            f"EXISTS (SELECT 1 FROM {_quote(version.db_table)} v "
            f"WHERE v.{_quote(version.get_field('template').column)} = "
            f"l.{_quote(SegmentLine._meta.get_field('template').column)} "
            f"AND v.{_quote(version.get_field('language_code').column)} = {language})"
        )

    return (
        f"CASE WHEN {has_version(contact_language)} THEN {contact_language} "
        f"WHEN {has_version('%s')} THEN %s ELSE %s END",
        [default_language_code, default_language_code, ""],
    )


def _insert_entries(segment, logged_segment, *, user, deliver, letter_fallback):
    """Copy every line into an interaction log entry with one INSERT … SELECT.

    Columns come from the models' metadata; entry fields this does not set get their
    model default, so a new entry field cannot break logging. The language and the
    delivery status are worked out per line in the same statement. Returns the row
    count.
    """
    entry = InteractionLogEntry._meta
    template = entry.get_field("template").related_model._meta
    line_column = {
        field.name: f"l.{_quote(field.column)}"
        for field in SegmentLine._meta.concrete_fields
    }
    contact_type = f"c.{_quote(Contact._meta.get_field('type').column)}"
    contact_id = f"c.{_quote(Contact._meta.get_field('id').column)}"
    contact_company = f"c.{_quote(Contact._meta.get_field('company').column)}"
    line_type = line_column["correspondence_type"]
    correspondence_type = (line_type, [])
    if letter_fallback:
        # A contact without an address gets a letter instead of the e-mail.
        contact_email = f"c.{_quote(Contact._meta.get_field('email').column)}"
        correspondence_type = (
            f"CASE WHEN {line_type} = %s AND {contact_email} = %s THEN %s "
            f"ELSE {line_type} END",
            [CorrespondenceType.EMAIL.value, "", CorrespondenceType.HARD_COPY.value],
        )
    delivery_status = ("%s", [DeliveryStatus.BLANK.value])
    if deliver:
        delivery_status = (
            f"CASE WHEN {correspondence_type[0]} IN (%s, %s) THEN %s ELSE %s END",
            [
                *correspondence_type[1],
                *(kind.value for kind in DELIVERED_TYPES),
                DeliveryStatus.IN_PROGRESS.value,
                DeliveryStatus.BLANK.value,
            ],
        )
    now = timezone.now()
    expressions = {
        # The line's own values: what an entry takes from a template (the line took
        # them from its template, and may have been personalised since), and who,
        # with what and about what. The group is the line's template's.
        **{
            name: (line_column[name], [])
            for name in (
                *TEMPLATE_VALUES,
                "attachment",
                "contact",
                "template",
                "subject",
                "salesperson",
            )
        },
        "correspondence_type": correspondence_type,
        "language_code": _language_sql(segment.language_code),
        "delivery_status": delivery_status,
        "group": (f"t.{_quote(template.get_field('group').column)}", []),
        "contact_company": (
            f"CASE WHEN {contact_type} = %s THEN {contact_id} "
            f"ELSE {contact_company} END",
            [Contact.Type.COMPANY.value],
        ),
        "date": ("%s", [_db_value(InteractionLogEntry, "date", segment.date)]),
        # One time for all entries of a logging, to the minute: they were made together.
        "time": (
            "%s",
            [
                _db_value(
                    InteractionLogEntry,
                    "time",
                    timezone.localtime(now).time().replace(second=0, microsecond=0),
                )
            ],
        ),
        "segment_no": ("%s", [segment.no]),
        "logged_segment": ("%s", [logged_segment.pk]),
        "created_by": ("%s", [user.pk if _actor(user) else None]),
        "created_at": ("%s", [_db_value(InteractionLogEntry, "created_at", now)]),
    }
    columns, selects, params = [], [], []
    for field in entry.concrete_fields:
        if field.primary_key:
            continue
        columns.append(_quote(field.column))
        if field.name in expressions:
            sql, field_params = expressions[field.name]
        else:
            default = field.get_db_prep_save(field.get_default(), connection)
            sql, field_params = "%s", [default]
        selects.append(sql)
        params.extend(field_params)
    sql = (
        f"INSERT INTO {_quote(entry.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} "
        f"FROM {_quote(SegmentLine._meta.db_table)} l "
        f"JOIN {_quote(Contact._meta.db_table)} c "
        f"ON {contact_id} = {line_column['contact']} "
        f"JOIN {_quote(template.db_table)} t "
        f"ON t.{_quote(template.pk.column)} = {line_column['template']} "
        f"WHERE {line_column['segment']} = %s "
        f"ORDER BY {line_column['id']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, segment.pk])
        return cursor.rowcount


def _hold_contacts(segment):
    """Lock the contacts of `segment`'s lines FOR KEY SHARE until the logging
    commits, in one statement (PostgreSQL; SQLite runs one writer at a time).

    privacy.services.erase_contact locks its contact FOR UPDATE, checks that no
    delivery to it is in progress and removes its lines. Without this lock the lines
    read below could predate an erasure still running, and its contact would get
    new entries (and deliveries) from a line the erasure removed. With it, an
    erasure holding the contact makes this wait, and the lines are read after it;
    one that comes later waits for the entries and finds them. KEY SHARE is what
    the entries' foreign keys take anyway: edits of the contacts are not blocked.
    """
    if connection.vendor != "postgresql":
        return
    contact, line = Contact._meta, SegmentLine._meta
    sql = (
        "SELECT COUNT(*) FROM ("
        f"SELECT 1 FROM {_quote(contact.db_table)} c "
        f"WHERE c.{_quote(contact.pk.column)} IN ("
        f"SELECT l.{_quote(line.get_field('contact').column)} "
        f"FROM {_quote(line.db_table)} l "
        f"WHERE l.{_quote(line.get_field('segment').column)} = %s"
        ") FOR KEY SHARE OF c) held"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [segment.pk])


@transaction.atomic
def log_segment(
    segment,
    *,
    user,
    create_follow_up=False,
    deliver=False,
    letter_fallback=False,
    sections=None,
    confirmed_lines=None,
):
    """Write one interaction log entry per line, record the logged segment and delete
    the segment; optionally start a follow-up segment with the same contacts.

    With `deliver`, the e-mail and hard-copy entries are "in progress" and a delivery
    job starts once this commits; e-mail lines whose contact has no address refuse
    the whole logging, unless `letter_fallback` makes those entries hard copy.
    `sections` ({prefix: values}) are the filled-in sections other apps add
    (segments.sections, e.g. a follow-up task per line), saved in this transaction.
    `confirmed_lines`: the number of lines the user was asked about
    (check_confirmed_lines). Returns `(logged_segment, follow_up or None)`; on any
    error nothing is written.
    """
    # The row lock makes a second session (double click, another user) wait, then
    # find the segment gone: it is logged once.
    segment = _lock(
        segment,
        _("Segment %(no)s has already been logged.") % {"no": segment.no},
    )
    # Under the lock: no contact comes or goes between this count and the entries.
    check_confirmed_lines(segment, confirmed_lines)
    # Before anything is written: a missing series found after the entries would
    # throw the whole logging away late.
    if create_follow_up:
        setup = MarketingSetup.load()
        if setup.segment_nos_id is None:
            setup.next_no("segment_nos")  # raises the "set up a series" error
    details = {}
    if segment.reapply_criteria:
        # A dynamic segment: contacts that came or went since its actions count. The
        # criteria leave privacy blocked contacts out, so their lines go (reported
        # in the audit record); a static segment's are refused by check_loggable.
        blocked = segment.lines.filter(contact__privacy_blocked=True).count()
        added, removed = reapply_criteria(segment)
        details["reapplied"] = f"+{added} / -{removed}"
        if blocked:
            details["privacy_blocked"] = blocked
    # After the criteria's lines came, before any line is read for the entries.
    _hold_contacts(segment)
    check_loggable(segment, deliver=deliver, letter_fallback=letter_fallback)
    try:
        # A savepoint: the unique segment_no turns a race the lock missed (another
        # database session) into a message instead of a broken transaction.
        with transaction.atomic():
            logged_segment = LoggedSegment.objects.create(
                segment_no=segment.no,
                description=segment.description,
                created_by=_actor(user),
            )
    except IntegrityError as error:
        raise already_logged(segment) from error
    count = _insert_entries(
        segment,
        logged_segment,
        user=user,
        deliver=deliver,
        letter_fallback=letter_fallback,
    )
    # The new entries, grouped into the statistics by one more statement.
    add_statistics(InteractionLogEntry.objects.filter(logged_segment=logged_segment))
    if deliver:
        start_delivery(logged_segment, user=user)
    header_attachment = segment.attachment.name
    # Lines cascade as one DELETE: nothing listens to their deletion.
    segment.delete()
    remove_unreferenced_attachments([header_attachment])
    follow_up = None
    if create_follow_up:
        description = _("Follow-up on segment %(no)s") % {"no": segment.no}
        follow_up = create_segment(
            user=user,
            # Cut to the field: a long segment number must not fail the logging.
            description=description[:FOLLOW_UP_MAX_LENGTH],
            salesperson=segment.salesperson,
        )
        add_contacts(follow_up, logged_contacts(logged_segment), user=user)
    # In the same transaction: no logging without its audit record, nor the reverse.
    record_audit(
        action=AuditAction.SEGMENT_LOGGED,
        user=user,
        object_type=AuditObjectType.LOGGED_SEGMENT,
        count=count,
        object_id=logged_segment.segment_no,
        object_repr=logged_segment.description,
        details={**details, "follow_up": follow_up.no} if follow_up else details,
    )
    # What each section made, for the page to say (segments.sections).
    logged_segment.section_results = {
        prefix: log_sections.section(prefix).save(logged_segment, values, user=user)
        for prefix, values in (sections or {}).items()
    }
    return logged_segment, follow_up


def log_segment_job(
    job,
    *,
    segment_id,
    create_follow_up=False,
    deliver=False,
    letter_fallback=False,
    language=None,
    sections=None,
):
    """The job of a segment too large to log within a page's request
    (settings.SEGMENT_LOG_JOB_THRESHOLD lines): the same log_segment, by the worker,
    in the `language` of the user who asked for it, as the page would have."""
    with translation.override(language):
        segment = Segment.objects.filter(pk=segment_id).first()
        if segment is None:
            raise ValidationError(_("The segment has already been logged or deleted."))
        logged_segment, follow_up = log_segment(
            segment,
            user=job.created_by,
            create_follow_up=create_follow_up,
            deliver=deliver,
            letter_fallback=letter_fallback,
            sections=sections,
        )
        if follow_up is not None:
            return {
                "url": follow_up.get_absolute_url(),
                "label": _("Follow-up segment %(no)s") % {"no": follow_up.no},
            }
        return {
            "url": logged_segment.get_absolute_url(),
            "label": _("Logged segment %(no)s") % {"no": logged_segment.segment_no},
        }
