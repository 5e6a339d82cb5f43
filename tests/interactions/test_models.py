import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.db.models.fields.files import FieldFile
from django.utils import translation

from crm import roles
from crm.services import delete_contact
from interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTotalStatistics,
    attachment_name,
    attachment_upload_to,
)
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
    role_group,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 15)


def test_attachment_upload_to_generates_a_dated_uuid_name_with_lowercase_extension():
    name = attachment_upload_to(None, "Quote for Mr. Smith.PDF")

    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", name)
    assert name != attachment_upload_to(None, "Quote for Mr. Smith.PDF")


@pytest.mark.parametrize(
    "filename",
    [
        "brief." + "é" * 120,
        "brief.ä",
        "brief." + "x" * 11,
        "brief.p df",
        "brief.pdf\x00",
    ],
    ids=["long non-ASCII", "non-ASCII", "too long", "space", "NUL"],
)
def test_an_extension_that_is_no_short_ascii_word_is_dropped(filename):
    """Finding 8 of issue 16: a long non-ASCII extension made the stored path longer
    than the column, and the upload a 500."""
    name = attachment_upload_to(None, filename)

    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", name)


@pytest.mark.django_db
def test_a_file_with_a_long_non_ascii_extension_is_stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    template = InteractionTemplateFactory()

    template.attachment.save("brief." + "ñ" * 200, ContentFile(b"letter"))

    assert template.attachment.read() == b"letter"


def test_attachment_upload_to_keeps_no_extension_when_the_file_has_none():
    assert re.fullmatch(
        r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", attachment_upload_to(None, "README")
    )


def test_entries_are_ordered_newest_first():
    older = InteractionLogEntryFactory(date=TODAY - datetime.timedelta(days=1))
    first_today = InteractionLogEntryFactory(date=TODAY)
    second_today = InteractionLogEntryFactory(date=TODAY)

    assert list(InteractionLogEntry.objects.all()) == [second_today, first_today, older]


def test_entry_str_shows_number_and_description():
    entry = InteractionLogEntryFactory(description="Offer sent")

    assert str(entry) == f"{entry.entry_no} Offer sent"


def test_logged_segment_str_shows_number_and_description():
    assert str(LoggedSegmentFactory(segment_no="SM00001", description="Spring")) == (
        "SM00001 Spring"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("information_flow", "sideways"),
        ("initiated_by", "nobody"),
        ("evaluation", "great"),
        ("correspondence_type", "fax"),
        ("document_type", "sales_order"),
        ("cost", Decimal("-0.01")),
        ("duration", -1),
    ],
)
def test_database_rejects_invalid_entry_values(field, value):
    entry = InteractionLogEntryFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionLogEntry.objects.filter(pk=entry.pk).update(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("information_flow", "sideways"),
        ("initiated_by", "nobody"),
        ("correspondence_type", "fax"),
        ("unit_cost", Decimal("-1")),
        ("unit_duration", -5),
    ],
)
def test_database_rejects_invalid_template_values(field, value):
    template = InteractionTemplateFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionTemplate.objects.filter(pk=template.pk).update(**{field: value})


def test_negative_cost_and_duration_fail_field_validation_with_clear_messages():
    entry = InteractionLogEntryFactory.build(cost=Decimal("-1"), duration=-1)

    with pytest.raises(ValidationError) as caught:
        entry.clean_fields(exclude=["contact", "template", "group", "salesperson"])

    assert caught.value.message_dict == {
        "cost": ["The cost cannot be negative."],
        "duration": ["The duration cannot be negative."],
    }


def test_template_requires_a_group():
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionTemplate.objects.create(code="NOGROUP")


def test_contact_used_by_an_entry_cannot_be_deleted():
    entry = InteractionLogEntryFactory()

    with pytest.raises(ValidationError, match="used by: 1 interaction log entry"):
        delete_contact(entry.contact, user=None)


@pytest.mark.parametrize("related", ["template", "group", "salesperson"])
def test_records_used_by_an_entry_are_protected(related):
    entry = InteractionLogEntryFactory()

    with pytest.raises(ProtectedError):
        getattr(entry, related).delete()


def test_logged_segment_used_by_an_entry_is_protected():
    entry = InteractionLogEntryFactory(logged_segment=LoggedSegmentFactory())

    with pytest.raises(ProtectedError):
        entry.logged_segment.delete()


def test_crm_admins_may_delete_canceled_entries_and_others_postponed_sales_may_not():
    # role_group: the groups come back after a transactional test truncated them.
    crm_admin = set(
        role_group(roles.CRM_ADMIN).permissions.values_list("codename", flat=True)
    )
    sales = set(role_group(roles.SALES).permissions.values_list("codename", flat=True))

    assert {"delete_canceled_entries", "delete_others_postponed"} <= crm_admin
    assert not {"delete_canceled_entries", "delete_others_postponed"} & sales
    assert {
        "view_interactionlogentry",
        "add_interactionlogentry",
        "change_interactionlogentry",
        "view_loggedsegment",
    } <= sales


# QuerySet vocabulary


def test_visible_hides_postponed_and_postponed_shows_only_them():
    logged = InteractionLogEntryFactory()
    canceled = InteractionLogEntryFactory(canceled=True)
    draft = InteractionLogEntryFactory(postponed=True)

    assert set(InteractionLogEntry.objects.visible()) == {logged, canceled}
    assert list(InteractionLogEntry.objects.postponed()) == [draft]


def test_counted_excludes_canceled_and_postponed():
    logged = InteractionLogEntryFactory()
    InteractionLogEntryFactory(canceled=True)
    InteractionLogEntryFactory(postponed=True)

    assert list(InteractionLogEntry.objects.counted()) == [logged]


def test_for_contact_of_a_company_includes_its_persons():
    company = CompanyFactory()
    own = InteractionLogEntryFactory(contact=company)
    of_person = InteractionLogEntryFactory(contact=PersonFactory(company=company))
    InteractionLogEntryFactory()  # another company's person

    assert set(InteractionLogEntry.objects.for_contact(company)) == {own, of_person}


def test_for_contact_of_a_person_is_only_that_person():
    company = CompanyFactory()
    person = PersonFactory(company=company)
    own = InteractionLogEntryFactory(contact=person)
    InteractionLogEntryFactory(contact=company)
    InteractionLogEntryFactory(contact=PersonFactory(company=company))

    assert list(InteractionLogEntry.objects.for_contact(person)) == [own]


def test_for_salesperson_filters_on_the_salesperson():
    salesperson = SalespersonFactory()
    own = InteractionLogEntryFactory(salesperson=salesperson)
    InteractionLogEntryFactory()

    assert list(InteractionLogEntry.objects.for_salesperson(salesperson)) == [own]


def test_between_includes_both_ends_and_leaves_missing_ends_open():
    entries = {
        day: InteractionLogEntryFactory(date=TODAY + datetime.timedelta(days=day))
        for day in range(-2, 3)
    }
    start, end = TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)
    objects = InteractionLogEntry.objects

    assert set(objects.between(start, end)) == {entries[-1], entries[0], entries[1]}
    assert set(objects.between(start=start)) == {entries[d] for d in (-1, 0, 1, 2)}
    assert set(objects.between(end=end)) == {entries[d] for d in (-2, -1, 0, 1)}
    assert objects.between().count() == 5


def test_same_day_duplicates_are_the_logged_entries_of_that_contact_template_and_day():
    contact, template = PersonFactory(), InteractionTemplateFactory()
    first = InteractionLogEntryFactory(contact=contact, template=template, date=TODAY)
    second = InteractionLogEntryFactory(contact=contact, template=template, date=TODAY)
    for different in (
        {"template": InteractionTemplateFactory()},
        {"date": TODAY - datetime.timedelta(days=1)},
        {"date": TODAY + datetime.timedelta(days=1)},
        {"contact": PersonFactory()},
        {"contact": contact.company},  # the person's company is another contact
        {"canceled": True},
        {"postponed": True},
    ):
        InteractionLogEntryFactory(
            **{"contact": contact, "template": template, "date": TODAY, **different}
        )

    found = InteractionLogEntry.objects.same_day_duplicates(contact, template, TODAY)

    assert list(found) == [second, first]  # newest first


def test_with_related_loads_the_list_columns_in_one_query(django_assert_num_queries):
    InteractionLogEntryFactory.create_batch(
        3, contact=PersonFactory(), logged_segment=LoggedSegmentFactory()
    )

    with django_assert_num_queries(1):
        for entry in InteractionLogEntry.objects.with_related():
            str(entry.contact)
            str(entry.contact_company)
            str(entry.template)
            str(entry.group)
            str(entry.salesperson)
            str(entry.logged_segment)


def test_statistics_of_nothing_are_zero_not_none():
    assert InteractionLogEntry.objects.statistics() == {
        "count": 0,
        "cost": Decimal("0"),
        "duration": 0,
        "last_date": None,
    }


def test_statistics_count_sum_and_last_date_in_one_query(django_assert_num_queries):
    InteractionLogEntryFactory(cost=Decimal("10.50"), duration=15, date=TODAY)
    InteractionLogEntryFactory(
        cost=Decimal("4.25"), duration=30, date=TODAY - datetime.timedelta(days=3)
    )

    with django_assert_num_queries(1):
        statistics = InteractionLogEntry.objects.statistics()

    assert statistics == {
        "count": 2,
        "cost": Decimal("14.75"),
        "duration": 45,
        "last_date": TODAY,
    }


def test_statistics_never_count_canceled_or_postponed_entries():
    InteractionLogEntryFactory(cost=Decimal("1.00"), duration=1, date=TODAY)
    InteractionLogEntryFactory(
        cost=Decimal("100"), duration=100, canceled=True, date=TODAY.replace(day=20)
    )
    InteractionLogEntryFactory(
        cost=Decimal("100"), duration=100, postponed=True, date=TODAY.replace(day=21)
    )

    assert InteractionLogEntry.objects.visible().statistics() == {
        "count": 1,
        "cost": Decimal("1.00"),
        "duration": 1,
        "last_date": TODAY,
    }


def test_company_statistics_include_its_persons_over_a_date_range():
    company = CompanyFactory()
    person = PersonFactory(company=company)
    InteractionLogEntryFactory(contact=company, cost=Decimal("5"), date=TODAY)
    InteractionLogEntryFactory(contact=person, cost=Decimal("7"), date=TODAY)
    InteractionLogEntryFactory(
        contact=person, cost=Decimal("50"), date=TODAY - datetime.timedelta(days=40)
    )
    InteractionLogEntryFactory(cost=Decimal("99"), date=TODAY)  # someone else

    month = InteractionLogEntry.objects.for_contact(company).between(
        TODAY.replace(day=1), TODAY
    )
    person_ever = InteractionLogEntry.objects.for_contact(person)

    assert month.statistics()["count"] == 2
    assert month.statistics()["cost"] == Decimal("12.00")
    assert person_ever.statistics()["cost"] == Decimal("57.00")


def test_group_statistics_follow_the_entries_snapshot_of_the_group():
    group = InteractionGroupFactory()
    template = InteractionTemplateFactory(group=group, unit_cost=Decimal("3"))
    InteractionLogEntryFactory(template=template)
    template.group = InteractionGroupFactory()
    template.save()

    assert group.log_entries.statistics()["cost"] == Decimal("3.00")
    by_group = InteractionTotalStatistics.objects.statistics_by("group", [group.pk])
    assert by_group[group.pk]["cost"] == Decimal("3.00")


def test_statistics_with_visible_count_counts_canceled_but_not_postponed_entries(
    django_assert_num_queries,
):
    salesperson = SalespersonFactory()
    for values in (
        {"cost": Decimal("2.00"), "duration": 5},
        {"cost": Decimal("100"), "canceled": True},
        {"cost": Decimal("100"), "postponed": True},
    ):
        InteractionLogEntryFactory(salesperson=salesperson, date=TODAY, **values)

    with django_assert_num_queries(1):
        statistics = InteractionTotalStatistics.objects.statistics_by(
            "salesperson", [salesperson.pk], with_visible_count=True
        )[salesperson.pk]

    assert statistics == {
        "visible_count": 2,
        "count": 1,
        "cost": Decimal("2.00"),
        "duration": 5,
        "last_date": TODAY,
    }


def test_statistics_by_groups_per_key_and_gives_zeros_to_keys_without_entries(
    django_assert_num_queries,
):
    used, unused = InteractionTemplateFactory.create_batch(2)
    InteractionLogEntryFactory(template=used, cost=Decimal("1.50"), date=TODAY)
    InteractionLogEntryFactory(template=used, cost=Decimal("2.50"), date=TODAY)
    InteractionLogEntryFactory(template=used, canceled=True)

    with django_assert_num_queries(1):
        statistics = InteractionTotalStatistics.objects.statistics_by(
            "template", [used.pk, unused.pk]
        )

    assert statistics == {
        used.pk: {
            "count": 2,
            "cost": Decimal("4.00"),
            "duration": used.unit_duration * 2,
            "last_date": TODAY,
        },
        unused.pk: {"count": 0, "cost": Decimal("0"), "duration": 0, "last_date": None},
    }


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Kerstactie 2026", "Kerstactie 2026.pdf"),
        ("Offerte: 50% korting / t.a.v. ../etc", "Offerte 50 korting t a v etc.pdf"),
        ("Angebot für Dieter", "Angebot für Dieter.pdf"),
        ("  ", "bijlage.pdf"),
    ],
)
def test_an_attachment_is_named_after_its_title_with_the_files_extension(title, name):
    stored = FieldFile(None, models.FileField(), "attachments/2026/12/3d32ab.pdf")
    with translation.override("nl"):
        assert attachment_name(stored, title) == name
