"""Generate a large, realistic data set for benchmarks and for trying the CRM at scale.

    manage.py generate_data --contacts 100000 --entries 1000000 [--seed N]

Rows go in through the database's bulk path — COPY on PostgreSQL, batched
`executemany` on SQLite — in one transaction: either the whole set is there or none.
Contacts take their numbers from the contact number series, so the command adds to
whatever the database holds and can be run again.

Distributions: about 15% of the contacts are companies; nine persons in ten work at
one, bigger companies having more of them. Interactions per contact are skewed (a
Pareto law: a fifth of the contacts have most of the history), and the first company
is a key account with 50 persons and 2% of all entries. Entries spread over five years,
more of them recent; every template and salesperson is used; about 10% are canceled
and 1% postponed.
"""

import argparse
import datetime
import io
import itertools
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from crm.correspondence import correspondence_type
from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from demo import build
from demo.bulk import ENTRY_FIELDS, bulk_load, copy_text, sqlite_converter
from demo.content import (
    EVALUATIONS,
    FIRST_NAMES,
    GENERATED_LEGAL_FORMS,
    LAST_NAMES,
    PLACES,
    SUBJECTS,
    TRADES,
)
from interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)
from interactions.services import rebuild_statistics

YEARS = 5
COMPANY_SHARE = 0.15
PERSONS_IN_COMPANIES = 0.9
KEY_ACCOUNT_PERSONS = 50
KEY_ACCOUNT_SHARE = 0.02
CANCELED = 0.10
POSTPONED = 0.01
OWN_SALESPERSON = 0.85
BATCH = 50_000
MAX_ROWS = 50_000_000


def row_count(value):
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= MAX_ROWS:
        raise argparse.ArgumentTypeError(
            f"“{value}” is not a valid number of rows: use a whole number from 0 to "
            f"{MAX_ROWS:,}."
        )
    return number


class Command(BaseCommand):
    help = (
        "Generate realistic contacts and interaction log entries in bulk, for "
        "benchmarks: companies with persons, skewed history over five years, ~10% "
        "canceled and ~1% postponed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=row_count, default=1000)
        parser.add_argument("--entries", type=row_count, default=10_000)
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="The same seed gives the same data (numbers and keys aside).",
        )

    def handle(self, *args, contacts, entries, seed, **options):
        if entries and not contacts:
            raise CommandError("Interaction log entries need --contacts of at least 1.")
        self.random = random.Random(seed)
        started = time.perf_counter()
        with transaction.atomic():
            self.ensure_setup()
            templates = list(InteractionTemplate.objects.select_related("group"))
            salespeople = list(Salesperson.objects.all())
            # New contacts go to active salespeople; entries to any (history).
            active = list(Salesperson.objects.active()) or salespeople
            contact_rows = self.generate_contacts(contacts, active)
            loaded_contacts = time.perf_counter()
            with bulk_load(InteractionLogEntry):
                self.generate_entries(entries, contact_rows, templates, salespeople)
            # The entries were copied in past the services: count them all at once.
            rebuild_statistics()
        finished = time.perf_counter()
        if connection.vendor == "postgresql":
            # Fresh statistics, so the planner knows how big the tables now are.
            with connection.cursor() as cursor:
                for model in (Contact, InteractionLogEntry):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        seconds = finished - loaded_contacts
        rate = f" ({entries / seconds:,.0f} rows/s)" if entries and seconds else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {contacts:,} contacts in "
                f"{loaded_contacts - started:.1f} s and {entries:,} interaction log "
                f"entries in {seconds:.1f} s{rate} on {connection.vendor}."
            )
        )

    def ensure_setup(self):
        """Number series, salespeople and templates: the demo's, when there are none."""
        if not (
            InteractionTemplate.objects.exists()
            and Salesperson.objects.exists()
            and MarketingSetup.load().contact_nos_id
        ):
            build.load_marketing_setup(build.load_number_series())
            build.load_salespeople()
            build.load_template_setup(build.load_interaction_templates())

    # -- contacts ----------------------------------------------------------------

    def reserve_numbers(self, count):
        """`count` numbers from the contact series, taken in one locked update."""
        series = NumberSeries.objects.select_for_update().get(
            pk=MarketingSetup.load().contact_nos_id
        )
        first = series.next_number
        series.next_number = first + count
        series.save(update_fields=["next_number"])
        return [series.format(number) for number in range(first, first + count)]

    def generate_contacts(self, count, salespeople):
        """Insert `count` contacts; returns (pk, contact company pk, salesperson pk,
        correspondence type) for each, companies first."""
        rnd = self.random
        numbers = self.reserve_numbers(count)
        companies = max(1, round(count * COMPANY_SHARE)) if count else 0
        now = timezone.now()
        company_rows = []
        for index in range(companies):
            city, post_code, country, language = rnd.choice(PLACES)
            name = " ".join(
                filter(
                    None,
                    (
                        rnd.choice(LAST_NAMES).split()[-1],
                        rnd.choice(TRADES),
                        rnd.choice(GENERATED_LEGAL_FORMS),
                    ),
                )
            )
            company_rows.append(
                {
                    "no": numbers[index],
                    "type": Contact.Type.COMPANY,
                    "name": name,
                    "company": None,
                    "salesperson": rnd.choice(salespeople).pk,
                    "email": f"info@{numbers[index].lower()}.example",
                    "phone": f"+31 {rnd.randrange(10, 99)} {rnd.randrange(10**6)}",
                    "address": f"{rnd.choice(TRADES)}straat {rnd.randrange(1, 200)}",
                    "post_code": f"{post_code}{rnd.randrange(10, 99)}",
                    "city": city,
                    "country": country,
                    "language_code": language,
                    "correspondence_type": rnd.choice(("", "", "email", "hard_copy")),
                    "exclude_from_segment": rnd.random() < 0.02,
                    # COPY names every column: one without a database default
                    # needs its value here.
                    "privacy_blocked": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        company_pks = self.insert_rows(Contact, company_rows)
        # Bigger companies employ more persons; the first is the key account.
        persons = count - companies
        weights = [0, *(min(rnd.paretovariate(2), 100) for _ in company_pks[1:])]
        employers = (
            rnd.choices(
                range(companies),
                cum_weights=list(itertools.accumulate(weights)),
                k=persons,
            )
            if companies > 1
            else [0] * persons
        )
        person_rows = []
        for index in range(persons):
            if index < KEY_ACCOUNT_PERSONS and index < persons // 4:
                company = 0
            elif rnd.random() < PERSONS_IN_COMPANIES:
                company = employers[index]
            else:
                company = None
            no = numbers[companies + index]
            row = {
                **(
                    company_rows[company]
                    if company is not None
                    else company_rows[rnd.randrange(companies)]
                ),
                "no": no,
                "type": Contact.Type.PERSON,
                "name": f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}",
                "company": company_pks[company] if company is not None else None,
                "email": f"{no.lower()}@example.com",
                "correspondence_type": rnd.choice(("", "", "", "email")),
            }
            person_rows.append(row)
        person_pks = self.insert_rows(Contact, person_rows)
        return [
            (pk, pk, row["salesperson"], row["correspondence_type"])
            for pk, row in zip(company_pks, company_rows, strict=True)
        ] + [
            (pk, row["company"], row["salesperson"], row["correspondence_type"])
            for pk, row in zip(person_pks, person_rows, strict=True)
        ]

    # -- interaction log entries -------------------------------------------------

    def entry_contacts(self, count, contacts):
        """Which contact each of `count` entries belongs to: skewed, key account 2%."""
        rnd = self.random
        key_company = contacts[0][0]
        key_account = [c for c in contacts if c[1] == key_company]
        others = [c for c in contacts if c[1] != key_company] or key_account
        key_count = round(count * KEY_ACCOUNT_SHARE) if others is not key_account else 0
        weights = list(
            itertools.accumulate(min(rnd.paretovariate(1.3), 300) for _ in others)
        )
        return rnd.choices(key_account, k=key_count) + rnd.choices(
            others, cum_weights=weights, k=count - key_count
        )

    def generate_entries(self, count, contacts, templates, salespeople):
        """Insert `count` entries, built as lines of COPY text: at a million rows the
        time goes into formatting, so everything constant is formatted once."""
        rnd = self.random
        choose = rnd.random
        document_types = dict(
            InteractionTemplateSetup.objects.filter(template__isnull=False).values_list(
                "template", "document_type"
            )
        )
        today = timezone.localdate()
        zone = timezone.get_current_timezone()
        days = []
        for offset in range(365 * YEARS + 1):
            date = today - datetime.timedelta(days=offset)
            noon = datetime.datetime.combine(date, datetime.time(12), tzinfo=zone)
            days.append((date.isoformat(), noon.strftime("%z")))
        times = [
            f"{hour:02d}:{minute:02d}:00"
            for hour in range(8, 18)
            for minute in range(60)
        ]
        salesperson_keys = [str(salesperson.pk) for salesperson in salespeople]
        evaluations, evaluation_weights = zip(*EVALUATIONS, strict=True)
        evaluation_weights = list(itertools.accumulate(evaluation_weights))
        fixed = {
            template.pk: (
                "\t".join(
                    map(
                        copy_text,
                        (
                            template.description,
                            template.pk,
                            template.group_id,
                            template.information_flow,
                            template.initiated_by,
                            template.unit_cost,
                        ),
                    )
                ),
                template.unit_duration,
                template.group.code == "PHONE",
                copy_text(template.correspondence_type),
                template.ignore_contact_correspondence_type,
                document_types.get(template.pk, ""),
            )
            for template in templates
        }
        lines = []
        for number, (
            (contact, company, salesperson, correspondence),
            template,
        ) in enumerate(
            zip(
                self.entry_contacts(count, contacts),
                rnd.choices(templates, k=count),
                strict=True,
            )
        ):
            columns, unit, phone, template_correspondence, ignore, document_type = (
                fixed[template.pk]
            )
            # More history in recent years: the business grew.
            date, utc_offset = days[int(len(days) * choose() ** 1.4)]
            moment = f"{date} {rnd.choice(times)}"
            postponed = choose() < POSTPONED
            canceled = not postponed and choose() < CANCELED
            if document_type and choose() < 0.3:
                document_type = ""
            lines.append(
                "\t".join(
                    (
                        str(contact),
                        copy_text(company),
                        date,
                        moment[11:],
                        columns,
                        rnd.choice(SUBJECTS) if choose() < 0.3 else "",
                        str(max(1, int(rnd.gauss(unit, unit / 3))) if unit else 0),
                        str(salesperson)
                        if choose() < OWN_SALESPERSON
                        else rnd.choice(salesperson_keys),
                        rnd.choices(evaluations, cum_weights=evaluation_weights)[0],
                        "t" if phone and choose() < 0.05 else "f",
                        correspondence_type(
                            copy_text(correspondence),
                            fallback=template_correspondence,
                            ignore_contact=ignore,
                        ),
                        document_type,
                        f"D{number:08d}" if document_type else "",
                        "t" if postponed else "f",
                        "t" if canceled else "f",
                        moment + utc_offset,
                        moment + utc_offset if canceled else r"\N",
                        "",
                        "",
                        "",
                        "",
                        "",
                    )
                )
            )
            if len(lines) == BATCH:
                self.insert(InteractionLogEntry, ENTRY_FIELDS, lines)
                lines = []
        self.insert(InteractionLogEntry, ENTRY_FIELDS, lines)

    # -- the bulk path -----------------------------------------------------------

    def insert_rows(self, model, rows):
        """Insert `rows` (field name → value); returns their new keys in order."""
        if not rows:
            return []
        lines = ["\t".join(map(copy_text, row.values())) for row in rows]
        return self.insert(model, list(rows[0]), lines, returning=True)

    def insert(self, model, names, lines, *, returning=False):
        """Insert `lines` (COPY text, one value per field in `names`) in bulk; returns
        their new keys in order with `returning`.

        New keys are read back as those above the largest before: this runs inside
        the transaction that holds the number series lock, so they are ours.
        """
        if not lines:
            return []
        fields = [model._meta.get_field(name) for name in names]
        table = model._meta.db_table
        pk = model._meta.pk.column
        columns = ", ".join(field.column for field in fields)
        with connection.cursor() as cursor:
            if returning:
                cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")
                highest = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                buffer = io.StringIO("\n".join(lines) + "\n")
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            else:
                convert = [sqlite_converter(field) for field in fields]
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [
                        [
                            None if value == r"\N" else to_db(value)
                            for to_db, value in zip(
                                convert, line.split("\t"), strict=True
                            )
                        ]
                        for line in lines
                    ],
                )
            if returning:
                cursor.execute(
                    f"SELECT {pk} FROM {table} WHERE {pk} > %s ORDER BY {pk}",
                    [highest],
                )
                return [key for (key,) in cursor.fetchall()]
        return []
