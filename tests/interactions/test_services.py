import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interactions import services
from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)
from web.versions import row_version

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("media_root", "frozen_today"),
]

DAY = datetime.date(2026, 3, 15)


@pytest.fixture
def salesperson(user):
    return SalespersonFactory(code="ANNA", user=user)


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
    )


@pytest.fixture
def person():
    return PersonFactory(company=CompanyFactory(no="CT000100"), no="CT000101")


def upload(name="Scan.PDF", content=b"%PDF-1.4 scan"):
    return SimpleUploadedFile(name, content)


def create(contact, template, user, **values):
    return services.create_interaction(
        contact=contact, template=template, user=user, **values
    )


# template_defaults and default_salesperson


def test_template_defaults_fill_the_template_values(template, person):
    values = services.template_defaults(template, contact=person)

    assert values == {
        "description": "Letter sent",
        "group": template.group,
        "cost": Decimal("12.50"),
        "duration": 20,
        "information_flow": "outbound",
        "initiated_by": "us",
        "correspondence_type": "hard_copy",
    }


def test_template_defaults_keep_a_description_already_entered(template, person):
    values = services.template_defaults(
        template, contact=person, values={"description": "Called about invoice"}
    )

    assert values["description"] == "Called about invoice"


def test_template_defaults_override_other_entered_values(template, person):
    values = services.template_defaults(
        template, contact=person, values={"cost": Decimal("1"), "subject": "Hi"}
    )

    assert values["cost"] == Decimal("12.50")
    assert values["subject"] == "Hi"


def test_template_defaults_write_nothing(template, person):
    with CaptureQueriesContext(connection) as queries:
        services.template_defaults(template, contact=person, values={})
        services.default_salesperson(user=None, contact=person)

    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries)


@pytest.mark.parametrize(
    ("ignore_contact", "template_type", "contact_type", "expected"),
    [
        (False, "", "", ""),
        (False, "email", "", "email"),
        (False, "", "hard_copy", "hard_copy"),
        (False, "email", "hard_copy", "hard_copy"),
        (True, "email", "hard_copy", "email"),
        (True, "email", "", "email"),
        (True, "", "hard_copy", ""),
        (True, "", "", ""),
    ],
)
def test_correspondence_type_follows_the_nav_rule(
    ignore_contact, template_type, contact_type, expected
):
    template = InteractionTemplateFactory(
        correspondence_type=template_type,
        ignore_contact_correspondence_type=ignore_contact,
    )
    contact = CompanyFactory(correspondence_type=contact_type)

    values = services.template_defaults(template, contact=contact)

    assert values["correspondence_type"] == expected


def test_correspondence_type_without_a_contact_is_the_templates():
    template = InteractionTemplateFactory(correspondence_type="email")

    assert services.template_defaults(template, contact=None)[
        "correspondence_type"
    ] == ("email")


def test_default_salesperson_is_the_users_own(salesperson, user):
    contact = CompanyFactory(salesperson=SalespersonFactory())

    assert services.default_salesperson(user=user, contact=contact) == salesperson


def test_default_salesperson_skips_a_blocked_own_one_for_the_contacts(user):
    SalespersonFactory(user=user, blocked=True)
    contacts_own = SalespersonFactory()
    contact = CompanyFactory(salesperson=contacts_own)

    assert services.default_salesperson(user=user, contact=contact) == contacts_own


def test_default_salesperson_falls_back_to_marketing_setup(marketing_setup, user):
    marketing_setup.default_salesperson = SalespersonFactory(code="DEFAULT")
    marketing_setup.save()

    assert (
        services.default_salesperson(user=user, contact=CompanyFactory()).code
        == "DEFAULT"
    )


def test_default_salesperson_is_none_when_nobody_fits(user):
    blocked = SalespersonFactory(blocked=True)

    contact = CompanyFactory(salesperson=blocked)

    assert services.default_salesperson(user=user, contact=contact) is None


# create_interaction


def test_create_interaction_fills_values_from_template_user_and_today(
    template, person, salesperson, user
):
    before = timezone.localtime().time().replace(second=0, microsecond=0)

    entry = create(person, template, user)

    entry.refresh_from_db()
    assert entry.postponed is False
    assert entry.canceled is False
    assert entry.contact == person
    assert entry.contact_company == person.company
    assert entry.template == template
    assert entry.group == template.group
    assert entry.description == "Letter sent"
    assert entry.cost == Decimal("12.50")
    assert entry.duration == 20
    assert entry.information_flow == "outbound"
    assert entry.initiated_by == "us"
    assert entry.correspondence_type == "hard_copy"
    assert entry.salesperson == salesperson
    assert entry.date == timezone.localdate()
    assert entry.time >= before
    assert entry.time.second == 0
    assert entry.created_by == user


def test_create_interaction_for_a_company_files_it_under_the_company(
    template, salesperson, user
):
    company = CompanyFactory()

    entry = create(company, template, user)

    assert entry.contact_company == company


def test_create_interaction_for_a_person_without_company_has_no_company(
    template, salesperson, user
):
    loner = PersonFactory(company=None)

    assert create(loner, template, user).contact_company is None


def test_create_interaction_takes_given_values_over_template_defaults(
    template, person, user
):
    other = SalespersonFactory()

    entry = create(
        person,
        template,
        user,
        description="Visited the warehouse",
        subject="Warehouse",
        salesperson=other,
        date=DAY,
        time=datetime.time(9, 30),
        correspondence_type="email",
        information_flow="inbound",
        initiated_by="them",
        evaluation="positive",
        attempt_failed=True,
        cost=Decimal("3.10"),
        duration=45,
        document_type="sales_quote",
        document_no="SQ1001",
    )

    entry.refresh_from_db()
    assert (
        entry.description,
        entry.subject,
        entry.salesperson,
        entry.date,
        entry.time,
        entry.correspondence_type,
        entry.information_flow,
        entry.initiated_by,
        entry.evaluation,
        entry.attempt_failed,
        entry.cost,
        entry.duration,
        entry.document_type,
        entry.document_no,
    ) == (
        "Visited the warehouse",
        "Warehouse",
        other,
        DAY,
        datetime.time(9, 30),
        "email",
        "inbound",
        "them",
        "positive",
        True,
        Decimal("3.10"),
        45,
        "sales_quote",
        "SQ1001",
    )
    assert entry.group == template.group


def test_create_interaction_uses_the_template_description_when_blank(
    template, person, salesperson, user
):
    assert create(person, template, user, description="").description == "Letter sent"


def test_create_interaction_refuses_unknown_values(template, person, user):
    with pytest.raises(TypeError, match="colour"):
        create(person, template, user, colour="blue")


def test_create_interaction_requires_a_contact(template, user):
    with pytest.raises(
        ValidationError, match=re.escape("You must select a contact to interact with.")
    ) as caught:
        create(None, template, user)

    assert caught.value.error_dict["contact"][0].code == "required"
    assert not InteractionLogEntry.objects.exists()


def test_create_interaction_requires_a_template(person, salesperson, user):
    with pytest.raises(
        ValidationError, match=re.escape("You must select an interaction template.")
    ):
        create(person, None, user, description="Call")

    assert not InteractionLogEntry.objects.exists()


def test_create_interaction_refuses_a_blocked_template(
    template, person, salesperson, user
):
    template.blocked = True
    template.save()

    with pytest.raises(
        ValidationError, match=re.escape("Interaction template LETTER is blocked.")
    ) as caught:
        create(person, template, user)

    assert list(caught.value.error_dict) == ["template"]


def test_create_interaction_requires_a_description(person, salesperson, user):
    template = InteractionTemplateFactory(description="")

    with pytest.raises(
        ValidationError, match=re.escape("You must fill in a description.")
    ) as caught:
        create(person, template, user)

    assert list(caught.value.error_dict) == ["description"]


def test_create_interaction_requires_a_salesperson(template, person, user):
    with pytest.raises(
        ValidationError, match=re.escape("You must select a salesperson.")
    ) as caught:
        create(person, template, user, salesperson=None)

    assert list(caught.value.error_dict) == ["salesperson"]
    assert not InteractionLogEntry.objects.exists()


def test_create_interaction_without_salesperson_is_fine_for_a_document(
    template, person, user
):
    entry = create(
        person,
        template,
        user,
        salesperson=None,
        document_type="sales_invoice",
        document_no="SI-1",
    )

    assert entry.salesperson is None
    assert entry.document_type == "sales_invoice"


def test_create_interaction_refuses_a_blocked_salesperson(template, person, user):
    blocked = SalespersonFactory(code="OLD", blocked=True)

    with pytest.raises(ValidationError, match=re.escape("Salesperson OLD is blocked.")):
        create(person, template, user, salesperson=blocked)


def test_create_interaction_requires_a_date(template, person, salesperson, user):
    with pytest.raises(
        ValidationError, match=re.escape("You must fill in the date.")
    ) as caught:
        create(person, template, user, date=None)

    assert list(caught.value.error_dict) == ["date"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost", Decimal("-0.01"), "The cost cannot be negative."),
        ("duration", -1, "The duration cannot be negative."),
    ],
)
def test_create_interaction_refuses_negative_cost_and_duration(
    template, person, salesperson, user, field, value, message
):
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        create(person, template, user, **{field: value})

    assert list(caught.value.error_dict) == [field]
    assert not InteractionLogEntry.objects.exists()


def test_create_interaction_refuses_an_invalid_choice(
    template, person, salesperson, user
):
    with pytest.raises(ValidationError, match="not a valid choice") as caught:
        create(person, template, user, evaluation="great")

    assert list(caught.value.error_dict) == ["evaluation"]


def test_create_interaction_reports_every_broken_rule_at_once(person, user):
    with pytest.raises(ValidationError) as caught:
        create(person, None, user, salesperson=None, date=None, cost=Decimal("-1"))

    assert caught.value.message_dict == {
        "template": ["You must select an interaction template."],
        "description": ["You must fill in a description."],
        "salesperson": ["You must select a salesperson."],
        "date": ["You must fill in the date."],
        "cost": ["The cost cannot be negative."],
    }


def test_create_interaction_shares_the_template_attachment_file(
    person, salesperson, user, media_root
):
    template = InteractionTemplateFactory(attachment=upload("Offer.DOCX"))

    entry = create(person, template, user)

    assert entry.attachment.name == template.attachment.name
    assert entry.attachment.name.endswith(".docx")
    assert len(list(media_root.rglob("*.docx"))) == 1


def test_create_interaction_stores_an_upload_under_a_generated_name(
    template, person, salesperson, user, media_root
):
    entry = create(person, template, user, attachment=upload("Mr Smith's letter.PDF"))

    assert re.fullmatch(
        r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", entry.attachment.name
    )
    assert (media_root / entry.attachment.name).read_bytes() == b"%PDF-1.4 scan"


def test_logged_entries_keep_their_values_when_the_template_changes(
    template, person, salesperson, user
):
    entry = create(person, template, user)
    old_group = template.group

    template.description = "Renamed"
    template.unit_cost = Decimal("99")
    template.unit_duration = 99
    template.information_flow = "inbound"
    template.group = InteractionGroupFactory(code="OTHER")
    template.save()

    entry.refresh_from_db()
    assert entry.description == "Letter sent"
    assert entry.cost == Decimal("12.50")
    assert entry.duration == 20
    assert entry.information_flow == "outbound"
    assert entry.group == old_group


# postpone_interaction and resume_interaction


def test_postpone_interaction_needs_only_a_contact(person, salesperson, user):
    entry = services.postpone_interaction(contact=person, user=user)

    entry.refresh_from_db()
    assert entry.postponed is True
    assert entry.template is None
    assert entry.description == ""
    assert entry.salesperson == salesperson
    assert entry.date == timezone.localdate()
    assert entry.created_by == user


# Values given blank take the template's (the form's empty fields); a typed 0 stays.

BLANK = {
    "description": "",
    "cost": None,
    "duration": None,
    "information_flow": "",
    "initiated_by": None,
    "correspondence_type": "",
}


def test_blank_values_take_the_templates(template, user, salesperson):
    contact = PersonFactory(correspondence_type="email")

    entry = create(contact, template, user, **BLANK)

    assert (
        entry.description,
        entry.cost,
        entry.duration,
        entry.information_flow,
        entry.initiated_by,
        entry.correspondence_type,
    ) == ("Letter sent", Decimal("12.50"), 20, "outbound", "us", "email")


def test_blank_values_are_exactly_what_template_defaults_computes(
    template, user, salesperson
):
    contact = PersonFactory(correspondence_type="email")
    expected = services.template_defaults(template, contact=contact)

    entry = create(contact, template, user, **BLANK)

    assert {name: getattr(entry, name) for name in services.TEMPLATE_VALUES} == {
        name: expected[name] for name in services.TEMPLATE_VALUES
    }


def test_typed_values_win_over_the_templates(template, person, user, salesperson):
    entry = create(
        person,
        template,
        user,
        **{**BLANK, "cost": Decimal("3.75"), "duration": 5, "initiated_by": "them"},
    )

    assert (entry.cost, entry.duration, entry.initiated_by) == (
        Decimal("3.75"),
        5,
        "them",
    )
    assert entry.information_flow == "outbound"  # left blank: the template's


def test_a_typed_zero_stays_zero(template, person, user, salesperson):
    entry = create(person, template, user, cost=Decimal("0"), duration=0)

    assert (entry.cost, entry.duration) == (Decimal("0"), 0)


def test_resume_takes_the_templates_values_for_blanks_and_keeps_what_is_not_given(
    template, person, user, salesperson
):
    draft = services.postpone_interaction(
        contact=person, user=user, template=template, cost=Decimal("9"), duration=99
    )

    entry = services.resume_interaction(draft, user=user, cost=None)

    assert entry.pk == draft.pk
    assert entry.cost == Decimal("12.50")  # blank: the template's
    assert entry.duration == 99  # not given: kept


def test_resume_with_a_template_chosen_now_fills_the_blanks(person, user, salesperson):
    draft = services.postpone_interaction(contact=person, user=user, cost=None)
    assert (draft.cost, draft.duration) == (Decimal("0"), 0)  # no template yet
    template = InteractionTemplateFactory(unit_cost=Decimal("4.20"), unit_duration=7)

    entry = services.resume_interaction(
        draft, user=user, template=template, cost=None, duration=None
    )

    assert (entry.cost, entry.duration) == (Decimal("4.20"), 7)


def test_postpone_interaction_requires_a_contact(user):
    with pytest.raises(
        ValidationError, match=re.escape("You must select a contact to interact with.")
    ):
        services.postpone_interaction(contact=None, user=user)


def test_postpone_interaction_applies_template_defaults(template, person, user):
    entry = services.postpone_interaction(
        contact=person, user=user, template=template, cost=Decimal("2")
    )

    assert entry.description == "Letter sent"
    assert entry.duration == 20
    assert entry.cost == Decimal("2")
    assert entry.group == template.group


def test_postpone_interaction_still_refuses_impossible_values(person, user):
    with pytest.raises(
        ValidationError, match=re.escape("The duration cannot be negative.")
    ):
        services.postpone_interaction(contact=person, user=user, duration=-5)

    assert not InteractionLogEntry.objects.exists()


def test_postponing_a_resumed_entry_again_updates_the_same_row(template, person, user):
    draft = services.postpone_interaction(contact=person, user=user)

    again = services.postpone_interaction(
        contact=person, user=user, entry=draft, template=template, subject="Later"
    )

    assert again.pk == draft.pk
    assert InteractionLogEntry.objects.get().subject == "Later"
    assert InteractionLogEntry.objects.get().postponed is True
    assert again.description == "Letter sent"


def test_postponing_a_finished_entry_again_is_refused(
    template, person, salesperson, user
):
    draft = services.postpone_interaction(contact=person, user=user, template=template)
    services.resume_interaction(draft, user=user)

    with pytest.raises(
        ValidationError,
        match=re.escape("This interaction has already been finished or deleted."),
    ):
        services.postpone_interaction(contact=person, user=user, entry=draft)


def test_resume_interaction_finishes_the_same_row_today(
    template, person, salesperson, user
):
    draft = services.postpone_interaction(
        contact=person, user=user, template=template, date=DAY, cost=Decimal("5")
    )

    entry = services.resume_interaction(draft, user=user, evaluation="neutral")

    entry.refresh_from_db()
    assert entry.pk == draft.pk
    assert InteractionLogEntry.objects.count() == 1
    assert entry.postponed is False
    assert entry.date == timezone.localdate()
    assert entry.cost == Decimal("5.00")  # entered while postponed, kept
    assert entry.evaluation == "neutral"


def test_resume_interaction_applies_the_rules_of_create(person, salesperson, user):
    draft = services.postpone_interaction(contact=person, user=user)

    with pytest.raises(ValidationError) as caught:
        services.resume_interaction(draft, user=user)

    assert caught.value.message_dict == {
        "template": ["You must select an interaction template."],
        "description": ["You must fill in a description."],
    }
    assert InteractionLogEntry.objects.get().postponed is True


def test_resume_interaction_with_another_template_takes_its_defaults(
    template, person, salesperson, user
):
    draft = services.postpone_interaction(contact=person, user=user, template=template)
    meeting = InteractionTemplateFactory(
        description="", unit_cost=Decimal("80"), unit_duration=60
    )

    entry = services.resume_interaction(draft, user=user, template=meeting)

    assert entry.template == meeting
    assert entry.group == meeting.group
    assert entry.cost == Decimal("80")
    assert entry.duration == 60
    assert entry.description == "Letter sent"  # entered (from the first template)


def test_resume_interaction_twice_logs_it_once(template, person, salesperson, user):
    draft = services.postpone_interaction(contact=person, user=user, template=template)
    services.resume_interaction(draft, user=user)

    with pytest.raises(
        ValidationError,
        match=re.escape("This interaction has already been finished or deleted."),
    ):
        services.resume_interaction(draft, user=user, description="Second")

    assert InteractionLogEntry.objects.get().description == "Letter sent"


def test_resume_interaction_of_a_deleted_entry_is_refused(template, person, user):
    draft = services.postpone_interaction(contact=person, user=user, template=template)
    services.delete_postponed([draft], user=user)

    with pytest.raises(ValidationError, match="already been finished or deleted"):
        services.resume_interaction(draft, user=user)


def test_resume_interaction_with_a_new_upload_removes_the_replaced_file(
    template,
    person,
    salesperson,
    user,
    media_root,
    django_capture_on_commit_callbacks,
):
    draft = services.postpone_interaction(
        contact=person, user=user, template=template, attachment=upload("first.txt")
    )
    first = media_root / draft.attachment.name

    with django_capture_on_commit_callbacks(execute=True):
        entry = services.resume_interaction(
            draft, user=user, attachment=upload("second.txt", b"second")
        )

    assert not first.exists()
    assert (media_root / entry.attachment.name).read_bytes() == b"second"


# delete_postponed


def test_delete_postponed_deletes_only_postponed_entries(template, person, user):
    draft = services.postpone_interaction(contact=person, user=user)
    logged = InteractionLogEntryFactory(created_by=user)

    count = services.delete_postponed(
        InteractionLogEntry.objects.filter(pk__in=[draft.pk, logged.pk]), user=user
    )

    assert count == 1
    assert list(InteractionLogEntry.objects.all()) == [logged]


def test_delete_postponed_of_another_user_is_forbidden(person, user):
    others = services.postpone_interaction(contact=person, user=UserFactory())
    own = services.postpone_interaction(contact=person, user=user)

    with pytest.raises(
        PermissionDenied,
        match=re.escape("You can only delete postponed interactions that you created."),
    ):
        services.delete_postponed([own, others], user=user)

    assert InteractionLogEntry.objects.count() == 2


def test_delete_postponed_of_others_is_allowed_to_crm_admins(person, admin_user_crm):
    others = services.postpone_interaction(contact=person, user=UserFactory())

    assert services.delete_postponed([others], user=admin_user_crm) == 1
    assert not InteractionLogEntry.objects.exists()


def test_delete_postponed_removes_attachment_files_nobody_uses(
    person, user, media_root, django_capture_on_commit_callbacks
):
    template = InteractionTemplateFactory(attachment=upload("shared.pdf"))
    with_template_file = services.postpone_interaction(
        contact=person, user=user, template=template
    )
    own_file = services.postpone_interaction(
        contact=person, user=user, attachment=upload("own.pdf")
    )
    own_path = media_root / own_file.attachment.name
    shared_path = media_root / template.attachment.name

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_postponed([with_template_file, own_file], user=user)

    assert not own_path.exists()
    assert shared_path.exists()


# set_canceled


def test_set_canceled_marks_entries_and_records_who_and_when(user):
    entries = InteractionLogEntryFactory.create_batch(2)

    count = services.set_canceled(entries, True, user=user)

    assert count == 2
    for entry in InteractionLogEntry.objects.all():
        assert entry.canceled is True
        assert entry.canceled_by == user
        assert timezone.now() - entry.canceled_at < datetime.timedelta(minutes=1)


def test_set_canceled_leaves_postponed_and_already_canceled_entries_alone(user):
    first_canceler = UserFactory()
    draft = InteractionLogEntryFactory(postponed=True)
    canceled = InteractionLogEntryFactory(canceled=True, canceled_by=first_canceler)
    logged = InteractionLogEntryFactory()

    count = services.set_canceled(InteractionLogEntry.objects.all(), True, user=user)

    assert count == 1
    draft.refresh_from_db()
    canceled.refresh_from_db()
    logged.refresh_from_db()
    assert draft.canceled is False
    assert canceled.canceled_by == first_canceler
    assert logged.canceled_by == user


def test_removing_the_canceled_mark_clears_who_and_when(user):
    entry = InteractionLogEntryFactory()
    services.set_canceled([entry], True, user=user)

    count = services.set_canceled([entry.pk], False, user=user)

    entry.refresh_from_db()
    assert count == 1
    assert (entry.canceled, entry.canceled_by, entry.canceled_at) == (False, None, None)


def test_removing_the_canceled_mark_is_refused_while_the_logged_segment_is_canceled(
    user,
):
    segment = LoggedSegmentFactory(segment_no="SM00001", canceled=True)
    free = InteractionLogEntryFactory(canceled=True)
    bound = InteractionLogEntryFactory(canceled=True, logged_segment=segment)

    with pytest.raises(
        ValidationError,
        match=re.escape(
            f"Interaction log entry {bound.pk} belongs to logged segment SM00001, "
            "which is canceled. Remove the canceled mark from the logged segment first."
        ),
    ):
        services.set_canceled([free, bound], False, user=user)

    assert InteractionLogEntry.objects.filter(canceled=True).count() == 2


def test_set_canceled_uses_the_same_queries_for_1_or_51_entries(
    user, django_assert_max_num_queries
):
    segment = LoggedSegmentFactory()
    InteractionLogEntryFactory(logged_segment=segment)
    with CaptureQueriesContext(connection) as one:
        services.set_canceled(InteractionLogEntry.objects.all(), True, user=user)
        services.set_canceled(InteractionLogEntry.objects.all(), False, user=user)

    InteractionLogEntryFactory.create_batch(50, logged_segment=segment)
    as_list = list(InteractionLogEntry.objects.all())

    with django_assert_max_num_queries(len(one)):
        assert services.set_canceled(InteractionLogEntry.objects.all(), True, user=user)
        assert services.set_canceled(as_list, False, user=user) == 51


# evaluate_entries


def test_evaluate_entries_sets_the_evaluation_of_logged_entries(user):
    logged = InteractionLogEntryFactory()
    draft = InteractionLogEntryFactory(postponed=True)

    count = services.evaluate_entries([logged, draft], "very_negative", user=user)

    assert count == 1
    logged.refresh_from_db()
    draft.refresh_from_db()
    assert logged.evaluation == "very_negative"
    assert draft.evaluation == ""


def test_evaluate_entries_refuses_an_unknown_evaluation(user):
    entry = InteractionLogEntryFactory(evaluation="neutral")

    with pytest.raises(
        ValidationError, match=re.escape("“great” is not a valid evaluation.")
    ):
        services.evaluate_entries([entry], "great", user=user)

    entry.refresh_from_db()
    assert entry.evaluation == "neutral"


def test_evaluate_entries_uses_the_same_queries_for_1_or_51_entries(
    user, django_assert_max_num_queries
):
    InteractionLogEntryFactory()
    with CaptureQueriesContext(connection) as one:
        services.evaluate_entries(
            InteractionLogEntry.objects.all(), "positive", user=user
        )
    InteractionLogEntryFactory.create_batch(50)

    with django_assert_max_num_queries(len(one)):
        count = services.evaluate_entries(
            InteractionLogEntry.objects.all(), "negative", user=user
        )

    assert count == 51


# delete_canceled_entries


def test_delete_canceled_entries_never_deletes_uncanceled_or_postponed_entries():
    InteractionLogEntryFactory(canceled=True)
    kept = {
        InteractionLogEntryFactory(),
        InteractionLogEntryFactory(postponed=True),
        InteractionLogEntryFactory(postponed=True, canceled=True),
    }

    assert services.delete_canceled_entries() == 1
    assert set(InteractionLogEntry.objects.all()) == kept


@pytest.mark.parametrize(
    ("filters", "expected_days"),
    [
        ({"before": DAY}, {-1}),
        ({"after": DAY}, {1}),
        ({"after": DAY - datetime.timedelta(days=1), "before": DAY}, set()),
        ({"after": DAY - datetime.timedelta(days=2), "before": DAY}, {-1}),
    ],
)
def test_delete_canceled_entries_date_limits_are_exclusive(filters, expected_days):
    for day in (-1, 0, 1):
        InteractionLogEntryFactory(
            canceled=True, date=DAY + datetime.timedelta(days=day), description=str(day)
        )

    count = services.delete_canceled_entries(**filters)

    remaining = set(InteractionLogEntry.objects.values_list("description", flat=True))
    assert count == len(expected_days)
    assert remaining == {"-1", "0", "1"} - {str(day) for day in expected_days}


@pytest.mark.parametrize("filter_name", ["contact", "template", "group", "salesperson"])
def test_delete_canceled_entries_filters_on(filter_name):
    target = InteractionLogEntryFactory(canceled=True)
    other = InteractionLogEntryFactory(canceled=True)

    count = services.delete_canceled_entries(
        **{filter_name: getattr(target, filter_name)}
    )

    assert count == 1
    assert list(InteractionLogEntry.objects.all()) == [other]


def test_delete_canceled_entries_within_a_selection():
    selected, not_canceled = (
        InteractionLogEntryFactory(canceled=True),
        InteractionLogEntryFactory(),
    )
    unselected = InteractionLogEntryFactory(canceled=True)

    count = services.delete_canceled_entries(
        entries=InteractionLogEntry.objects.filter(
            pk__in=[selected.pk, not_canceled.pk]
        )
    )

    assert count == 1
    assert set(InteractionLogEntry.objects.all()) == {not_canceled, unselected}


def test_delete_canceled_entries_dry_run_counts_and_deletes_nothing():
    InteractionLogEntryFactory.create_batch(3, canceled=True)
    InteractionLogEntryFactory()

    assert services.delete_canceled_entries(dry_run=True) == 3
    assert InteractionLogEntry.objects.count() == 4


def test_delete_canceled_entries_is_one_delete_statement_for_any_number_of_rows(
    django_assert_max_num_queries,
):
    InteractionLogEntryFactory(canceled=True)
    with CaptureQueriesContext(connection) as one:
        assert services.delete_canceled_entries() == 1
    InteractionLogEntryFactory.create_batch(51, canceled=True)

    with (
        django_assert_max_num_queries(len(one)),
        CaptureQueriesContext(connection) as many,
    ):
        assert services.delete_canceled_entries() == 51

    deletes = [q["sql"] for q in many if q["sql"].lstrip().upper().startswith("DELETE")]
    assert len(deletes) == 1


def test_delete_canceled_entries_removes_files_only_when_nothing_else_uses_them(
    media_root, django_capture_on_commit_callbacks
):
    template = InteractionTemplateFactory(attachment=upload("template.pdf"))
    uses_template_file = InteractionLogEntryFactory(
        canceled=True, template=template, attachment=template.attachment.name
    )
    own = InteractionLogEntryFactory(canceled=True, attachment=upload("own.pdf"))
    shared = InteractionLogEntryFactory(canceled=True, attachment=upload("shared.pdf"))
    InteractionLogEntryFactory(attachment=shared.attachment.name)  # not canceled
    paths = {
        entry: media_root / entry.attachment.name
        for entry in (uses_template_file, own, shared)
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert services.delete_canceled_entries() == 3

    assert paths[uses_template_file].exists()
    assert not paths[own].exists()
    assert paths[shared].exists()


def test_delete_canceled_entries_dry_run_removes_no_file(
    media_root, django_capture_on_commit_callbacks
):
    entry = InteractionLogEntryFactory(canceled=True, attachment=upload("own.pdf"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.delete_canceled_entries(dry_run=True)

    assert callbacks == []
    assert (media_root / entry.attachment.name).exists()


def test_attachment_files_are_only_removed_after_commit(
    media_root, django_capture_on_commit_callbacks
):
    entry = InteractionLogEntryFactory(canceled=True, attachment=upload("own.pdf"))
    path = media_root / entry.attachment.name

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.delete_canceled_entries()

    assert path.exists()
    assert len(callbacks) == 1


# delete_group and delete_template


def test_delete_template_in_use_is_refused_with_the_users(template):
    InteractionLogEntryFactory.create_batch(2, template=template)

    with pytest.raises(
        ValidationError,
        match=re.escape(
            "Interaction template LETTER cannot be deleted because it is used by: "
            "2 interaction log entries."
        ),
    ):
        services.delete_template(template, user=None)

    assert InteractionTemplate.objects.filter(pk=template.pk).exists()


def test_delete_group_in_use_is_refused_with_the_users(template):
    InteractionLogEntryFactory(template=template)

    with pytest.raises(
        ValidationError,
        match=re.escape(
            "Interaction group LETTERS cannot be deleted because it is used by: "
            "1 interaction template, 1 interaction log entry."
        ),
    ):
        services.delete_group(template.group, user=None)


def test_delete_unused_group_and_template(template):
    group = template.group

    services.delete_template(template, user=None)
    services.delete_group(group, user=None)

    assert not InteractionTemplate.objects.exists()
    assert not InteractionGroup.objects.exists()


def test_delete_template_removes_its_attachment_file(
    media_root, django_capture_on_commit_callbacks
):
    template = InteractionTemplateFactory(attachment=upload("template.pdf"))
    path = media_root / template.attachment.name

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_template(template, user=None)

    assert not path.exists()


# create/update group and template (the pages and the admin call these)


def test_create_group_keeps_the_code_in_capitals(user):
    group = services.create_group(user=user, code="visits", description="Visits")

    assert InteractionGroup.objects.get() == group
    assert group.code == "VISITS"


def test_create_group_refuses_a_code_in_use_by_field(user):
    InteractionGroupFactory(code="VISITS")

    with pytest.raises(ValidationError) as refused:
        services.create_group(user=user, code="visits")

    assert set(refused.value.message_dict) == {"code"}
    assert InteractionGroup.objects.count() == 1


def test_update_group_changes_the_given_values(template, user):
    services.update_group(template.group, user=user, description="All letters")

    template.group.refresh_from_db()
    assert (template.group.code, template.group.description) == (
        "LETTERS",
        "All letters",
    )


def test_create_template_stores_its_values_and_file(media_root, user):
    group = InteractionGroupFactory()

    template = services.create_template(
        user=user,
        code="visit",
        group=group,
        description="Visit",
        unit_cost=Decimal("7.50"),
        attachment=upload(),
    )

    template.refresh_from_db()
    assert (template.code, template.unit_cost) == ("VISIT", Decimal("7.50"))
    assert (media_root / template.attachment.name).read_bytes() == b"%PDF-1.4 scan"


def test_create_template_refuses_an_unknown_placeholder_with_the_other_errors(user):
    with pytest.raises(ValidationError) as refused:
        services.create_template(
            user=user,
            code="visit",
            group=InteractionGroupFactory(),
            unit_cost=Decimal("-1"),
            letter_text="Dear {{ contact.password }}",
        )

    errors = refused.value.message_dict
    assert errors["unit_cost"] == ["The unit cost cannot be negative."]
    assert errors["letter_text"][0].startswith(
        "Unknown placeholder {{ contact.password }}."
    )
    assert not InteractionTemplate.objects.exists()


def test_update_template_leaves_entries_logged_with_it_alone(template, person, user):
    SalespersonFactory(user=user)
    entry = create(person, template, user)

    services.update_template(template, user=user, unit_cost=Decimal("99"))

    entry.refresh_from_db()
    template.refresh_from_db()
    assert (template.unit_cost, entry.cost) == (Decimal("99"), Decimal("12.50"))


def test_update_template_refuses_a_form_opened_before_another_change(template, user):
    seen = row_version(template)
    services.update_template(
        InteractionTemplate.objects.get(pk=template.pk),
        user=user,
        seen_version=seen,
        unit_cost=Decimal("15.00"),
    )

    with pytest.raises(ValidationError) as caught:
        services.update_template(
            InteractionTemplate.objects.get(pk=template.pk),
            user=user,
            seen_version=seen,
            description="Brief verstuurd",
        )

    assert caught.value.code == "stale"
    assert "Now stored: Unit cost “15.00”." in caught.value.messages[0]
    template.refresh_from_db()
    assert (template.unit_cost, template.description) == (
        Decimal("15.00"),
        "Letter sent",
    )


# entry_values_from_template: the one list of what an entry takes from a template


def test_entry_values_from_template_name_every_value_taken(template, person):
    template.attachment = "attachments/2026/03/letter.pdf"

    values = services.entry_values_from_template(template, contact=person)

    assert values == {
        "group": template.group,
        "description": "Letter sent",
        "cost": Decimal("12.50"),
        "duration": 20,
        "information_flow": "outbound",
        "initiated_by": "us",
        "correspondence_type": "hard_copy",
        "attachment": "attachments/2026/03/letter.pdf",
    }


def test_entry_values_from_template_keep_a_given_description(template, person):
    values = services.entry_values_from_template(
        template, contact=person, description="Called back"
    )

    assert values["description"] == "Called back"


def test_the_typed_template_values_are_those_of_entry_values_from_template(
    template, person
):
    taken = services.entry_values_from_template(template, contact=person)

    assert set(services.TEMPLATE_VALUES) == set(taken) - {"group", "attachment"}


def test_a_manual_entry_and_a_logged_document_take_the_same_template_values(
    media_root, template, user, salesperson
):
    template.attachment = upload("letter.pdf")
    template.save()
    contact = PersonFactory(correspondence_type="email")

    manual = create(contact, template, user)
    document = services.log_document(
        document_type="sales_quote",
        document_no="SQ1",
        contact=contact,
        template=template,
        user=user,
    )

    taken = services.entry_values_from_template(template, contact=contact)
    for entry in (manual, document):
        entry.refresh_from_db()
        assert {name: getattr(entry, name) for name in taken} == taken
