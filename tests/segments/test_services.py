import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from interactions import services as interaction_services
from interactions.models import InteractionLogEntry, InteractionTemplate
from segments import selectors, services
from segments.models import LoggedSegment, Segment, SegmentLine
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
)
from web.versions import row_version

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 15)


@pytest.fixture
def salesperson():
    return SalespersonFactory(code="ANNA")


@pytest.fixture
def template():
    return InteractionTemplateFactory(
        code="LETTER",
        group=InteractionGroupFactory(code="LETTERS"),
        description="Letter sent",
        unit_cost=Decimal("12.50"),
        unit_duration=20,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type="hard_copy",
        attachment="attachments/2026/03/letter.pdf",
    )


@pytest.fixture
def other_template():
    return InteractionTemplateFactory(
        code="CALL",
        group=InteractionGroupFactory(code="CALLS"),
        description="Phone call",
        unit_cost=Decimal("3.00"),
        unit_duration=5,
        information_flow="inbound",
        initiated_by="them",
        correspondence_type="",
    )


@pytest.fixture
def segment(marketing_setup, user, template, salesperson):
    return services.create_segment(
        user=user,
        description="Spring mailing",
        template=template,
        salesperson=salesperson,
        subject="Our spring offer",
        date=DAY,
    )


def lines_of(segment):
    return SegmentLine.objects.filter(segment_id=segment.pk).order_by("pk")


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Segment, SegmentLine, LoggedSegment, InteractionLogEntry)
    } | {"next": list(NumberSeries.objects.values_list("code", "next_number"))}


# create_segment, apply_template, update_header


def test_create_segment_numbers_from_series_and_takes_template_values(
    segment, template, user
):
    assert segment.no == "SM00001"
    assert segment.created_by == user
    assert segment.template == template
    assert segment.unit_cost == Decimal("12.50")
    assert segment.unit_duration == 20
    assert segment.information_flow == "outbound"
    assert segment.initiated_by == "us"
    assert segment.correspondence_type == "hard_copy"
    assert segment.attachment.name == "attachments/2026/03/letter.pdf"
    assert segment.description == "Spring mailing"


def test_create_segment_passes_over_numbers_of_segments_and_logged_segments(
    segment, user
):
    LoggedSegmentFactory(segment_no="SM00002")
    NumberSeries.objects.filter(code="SEGMENT").update(next_number=1)

    created = services.create_segment(user=user, description="After the reset")

    assert created.no == "SM00003"


def test_create_segment_without_series_is_refused(db, user):
    MarketingSetup.load()

    with pytest.raises(
        ValidationError,
        match=r"Set up a number series for segments in Marketing setup.",
    ):
        services.create_segment(user=user, description="No series")

    assert not Segment.objects.exists()


def test_create_segment_rejects_negative_cost(marketing_setup, user):
    with pytest.raises(ValidationError, match=r"The unit cost cannot be negative."):
        services.create_segment(user=user, unit_cost=Decimal("-1"))

    assert NumberSeries.objects.get(code="SEGMENT").next_number == 1


def test_create_segment_refuses_a_blocked_template(marketing_setup, user, template):
    template.blocked = True
    template.save()

    with pytest.raises(
        ValidationError, match=r"Interaction template LETTER is blocked."
    ):
        services.create_segment(user=user, template=template)


def test_apply_template_updates_following_lines_and_keeps_personalised_ones(
    segment, user, template, other_template
):
    services.add_contacts(segment, [PersonFactory(), PersonFactory()], user=user)
    personal = lines_of(segment).first()
    personal_template = InteractionTemplateFactory(code="OWN")
    SegmentLine.objects.filter(pk=personal.pk).update(
        template=personal_template, cost=Decimal("99")
    )

    segment = services.apply_template(segment, other_template, update_lines=True)

    assert segment.template == other_template
    assert segment.unit_cost == Decimal("3.00")
    assert segment.description == "Spring mailing"
    first, second = lines_of(segment)
    assert (first.template, first.cost) == (personal_template, Decimal("99"))
    assert second.template == other_template
    assert (second.cost, second.duration) == (Decimal("3.00"), 5)
    assert (second.information_flow, second.initiated_by) == ("inbound", "them")
    assert second.attachment.name == ""


def test_apply_template_without_update_lines_leaves_lines(
    segment, user, template, other_template
):
    services.add_contacts(segment, [PersonFactory()], user=user)

    services.apply_template(segment, other_template, update_lines=False)

    line = lines_of(segment).get()
    assert (line.template, line.cost) == (template, Decimal("12.50"))


def test_apply_template_updates_lines_in_constant_queries(
    segment, user, other_template, django_assert_max_num_queries
):
    services.add_contacts(segment, [PersonFactory()], user=user)
    with CaptureQueriesContext(connection) as one:
        services.apply_template(segment, other_template, update_lines=True)
    services.add_contacts(segment, PersonFactory.create_batch(50), user=user)
    segment.refresh_from_db()

    with django_assert_max_num_queries(len(one)):
        services.apply_template(segment, other_template, update_lines=True)


def test_update_header_updates_lines_with_the_header_template_only(
    segment, user, other_template
):
    services.add_contacts(segment, [PersonFactory(), PersonFactory()], user=user)
    personal = lines_of(segment).first()
    SegmentLine.objects.filter(pk=personal.pk).update(template=other_template)
    new_salesperson = SalespersonFactory(code="BOB")

    segment = services.update_header(
        segment,
        user=user,
        update_lines=True,
        unit_cost=Decimal("7.00"),
        unit_duration=9,
        description="Spring mailing 2026",
        salesperson=new_salesperson,
    )

    first, second = lines_of(segment)
    assert (first.cost, first.description) == (Decimal("12.50"), "Spring mailing")
    assert first.template == other_template
    assert (second.cost, second.duration) == (Decimal("7.00"), 9)
    assert second.description == "Spring mailing 2026"
    assert second.salesperson == new_salesperson


def test_update_header_refuses_a_form_opened_before_another_change(segment, user):
    seen = row_version(segment)
    services.update_header(
        Segment.objects.get(pk=segment.pk),
        user=user,
        update_lines=False,
        seen_version=seen,
        subject="Spring offer 2027",
    )

    with pytest.raises(ValidationError, match="Someone else changed segment") as caught:
        services.update_header(
            Segment.objects.get(pk=segment.pk),
            user=user,
            update_lines=False,
            seen_version=seen,
            description="Relatiedag",
        )

    assert "Subject (default) “Spring offer 2027”" in caught.value.messages[0]
    segment.refresh_from_db()
    assert (segment.description, segment.subject) == (
        "Spring mailing",
        "Spring offer 2027",
    )


def test_update_header_keeps_a_personalised_description(segment, user):
    services.add_contacts(segment, [PersonFactory(), PersonFactory()], user=user)
    personal = lines_of(segment).first()
    SegmentLine.objects.filter(pk=personal.pk).update(description="Dear Anna")

    services.update_header(segment, user=user, update_lines=True, description="Renamed")

    assert list(lines_of(segment).values_list("description", flat=True)) == [
        "Dear Anna",
        "Renamed",
    ]


def test_update_header_without_update_lines_changes_only_the_header(segment, user):
    services.add_contacts(segment, [PersonFactory()], user=user)

    segment = services.update_header(
        segment, user=user, update_lines=False, unit_cost=Decimal("1.00")
    )

    assert segment.unit_cost == Decimal("1.00")
    assert lines_of(segment).get().cost == Decimal("12.50")


def test_update_header_with_new_template_applies_it(segment, user, other_template):
    services.add_contacts(segment, [PersonFactory()], user=user)

    segment = services.update_header(
        segment, user=user, update_lines=True, template=other_template, subject="Hi"
    )

    line = lines_of(segment).get()
    assert (line.template, line.cost, line.subject) == (
        other_template,
        Decimal("3.00"),
        "Hi",
    )


def test_update_header_validates_values(segment, user):
    with pytest.raises(ValidationError, match=r"The unit duration cannot be negative."):
        services.update_header(segment, user=user, update_lines=True, unit_duration=-1)


def test_update_header_rejects_unknown_fields(segment, user):
    with pytest.raises(TypeError, match=r"Unknown segment values: colour"):
        services.update_header(segment, user=user, update_lines=False, colour="red")


# Correspondence type


@pytest.mark.parametrize(
    ("header_ignores", "header_type", "template_ignores", "template_type", "contact",
     "expected"),
    [
        (True, "email", False, "hard_copy", "hard_copy", "email"),
        (True, "", False, "hard_copy", "email", "email"),
        (False, "email", True, "hard_copy", "email", "hard_copy"),
        (False, "", False, "hard_copy", "", "hard_copy"),
        (False, "", False, "hard_copy", "email", "email"),
        (False, "email", False, "", "", "email"),
        (False, "", True, "", "email", ""),
    ],
)  # fmt: skip
def test_correspondence_type_rule(
    header_ignores, header_type, template_ignores, template_type, contact, expected
):
    template = InteractionTemplateFactory.build(
        ignore_contact_correspondence_type=template_ignores,
        correspondence_type=template_type,
    )
    segment = Segment(
        ignore_contact_correspondence_type=header_ignores,
        correspondence_type=header_type,
    )

    result = services.correspondence_type_for(
        segment, template, Contact(correspondence_type=contact)
    )

    assert result == expected


def test_add_contacts_and_updates_follow_the_correspondence_rule(segment, user):
    email = PersonFactory(correspondence_type="email")
    plain = PersonFactory(correspondence_type="")
    services.add_contacts(segment, [email, plain], user=user)

    assert dict(lines_of(segment).values_list("contact", "correspondence_type")) == {
        email.pk: "email",
        plain.pk: "hard_copy",
    }

    services.update_header(
        segment,
        user=user,
        update_lines=True,
        ignore_contact_correspondence_type=True,
        correspondence_type="hard_copy",
    )

    assert set(lines_of(segment).values_list("correspondence_type", flat=True)) == {
        "hard_copy"
    }


# add_contacts, remove_contacts, reuse_logged_segment


def test_add_contacts_takes_header_values_and_skips_duplicates_and_excluded(
    segment, user, template, salesperson
):
    company = CompanyFactory(name="Acme")
    person = PersonFactory(company=company, salesperson=SalespersonFactory())
    PersonFactory(company=company, exclude_from_segment=True)
    services.add_contacts(segment, [person], user=user)

    added = services.add_contacts(
        segment,
        Contact.objects.filter(Q(pk=company.pk) | Q(company=company)),
        user=user,
    )

    assert added == 1
    assert set(lines_of(segment).values_list("contact", flat=True)) == {
        person.pk,
        company.pk,
    }
    line = lines_of(segment).get(contact=person)
    assert line.template == template
    assert line.description == "Spring mailing"
    assert line.subject == "Our spring offer"
    assert (line.cost, line.duration) == (Decimal("12.50"), 20)
    assert (line.information_flow, line.initiated_by) == ("outbound", "us")
    assert line.salesperson == salesperson
    assert line.attachment.name == "attachments/2026/03/letter.pdf"


def test_add_contacts_takes_the_contacts_salesperson_when_header_has_none(
    marketing_setup, user
):
    segment = services.create_segment(user=user, description="No salesperson")
    own = SalespersonFactory(code="OWN")
    with_sp, without = PersonFactory(salesperson=own), PersonFactory()

    assert services.add_contacts(segment, [with_sp, without.pk], user=user) == 2

    assert dict(lines_of(segment).values_list("contact", "salesperson")) == {
        with_sp.pk: own.pk,
        without.pk: None,
    }


def test_add_contacts_takes_a_sliced_queryset(segment, user):
    contacts = [PersonFactory(name=name) for name in ("Cas", "Ada", "Bob")]

    added = services.add_contacts(
        segment,
        Contact.objects.filter(pk__in=[c.pk for c in contacts]).order_by("name")[:2],
        user=user,
    )

    assert added == 2
    assert set(lines_of(segment).values_list("contact__name", flat=True)) == {
        "Ada",
        "Bob",
    }


def test_add_contacts_refuses_a_queryset_of_something_else(segment, user):
    with pytest.raises(TypeError):
        services.add_contacts(segment, SegmentLine.objects.all(), user=user)


def test_add_contacts_with_nothing_adds_nothing(segment, user):
    assert services.add_contacts(segment, [], user=user) == 0
    assert services.add_contacts(segment, Contact.objects.none(), user=user) == 0


def test_add_contacts_runs_in_constant_queries(
    segment, user, django_assert_max_num_queries
):
    PersonFactory()
    with CaptureQueriesContext(connection) as one:
        assert services.add_contacts(segment, Contact.objects.all(), user=user) == 2
    PersonFactory.create_batch(50)

    with django_assert_max_num_queries(len(one)):
        assert services.add_contacts(segment, Contact.objects.all(), user=user) == 100


def test_remove_contacts_deletes_only_their_lines(segment, user):
    keep, drop = PersonFactory(), PersonFactory()
    services.add_contacts(segment, [keep, drop], user=user)

    removed = services.remove_contacts(segment, Contact.objects.filter(pk=drop.pk))

    assert removed == 1
    assert list(lines_of(segment).values_list("contact", flat=True)) == [keep.pk]


def test_reuse_logged_segment_adds_its_distinct_contacts(segment, user):
    logged = LoggedSegmentFactory()
    contact = PersonFactory()
    InteractionLogEntryFactory.create_batch(2, contact=contact, logged_segment=logged)
    other = InteractionLogEntryFactory(logged_segment=logged).contact
    InteractionLogEntryFactory()  # not in the logged segment

    assert services.reuse_logged_segment(segment, logged) == 2

    assert set(lines_of(segment).values_list("contact", flat=True)) == {
        contact.pk,
        other.pk,
    }


def test_update_line_with_another_template_takes_its_values(
    segment, user, other_template
):
    contact = PersonFactory(correspondence_type="email")
    services.add_contacts(segment, [contact], user=user)
    line = lines_of(segment).get()

    services.update_line(line, user=user, template=other_template)

    line.refresh_from_db()
    assert line.template == other_template
    assert (line.cost, line.duration) == (Decimal("3.00"), 5)
    assert (line.information_flow, line.initiated_by) == ("inbound", "them")
    assert line.correspondence_type == "email"  # the contact's: CALL has none
    assert line.description == "Spring mailing"  # a description stays
    assert line.attachment == ""  # CALL has no attachment
    # Personalised: a header change no longer reaches it.
    services.update_header(segment, user=user, update_lines=True, unit_cost=1)
    line.refresh_from_db()
    assert line.cost == Decimal("3.00")


def test_update_line_refuses_a_form_opened_before_another_change(segment, user):
    services.add_contacts(segment, [PersonFactory()], user=user)
    line = lines_of(segment).get()
    seen = row_version(line)
    services.update_line(line, user=user, seen_version=seen, description="Persoonlijk")

    with pytest.raises(ValidationError, match="Someone else changed segment line"):
        services.update_line(line, user=user, seen_version=seen, cost=Decimal("1.00"))

    line.refresh_from_db()
    assert (line.description, line.cost) == ("Persoonlijk", Decimal("12.50"))


def test_update_line_values_given_win_over_the_template(segment, user, other_template):
    services.add_contacts(segment, [PersonFactory()], user=user)
    line = lines_of(segment).get()

    services.update_line(
        line, user=user, template=other_template, cost=Decimal("9"), description="Hi"
    )

    line.refresh_from_db()
    assert (line.cost, line.duration, line.description) == (Decimal("9"), 5, "Hi")


def test_update_line_refuses_bad_values_and_a_blocked_template(
    segment, user, other_template
):
    services.add_contacts(segment, [PersonFactory()], user=user)
    line = lines_of(segment).get()
    with pytest.raises(ValidationError) as error:
        services.update_line(line, user=user, cost=Decimal("-1"))
    assert "cost" in error.value.error_dict
    other_template.blocked = True
    other_template.save()
    with pytest.raises(ValidationError, match="CALL is blocked"):
        services.update_line(line, user=user, template=other_template)
    with pytest.raises(TypeError):
        services.update_line(line, user=user, contact=PersonFactory())
    line.refresh_from_db()
    assert (line.cost, line.template.code) == (Decimal("12.50"), "LETTER")


def test_update_line_of_a_logged_segment_is_refused(segment, user):
    services.add_contacts(segment, [PersonFactory()], user=user)
    line = lines_of(segment).get()
    services.log_segment(segment, user=user)
    with pytest.raises(ValidationError, match="has been logged"):
        services.update_line(line, user=user, description="Late")


def test_delete_segment_deletes_its_lines_only(segment, user, template):
    services.add_contacts(segment, [PersonFactory(), PersonFactory()], user=user)
    other = services.create_segment(user=user, description="Other")
    services.add_contacts(other, [PersonFactory()], user=user)

    services.delete_segment(segment, user=user)

    assert list(Segment.objects.all()) == [other]
    assert SegmentLine.objects.filter(segment=other).count() == 1
    assert SegmentLine.objects.count() == 1
    with pytest.raises(ValidationError):
        services.delete_segment(segment, user=user)


# log_segment


@pytest.fixture
def filled(segment, user, other_template):
    """The segment with two lines, the second personalised with another template."""
    first, second = PersonFactory(), CompanyFactory()
    services.add_contacts(segment, [first, second], user=user)
    SegmentLine.objects.filter(segment=segment, contact=second).update(
        template=other_template,
        cost=Decimal("4.00"),
        duration=6,
        description="Called the director",
        attachment="attachments/2026/03/own.pdf",
    )
    return segment


def test_log_segment_writes_one_entry_per_line_with_the_line_values(
    filled, user, template, other_template, salesperson
):
    logged, follow_up = services.log_segment(filled, user=user)

    assert follow_up is None
    assert (logged.segment_no, logged.description) == ("SM00001", "Spring mailing")
    assert logged.created_by == user
    first, second = InteractionLogEntry.objects.order_by("entry_no")
    assert first.template == template
    assert first.group == template.group
    assert (first.cost, first.duration) == (Decimal("12.50"), 20)
    assert first.description == "Spring mailing"
    assert first.subject == "Our spring offer"
    assert first.contact_company == first.contact.company
    assert first.attachment.name == "attachments/2026/03/letter.pdf"
    assert second.template == other_template
    assert second.group == other_template.group
    assert (second.cost, second.duration) == (Decimal("4.00"), 6)
    assert second.description == "Called the director"
    assert second.attachment.name == "attachments/2026/03/own.pdf"
    assert second.contact_company == second.contact
    for entry in (first, second):
        assert entry.date == DAY
        assert entry.time is not None
        assert entry.salesperson == salesperson
        assert (entry.segment_no, entry.logged_segment) == ("SM00001", logged)
        assert entry.created_by == user
        assert (entry.information_flow, entry.initiated_by) != ("", "")
        assert not entry.postponed
        assert not entry.canceled
        assert entry.evaluation == ""
    assert not Segment.objects.exists()
    assert not SegmentLine.objects.exists()


def test_log_segment_with_follow_up_starts_a_new_segment_with_the_same_contacts(
    filled, user, salesperson
):
    contacts = set(lines_of(filled).values_list("contact", flat=True))

    _logged, follow_up = services.log_segment(filled, user=user, create_follow_up=True)

    assert follow_up.no == "SM00002"
    assert follow_up.description == "Follow-up on segment SM00001"
    assert follow_up.salesperson == salesperson
    assert follow_up.template is None
    assert set(lines_of(follow_up).values_list("contact", flat=True)) == contacts
    assert set(lines_of(follow_up).values_list("template", flat=True)) == {None}


def test_log_segment_refuses_when_contacts_came_since_the_count_was_confirmed(
    filled, user
):
    # The Log dialog asked about 2 contacts; meanwhile someone added a third.
    services.add_contacts(filled, [PersonFactory()], user=user)

    with pytest.raises(ValidationError) as caught:
        services.log_segment(filled, user=user, confirmed_lines=2)

    assert caught.value.code == "lines_changed"
    assert caught.value.messages == [
        "Segment SM00001 now has 3 contacts, not the 2 you were asked about: "
        "someone else changed it meanwhile. Nothing has been logged; check the "
        "number and click OK again."
    ]
    assert not LoggedSegment.objects.exists()
    logged, _follow_up = services.log_segment(filled, user=user, confirmed_lines=3)
    assert InteractionLogEntry.objects.filter(logged_segment=logged).count() == 3


def test_log_segment_follow_up_without_series_logs_nothing(filled, user):
    MarketingSetup.objects.update(segment_nos=None)
    before = row_counts()

    with pytest.raises(
        ValidationError,
        match=r"Set up a number series for segments in Marketing setup.",
    ):
        services.log_segment(filled, user=user, create_follow_up=True)

    assert row_counts() == before


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (
            lambda s: Segment.objects.filter(pk=s.pk).update(description=""),
            "Segment SM00001 needs a description before it can be logged.",
        ),
        (
            lambda s: s.lines.all().delete(),
            "Segment SM00001 is empty.",
        ),
        (
            lambda s: s.lines.filter(contact__type="company").update(template=None),
            r"Choose an interaction template for CT\d+ .* in segment SM00001.",
        ),
        (
            lambda s: s.lines.filter(contact__type="company").update(salesperson=None),
            r"Choose a salesperson for CT\d+ .* in segment SM00001.",
        ),
        (
            lambda s: LoggedSegmentFactory(segment_no="SM00001"),
            "Logged Segment for Segment No. SM00001 already exists.",
        ),
        (
            lambda s: InteractionTemplate.objects.filter(code="CALL").update(
                blocked=True
            ),
            r"Interaction template CALL of CT\d+ .* in segment SM00001 is blocked.",
        ),
        (
            lambda s: Salesperson.objects.update(blocked=True),
            r"Salesperson ANNA of CT\d+ .* in segment SM00001 is blocked.",
        ),
    ],
    ids=[
        "no_description",
        "empty",
        "no_template",
        "no_salesperson",
        "already",
        "blocked_t",
        "blocked_sp",
    ],
)
def test_log_segment_errors_write_nothing(filled, user, breakage, message):
    breakage(filled)
    before = row_counts()

    with pytest.raises(ValidationError, match=message):
        services.log_segment(filled, user=user, create_follow_up=True)

    assert row_counts() == before


def test_log_segment_names_every_rule_broken_at_once(filled, user, template):
    Segment.objects.filter(pk=filled.pk).update(description="")
    lines_of(filled).update(template=None)
    filled.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.log_segment(filled, user=user)

    assert [error.code for error in refused.value.error_list] == [
        "no_description",
        "blocking_lines",
        "blocking_line",
        "blocking_line",
    ]
    assert refused.value.messages[1] == "2 lines cannot be logged."


# log_check: the one rule for what blocks logging


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        (lambda lines: lines.update(template=None), "no_template"),
        (lambda lines: lines.update(salesperson=None), "no_salesperson"),
        (
            lambda lines: InteractionTemplate.objects.update(blocked=True),
            "blocked_template",
        ),
        (lambda lines: Salesperson.objects.update(blocked=True), "blocked_salesperson"),
    ],
)
def test_log_check_counts_each_reason(filled, breakage, reason):
    breakage(lines_of(filled))

    check = selectors.log_check(filled)

    assert not check.loggable
    assert check.blocking_count == 2
    assert [(str(found), count) for found, count in check.reason_counts] == [
        (reason, 2)
    ]
    assert [line.block_reason for line in check.blocking_lines] == [reason, reason]
    assert check.blocking_lines[0].contact == lines_of(filled).first().contact


def test_log_check_names_the_first_20_and_counts_them_all(
    segment, user, django_assert_max_num_queries
):
    services.add_contacts(segment, PersonFactory.create_batch(37), user=user)
    lines_of(segment).update(template=None)
    lines_of(segment).filter(pk=lines_of(segment).first().pk).update(salesperson=None)

    with django_assert_max_num_queries(3):
        check = selectors.log_check(segment)

    assert (check.line_count, check.blocking_count) == (37, 37)
    assert len(check.blocking_lines) == 20
    assert check.summary() == "37 lines cannot be logged."
    # A line without both is named for its first reason and counted for both.
    assert [(str(reason), count) for reason, count in check.reason_counts] == [
        ("no_template", 37),
        ("no_salesperson", 1),
    ]
    assert {line.pk for line in lines_of(segment).blocking()} == set(
        lines_of(segment).values_list("pk", flat=True)
    )


def test_log_check_of_a_loggable_segment_is_empty(filled):
    check = selectors.log_check(filled)

    assert check.loggable
    assert check.errors() == []
    assert check.summary() == ""


# apply_header_template_to_blocking_lines


def test_apply_header_template_mends_the_blocking_lines_only(
    filled, user, template, other_template, salesperson
):
    first, second = lines_of(filled)
    third = SegmentLine.objects.create(
        segment=filled,
        contact=PersonFactory(correspondence_type="email"),
        description="Own words",
        salesperson=None,
    )
    lines_of(filled).filter(pk=first.pk).update(template=None, cost=Decimal("0"))

    assert services.apply_header_template_to_blocking_lines(filled, user=user) == 2

    first.refresh_from_db()
    third.refresh_from_db()
    for line in (first, third):
        assert line.template == template
        assert (line.cost, line.duration) == (Decimal("12.50"), 20)
        assert (line.information_flow, line.initiated_by) == ("outbound", "us")
        assert line.salesperson == salesperson
        assert line.attachment.name == "attachments/2026/03/letter.pdf"
    assert first.description == "Spring mailing"  # empty: the header's
    assert third.description == "Own words"  # its own text stays
    assert first.correspondence_type == "hard_copy"
    assert third.correspondence_type == "email"  # the contact's, by the rule
    second.refresh_from_db()
    assert second.template == other_template  # not blocking: untouched
    assert selectors.log_check(filled).loggable


def test_apply_header_template_replaces_a_blocked_template_and_salesperson(
    filled, user, template, other_template, salesperson
):
    other_template.blocked = True
    other_template.save()
    lines_of(filled).update(salesperson=SalespersonFactory(blocked=True))

    assert services.apply_header_template_to_blocking_lines(filled, user=user) == 2

    assert set(lines_of(filled).values_list("template", "salesperson")) == {
        (template.pk, salesperson.pk)
    }


def test_apply_header_template_without_a_header_template_is_refused(filled, user):
    Segment.objects.filter(pk=filled.pk).update(template=None)
    lines_of(filled).update(template=None)

    with pytest.raises(
        ValidationError,
        match=r"Choose an interaction template in the header of segment SM00001 first",
    ):
        services.apply_header_template_to_blocking_lines(filled, user=user)

    assert not lines_of(filled).exclude(template=None).exists()


def test_apply_header_template_with_a_blocked_header_template_is_refused(
    filled, user, template
):
    lines_of(filled).update(template=None)
    template.blocked = True
    template.save()

    with pytest.raises(
        ValidationError, match=r"Interaction template LETTER is blocked\."
    ):
        services.apply_header_template_to_blocking_lines(filled, user=user)


def test_apply_header_template_runs_in_constant_queries(
    segment, user, django_assert_max_num_queries
):
    services.add_contacts(segment, PersonFactory.create_batch(1), user=user)
    lines_of(segment).update(template=None)
    with CaptureQueriesContext(connection) as queries:
        services.apply_header_template_to_blocking_lines(segment, user=user)
    services.add_contacts(segment, PersonFactory.create_batch(50), user=user)
    lines_of(segment).update(template=None)

    with django_assert_max_num_queries(len(queries)):
        count = services.apply_header_template_to_blocking_lines(segment, user=user)

    assert count == 51
    updates = [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1


def test_log_segment_twice_is_refused_the_second_time(filled, user):
    stale = Segment.objects.get(pk=filled.pk)
    services.log_segment(filled, user=user)
    before = row_counts()

    with pytest.raises(
        ValidationError, match=r"Segment SM00001 has already been logged."
    ):
        services.log_segment(stale, user=user)

    assert row_counts() == before


def test_log_segment_runs_in_constant_queries(
    marketing_setup, user, template, salesperson, django_assert_max_num_queries
):
    def logged_segment_with(count):
        segment = services.create_segment(
            user=user, description="Mailing", template=template, salesperson=salesperson
        )
        services.add_contacts(segment, PersonFactory.create_batch(count), user=user)
        return segment

    one = logged_segment_with(1)
    with CaptureQueriesContext(connection) as queries:
        services.log_segment(one, user=user, create_follow_up=True)
    many = logged_segment_with(51)

    with django_assert_max_num_queries(len(queries)):
        _logged, follow_up = services.log_segment(
            many, user=user, create_follow_up=True
        )

    assert InteractionLogEntry.objects.filter(segment_no=many.no).count() == 51
    assert follow_up.lines.count() == 51


def test_log_segment_deletes_the_header_attachment_only_when_unused(
    filled, user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    stored = tmp_path / "attachments/2026/03/letter.pdf"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"%PDF")

    with django_capture_on_commit_callbacks(execute=True):
        services.log_segment(filled, user=user)

    assert stored.exists()  # the template and the entries still use it


# set_logged_segment_canceled


def test_set_logged_segment_canceled_cancels_and_uncancels_its_entries(filled, user):
    logged, _follow_up = services.log_segment(filled, user=user)
    unrelated = InteractionLogEntryFactory()

    assert services.set_logged_segment_canceled(logged, True, user=user) == 2

    logged.refresh_from_db()
    assert logged.canceled
    entries = InteractionLogEntry.objects.filter(logged_segment=logged)
    assert set(entries.values_list("canceled", "canceled_by")) == {(True, user.pk)}
    unrelated.refresh_from_db()
    assert not unrelated.canceled
    with pytest.raises(ValidationError, match=r"which is canceled"):
        interaction_services.set_canceled(entries, False, user=user)

    assert services.set_logged_segment_canceled(logged, False, user=user) == 2

    logged.refresh_from_db()
    assert not logged.canceled
    assert set(entries.values_list("canceled", "canceled_by")) == {(False, None)}


def test_set_logged_segment_canceled_refuses_one_deleted_meanwhile(user):
    logged = LoggedSegmentFactory(segment_no="LS00042")
    LoggedSegment.objects.filter(pk=logged.pk).delete()

    with pytest.raises(ValidationError, match="LS00042 has been deleted") as refused:
        services.set_logged_segment_canceled(logged, True, user=user)
    assert refused.value.code == "gone"


def test_logged_segment_interaction_count_matches_its_canceled_flag(filled, user):
    logged, _follow_up = services.log_segment(filled, user=user)
    interaction_services.set_canceled(
        InteractionLogEntry.objects.filter(logged_segment=logged)[:1], True, user=user
    )

    counted = LoggedSegment.objects.with_interaction_count().get()

    assert counted.interaction_count == 1


# Concurrency (PostgreSQL row locks)


@pytest.mark.django_db(transaction=True)
def test_two_sessions_logging_the_same_segment_log_it_once(
    marketing_setup, template, salesperson
):
    if connection.vendor != "postgresql":
        pytest.skip("Row-lock concurrency needs PostgreSQL; SQLite serialises writers.")
    segment = services.create_segment(
        user=None, description="Race", template=template, salesperson=salesperson
    )
    services.add_contacts(segment, PersonFactory.create_batch(20), user=None)
    # Each session holds the segment as its page loaded it, before either logs.
    copies = [Segment.objects.get(pk=segment.pk) for _ in range(2)]
    start = threading.Barrier(2)
    results, errors = [], []

    def log(copy):
        try:
            start.wait()
            results.append(services.log_segment(copy, user=None))
        except ValidationError as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log, args=[copy]) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 1
    assert [error.messages for error in errors] == [
        ["Segment SM00001 has already been logged."]
    ]
    assert LoggedSegment.objects.count() == 1
    assert InteractionLogEntry.objects.filter(segment_no="SM00001").count() == 20
