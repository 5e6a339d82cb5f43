import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from crm.models import Contact, NumberSeries, Salesperson
from demo.management.commands import generate_data
from interactions.models import InteractionLogEntry, InteractionTemplate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def generate(contacts=200, entries=3000, seed=7):
    out = StringIO()
    call_command(
        "generate_data",
        "--contacts",
        str(contacts),
        "--entries",
        str(entries),
        "--seed",
        str(seed),
        stdout=out,
    )
    return out.getvalue()


class TestGenerateData:
    def test_loads_the_numbers_asked_for_and_prints_its_rate(self):
        output = generate()
        assert Contact.objects.count() == 200
        assert InteractionLogEntry.objects.count() == 3000
        assert "3,000 interaction log entries" in output
        assert "rows/s" in output

    def test_companies_have_persons_and_the_first_is_the_key_account(self):
        generate()
        companies = Contact.objects.filter(type=Contact.Type.COMPANY)
        assert companies.count() == 30  # 15% of 200
        key_account = companies.order_by("pk").first()
        # A quarter of the 170 persons at most, 50 on a full-size run.
        assert key_account.persons.count() == 42
        persons = Contact.objects.filter(type=Contact.Type.PERSON)
        in_companies = persons.filter(company__isnull=False).count()
        assert 0.8 * 170 < in_companies < 170
        key_entries = InteractionLogEntry.objects.filter(
            contact_company=key_account
        ).count()
        assert key_entries == 60  # 2% of 3,000

    def test_entries_follow_the_rules_of_the_services(self):
        generate()
        entries = InteractionLogEntry.objects.select_related("contact", "template")
        # The company an entry is filed under: the company itself, a person's
        # company, nothing for a person on their own.
        assert (
            not entries.filter(contact__type=Contact.Type.COMPANY)
            .exclude(contact_company=F("contact"))
            .exists()
        )
        assert (
            not entries.filter(contact__type=Contact.Type.PERSON)
            .exclude(contact_company=F("contact__company"))
            .filter(contact__company__isnull=False)
            .exists()
        )
        assert not entries.filter(
            contact__type=Contact.Type.PERSON,
            contact__company__isnull=True,
            contact_company__isnull=False,
        ).exists()
        assert not entries.exclude(group=F("template__group")).exists()
        assert not entries.filter(canceled=True, postponed=True).exists()
        assert not entries.filter(canceled=True, canceled_at__isnull=True).exists()

    def test_distributions_are_realistic(self):
        generate()
        entries = InteractionLogEntry.objects.all()
        canceled = entries.filter(canceled=True).count()
        postponed = entries.filter(postponed=True).count()
        assert 200 < canceled < 400  # ~10%
        assert 10 < postponed < 60  # ~1%
        # Every template and every salesperson (blocked ones in old history too).
        assert set(entries.values_list("template", flat=True)) == set(
            InteractionTemplate.objects.values_list("pk", flat=True)
        )
        assert set(entries.values_list("salesperson", flat=True)) == set(
            Salesperson.objects.values_list("pk", flat=True)
        )
        today = timezone.localdate()
        dates = entries.values_list("date", flat=True)
        assert max(dates) <= today
        assert min(dates) >= today - datetime.timedelta(days=365 * 5)
        # Skewed: the busiest tenth of the contacts has far more than a tenth.
        per_contact = sorted(
            entries.values("contact")
            .annotate(n=Count("pk"))
            .values_list("n", flat=True),
            reverse=True,
        )
        top = per_contact[: len(per_contact) // 10]
        assert sum(top) > 0.25 * 3000
        evaluated = entries.exclude(evaluation="").count()
        assert 0.4 * 3000 < evaluated < 0.8 * 3000
        assert entries.filter(~Q(document_no="")).exists()

    def test_the_same_seed_gives_the_same_data_and_a_second_run_adds(self):
        generate(contacts=50, entries=300, seed=3)
        first = list(Contact.objects.order_by("pk").values_list("name", "type"))
        first_entries = list(
            InteractionLogEntry.objects.order_by("pk").values_list(
                "date", "template", "evaluation", "canceled"
            )
        )
        generate(contacts=50, entries=300, seed=3)
        contacts = Contact.objects.order_by("pk")
        assert list(contacts.values_list("name", "type")[50:]) == first
        assert (
            list(
                InteractionLogEntry.objects.order_by("pk").values_list(
                    "date", "template", "evaluation", "canceled"
                )[300:]
            )
            == first_entries
        )
        # Numbers come from the contact series, so none repeats.
        assert contacts.values("no").distinct().count() == 100
        assert NumberSeries.objects.get(code="CONTACT").next_number == 101

    def test_a_failure_half_way_writes_nothing(self, monkeypatch):
        generate(contacts=10, entries=10)

        def broken(self, model, names, lines, **kwargs):
            if model is InteractionLogEntry:
                raise RuntimeError("disk full")
            return original(self, model, names, lines, **kwargs)

        original = generate_data.Command.insert
        monkeypatch.setattr(generate_data.Command, "insert", broken)
        with pytest.raises(RuntimeError):
            generate(contacts=30, entries=100)
        assert Contact.objects.count() == 10
        assert InteractionLogEntry.objects.count() == 10
        assert NumberSeries.objects.get(code="CONTACT").next_number == 11

    @pytest.mark.parametrize(
        "arguments",
        [
            ["--contacts", "-1"],
            ["--entries", "many"],
            ["--entries", "99999999999"],
            ["--contacts", "0", "--entries", "5"],
        ],
    )
    def test_bad_options_are_refused_with_a_message(self, arguments):
        with pytest.raises(CommandError):
            call_command("generate_data", *arguments, stdout=StringIO())
        assert not InteractionLogEntry.objects.exists()

    def test_text_survives_the_copy_format(self):
        generate(contacts=5, entries=0)
        InteractionTemplate.objects.update(description="Tab\there\\back\nline")
        generate(contacts=5, entries=20)
        assert set(
            InteractionLogEntry.objects.values_list("description", flat=True)
        ) == {"Tab\there\\back\nline"}
