from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from crm import roles
from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)
from segments.models import LoggedSegment, SavedSegmentCriteria, Segment
from tasks.models import Task
from tests.factories import NumberSeriesFactory

pytestmark = pytest.mark.django_db


def load_demo_data(*args):
    out = StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


def counts():
    return {
        "series": NumberSeries.objects.count(),
        "salespeople": Salesperson.objects.count(),
        "companies": Contact.objects.filter(type="company").count(),
        "persons": Contact.objects.filter(type="person").count(),
        "users": User.objects.count(),
        "next contact number": NumberSeries.objects.get(code="CONTACT").next_number,
        "templates": InteractionTemplate.objects.count(),
        "logged": InteractionLogEntry.objects.visible().count(),
        "postponed": InteractionLogEntry.objects.postponed().count(),
        "segments": list(Segment.objects.values_list("no", flat=True)),
        "logged segments": LoggedSegment.objects.count(),
        "criteria actions": list(
            Segment.objects.filter(criteria_actions__isnull=False)
            .values_list(
                "no", "criteria_actions__action", "criteria_actions__lines_after"
            )
            .order_by("no", "criteria_actions__sequence")
        ),
        "saved criteria": list(
            SavedSegmentCriteria.objects.values_list(
                "code", "actions__action"
            ).order_by("code", "actions__sequence")
        ),
        "tasks": Task.objects.count(),
        "open tasks": Task.objects.filter(closed=False).count(),
        "overdue": Task.objects.filter(
            closed=False, date__lt=timezone.localdate()
        ).count(),
        "recurring": Task.objects.filter(recurring=True).count(),
        "meetings with attendees": Task.objects.filter(
            Q(attendee_salespeople__isnull=False) | Q(attendee_contacts__isnull=False)
        )
        .distinct()
        .count(),
        "segment tasks": Task.objects.filter(segment_no="SM00003").count(),
        "next task number": NumberSeries.objects.get(code="TASK").next_number,
        "template setup": InteractionTemplateSetup.objects.filter(
            template__isnull=False
        ).count(),
    }


def test_load_demo_data_twice_creates_nothing_new():
    load_demo_data()
    first = counts()

    load_demo_data()

    assert counts() == first
    assert first == {
        "series": 3,
        "salespeople": 6,
        "companies": 25,
        "persons": 40,
        "users": 3,
        "next contact number": 66,
        "templates": 8,
        "logged": 214,
        "postponed": 1,
        "segments": ["SM00004", "SM00003", "SM00002"],
        "logged segments": 1,
        "criteria actions": [
            ("SM00004", "add", 8),
            ("SM00004", "add", 10),
            ("SM00004", "reduce", 9),
            ("SM00004", "refine", 4),
        ],
        "saved criteria": [
            ("RELATIEDAG", "add"),
            ("RELATIEDAG", "add"),
            ("RELATIEDAG", "reduce"),
            ("RELATIEDAG", "refine"),
        ],
        "tasks": 29,
        "open tasks": 26,
        "overdue": 4,
        "recurring": 1,
        "meetings with attendees": 3,
        "segment tasks": 8,
        "next task number": 30,
        "template setup": 6,
    }


def test_load_demo_data_prints_the_logins_every_run():
    for _run in range(2):
        out = load_demo_data()

        assert (
            "Demo data loaded: 6 salespeople, 25 companies, 40 persons, "
            "215 interactions, 29 tasks." in out
        )
        assert "Demo logins:" in out
        assert "  sales      / demo-sales-2026  Sales" in out
        assert "  admin      / demo-admin-2026  CRM admin" in out
        assert "  superuser  / demo-super-2026  Django superuser (admin site)" in out


def test_load_demo_data_sets_up_the_number_series_in_marketing_setup():
    load_demo_data()

    setup = MarketingSetup.load()
    assert (setup.contact_nos.code, setup.contact_nos.prefix) == ("CONTACT", "CT")
    assert (setup.segment_nos.code, setup.segment_nos.prefix) == ("SEGMENT", "SM")
    assert setup.contact_nos.width == setup.segment_nos.width == 5


def test_load_demo_data_keeps_a_contact_series_chosen_before():
    setup = MarketingSetup.load()
    setup.contact_nos = NumberSeriesFactory(code="KLANT", prefix="K", width=4)
    setup.save()

    load_demo_data()

    assert MarketingSetup.load().contact_nos.code == "KLANT"
    assert Contact.objects.order_by("no").first().no == "K0001"


def test_load_demo_data_numbers_contacts_from_the_series_and_links_persons():
    load_demo_data()

    nos = sorted(Contact.objects.values_list("no", flat=True))
    assert nos == [f"CT{n:05d}" for n in range(1, 66)]
    persons = Contact.objects.filter(type="person").select_related("company")
    assert {person.company.type for person in persons} == {"company"}
    assert set(Contact.objects.values_list("country", flat=True)) == {"NL", "BE", "GB"}
    assert set(Contact.objects.values_list("language_code", flat=True)) == {"nl", "en"}
    assert Contact.objects.filter(exclude_from_segment=True).count() == 1
    assert Contact.objects.exclude(correspondence_type="").count() >= 3
    assert not Contact.objects.filter(email="").exists()


def test_load_demo_data_creates_working_logins(client, rf):
    load_demo_data()

    sales = User.objects.get(username="sales")
    admin = User.objects.get(username="admin")
    superuser = User.objects.get(username="superuser")
    assert list(sales.groups.values_list("name", flat=True)) == [roles.SALES]
    assert sales.salesperson.code == "JV"
    assert list(admin.groups.values_list("name", flat=True)) == [roles.CRM_ADMIN]
    assert not admin.is_staff
    assert not admin.is_superuser
    assert superuser.is_superuser
    assert superuser.is_staff
    # The login rate limiting (django-axes) needs the request it counts failures for.
    request = rf.post("/accounts/login/")
    assert client.login(request=request, username="sales", password="demo-sales-2026")
    assert client.login(request=request, username="admin", password="demo-admin-2026")
    assert client.login(
        request=request, username="superuser", password="demo-super-2026"
    )


def test_load_demo_data_resets_a_changed_demo_password():
    load_demo_data()
    sales = User.objects.get(username="sales")
    sales.set_password("something-else")
    sales.save()

    load_demo_data()

    sales.refresh_from_db()
    assert sales.check_password("demo-sales-2026")


def test_load_demo_data_without_users():
    out = load_demo_data("--no-users")

    assert not User.objects.exists()
    assert "Demo logins:" not in out
    assert Contact.objects.count() == 65


def test_load_demo_data_refuses_a_production_database_unless_forced(settings):
    """Finding 14 of issue 16: demo logins loaded into production without a word."""
    settings.DEVELOPMENT = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG is off"):
        load_demo_data()
    assert not Contact.objects.exists()

    load_demo_data("--force")
    assert Contact.objects.exists()


def test_load_demo_data_fails_cleanly_without_the_role_groups():
    Group.objects.filter(name=roles.SALES).delete()

    with pytest.raises(CommandError, match='The group "Sales" is missing'):
        load_demo_data()

    # Everything ran in one transaction: nothing was left behind.
    assert not Contact.objects.exists()
    assert not User.objects.exists()


def test_load_demo_data_logs_the_history_as_the_salespeople_users():
    load_demo_data()

    entries = InteractionLogEntry.objects.select_related("salesperson", "created_by")
    assert entries.exists()
    for entry in entries.filter(segment_no=""):
        assert entry.created_by == entry.salesperson.user, entry
    spring = LoggedSegment.objects.get(description="Voorjaarsmailing 2026")
    jv = Salesperson.objects.get(code="JV")
    assert spring.created_by == jv.user
    assert set(
        entries.filter(segment_no=spring.segment_no).values_list(
            "created_by", flat=True
        )
    ) == {jv.user_id}
