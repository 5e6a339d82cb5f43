"""Demo data for trying the CRM: fixed lists (demo.content), so every run gives the
same database.

Each kind of data has its own `load_*` step, keyed on a natural key (code, name,
username): the setup both demo commands share is in demo.build, the contacts, history,
segments and logins here, the tasks and the criteria-built segment in demo.plans.
E-mail domains end in `.example` (RFC 2606): nothing sent from a demo database can
reach a real mailbox.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from crm import services
from crm.models import Contact, Salesperson
from demo import build, plans
from demo.content import (
    COMPANIES,
    DEMO_DOMAIN,
    DEMO_USERS,
    INTERACTION_HISTORY,
    PERSONS,
    SEGMENT_TASK,
)
from interactions import services as interaction_services
from interactions.models import InteractionLogEntry
from segments import services as segment_services
from segments.models import LoggedSegment, Segment
from tasks.models import Task


class Command(BaseCommand):
    help = (
        "Load demo data: number series, marketing setup, salespeople, companies, "
        "persons, their history, segments, tasks and a demo login per role. Safe to "
        "run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-users",
            action="store_true",
            help="Do not create the demo logins or reset their passwords.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo data although DJANGO_DEBUG is off (a production "
            "database, as far as the settings tell).",
        )

    def handle(self, *args, no_users=False, force=False, **options):
        if not (settings.DEVELOPMENT or force):
            raise CommandError(
                "DJANGO_DEBUG is off, so this database may be a production one: demo "
                "data (with demo logins whose passwords are known) is loaded there "
                "only with --force."
            )
        # In Dutch, as its users work: what the services write in words (a
        # follow-up segment's description) is written as they would see it.
        with translation.override("nl"), transaction.atomic():
            series = build.load_number_series()
            build.load_marketing_setup(series)
            salespeople = build.load_salespeople()
            companies = self.load_companies(salespeople)
            persons = self.load_persons(companies)
            if not no_users:
                self.load_users(salespeople)
            templates = build.load_interaction_templates()
            build.load_template_setup(templates)
            self.load_interactions(templates, [*companies.values(), *persons])
            self.load_segments(templates, salespeople)
            plans.load_segment_criteria(templates, salespeople)
            plans.load_tasks(templates, salespeople)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(salespeople)} salespeople, "
                f"{len(companies)} companies, {len(PERSONS)} persons, "
                f"{InteractionLogEntry.objects.count()} interactions, "
                f"{Task.objects.count()} tasks."
            )
        )
        if not no_users:
            self.print_logins()

    def load_companies(self, salespeople):
        companies = {}
        for name, address, post_code, city, country, phone, code, corr in COMPANIES:
            company = Contact.objects.companies().filter(name=name).first()
            if company is None:
                company = services.create_contact(
                    user=None,
                    type=Contact.Type.COMPANY,
                    name=name,
                    address=address,
                    post_code=post_code,
                    city=city,
                    country=country,
                    phone=phone,
                    email=f"info@{build.domain(name)}",
                    language_code=build.language(country, name),
                    salesperson=salespeople[code],
                    correspondence_type=corr,
                )
            companies[name] = company
        return companies

    def load_persons(self, companies):
        persons = []
        for number, (company_name, name, correspondence_type, exclude) in enumerate(
            PERSONS, start=1
        ):
            company = companies[company_name]
            person = company.persons.filter(name=name).first()
            if person is None:
                first_name, _space, last_name = name.partition(" ")
                domain = company.email.partition("@")[2]
                local_part = (
                    f"{slugify(first_name)}.{slugify(last_name).replace('-', '')}"
                )
                person = services.create_contact(
                    user=None,
                    type=Contact.Type.PERSON,
                    name=name,
                    company=company,
                    address=company.address,
                    post_code=company.post_code,
                    city=company.city,
                    country=company.country,
                    # Direct lines: the switchboard number with the person's extension.
                    phone=f"{company.phone[:-2]}{number:02d}",
                    email=f"{local_part}@{domain}",
                    language_code=build.language(company.country, name),
                    salesperson=company.salesperson,
                    correspondence_type=correspondence_type,
                    exclude_from_segment=exclude,
                )
            persons.append(person)
        return persons

    def load_segments(self, templates, salespeople):
        """A logged spring mailing and an open follow-up segment, once."""
        if Segment.objects.exists() or LoggedSegment.objects.exists():
            return
        user = salespeople["JV"].user
        segment = segment_services.create_segment(
            user=user,
            description="Voorjaarsmailing 2026",
            template=templates["LETTER"],
            salesperson=salespeople["JV"],
        )
        segment_services.add_contacts(
            segment, Contact.objects.filter(type=Contact.Type.PERSON, country="NL")
        )
        segment_services.log_segment(segment, user=user, create_follow_up=True)
        call_back = segment_services.create_segment(
            user=user,
            description=SEGMENT_TASK[0],
            template=templates["CALL-OUT"],
            salesperson=salespeople["JV"],
        )
        segment_services.add_contacts(
            call_back, Contact.objects.filter(type=Contact.Type.COMPANY)[:8]
        )

    def load_interactions(self, templates, contacts):
        """Months of history, logged through the services; only into an empty log."""
        if InteractionLogEntry.objects.exists():
            return
        today = timezone.localdate()
        for number, contact in enumerate(contacts):
            # Every contact gets two to four interactions, spread over the history.
            for step in range(2 + number % 3):
                days, code, description, evaluation, minutes = INTERACTION_HISTORY[
                    (number + step * 3) % len(INTERACTION_HISTORY)
                ]
                values = {"evaluation": evaluation}
                if minutes is not None:
                    values["duration"] = minutes
                interaction_services.create_interaction(
                    contact=contact,
                    template=templates[code],
                    # Logged by the contact's salesperson (no one with --no-users).
                    user=contact.salesperson.user,
                    description=description,
                    salesperson=contact.salesperson,
                    date=today - datetime.timedelta(days=days + number % 7),
                    time=datetime.time(9 + number % 8, (number * 7) % 60),
                    **values,
                )
        # Something to resume, as a sales user would have left it.
        interaction_services.postpone_interaction(
            contact=contacts[-1],
            user=User.objects.filter(username="sales").first(),
            template=templates["CALL-OUT"],
            description="Terugbellen over de nieuwe prijslijst",
        )

    def load_users(self, salespeople):
        for username, password, group, first, last, code, superuser in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@{DEMO_DOMAIN}"
            user.is_superuser = user.is_staff = superuser
            # Reset every run, so the printed login always works.
            user.set_password(password)
            user.save()
            if group:
                try:
                    user.groups.add(Group.objects.get(name=group))
                except Group.DoesNotExist as error:
                    raise CommandError(
                        f'The group "{group}" is missing: run "manage.py migrate".'
                    ) from error
            if code:
                # The link is one-to-one: free the user from any other salesperson.
                Salesperson.objects.filter(user=user).exclude(code=code).update(
                    user=None
                )
                salespeople[code].user = user
                salespeople[code].save(update_fields=["user"])

    def print_logins(self):
        self.stdout.write("Demo logins:")
        for username, password, group, *_rest, superuser in DEMO_USERS:
            role = "Django superuser (admin site)" if superuser else group
            self.stdout.write(f"  {username:<10} / {password:<16} {role}")
