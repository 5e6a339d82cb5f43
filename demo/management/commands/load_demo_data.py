"""Demo data for trying the CRM: fixed lists, so every run gives the same database.

Each kind of data has its own `load_*` method, keyed on a natural key (code, name,
username); later features add their own method (interaction templates, segments…) and
call it from `handle`. E-mail domains end in `.example` (RFC 2606): nothing sent from a
demo database can reach a real mailbox.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from crm import roles, services
from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from interactions import services as interaction_services
from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)
from segments import services as segment_services
from segments.models import LoggedSegment, Segment

INTERACTION_GROUPS = [
    ("LETTER", "Letters"),
    ("EMAIL", "E-mails"),
    ("PHONE", "Phone calls"),
    ("MEETING", "Meetings"),
    ("SALES", "Sales documents"),
]

INTERACTION_TEMPLATES = [
    # code, group, description, unit cost, minutes, flow, initiated by, correspondence
    ("CALL-OUT", "PHONE", "Outgoing phone call", "1.50", 10, "outbound", "us", ""),
    ("CALL-IN", "PHONE", "Incoming phone call", "0.00", 10, "inbound", "them", ""),
    ("EMAIL", "EMAIL", "E-mail", "0.00", 5, "outbound", "us", "email"),
    ("LETTER", "LETTER", "Letter", "1.20", 15, "outbound", "us", "hard_copy"),
    (
        "MEETING",
        "MEETING",
        "Meeting at the customer",
        "45.00",
        90,
        "outbound",
        "us",
        "",
    ),
    ("DEMO", "MEETING", "Product demonstration", "60.00", 120, "outbound", "us", ""),
    ("QUOTE", "SALES", "Sales quote sent", "0.50", 20, "outbound", "us", "email"),
    ("INVOICE", "SALES", "Sales invoice sent", "0.50", 5, "outbound", "us", "email"),
]

# Document type → template code for Interaction template setup.
TEMPLATE_SETUP = {
    "sales_quote": "QUOTE",
    "sales_invoice": "INVOICE",
    "email": "EMAIL",
    "cover_sheet": "LETTER",
    "outgoing_call": "CALL-OUT",
    "meeting_invitation": "MEETING",
}

LETTER_TEXT = """{{ date }}

Dear {{ contact.name }},

Thank you for your interest in our products. Enclosed you will find our new price
list; I will call you next week to discuss it.

Kind regards,

{{ salesperson.name }}
{{ salesperson.job_title }}"""

# (days ago, template, description, evaluation, minutes or None): cycled over contacts.
INTERACTION_HISTORY = [
    (2, "CALL-OUT", "Follow-up on the quote", "positive", None),
    (5, "EMAIL", "Sent the product sheet", "", None),
    (9, "MEETING", "Kick-off meeting", "very_positive", 120),
    (14, "CALL-IN", "Question about delivery times", "neutral", None),
    (21, "QUOTE", "Quote for the spring order", "", None),
    (30, "LETTER", "Price list 2026", "", None),
    (45, "DEMO", "Demonstration of the new range", "positive", None),
    (60, "CALL-OUT", "No answer, try again next week", "negative", 2),
    (75, "INVOICE", "Invoice for the winter order", "", None),
    (90, "CALL-OUT", "Complaint about a late delivery", "very_negative", 25),
]

NUMBER_SERIES = [
    # code, description, prefix, width
    ("CONTACT", "Contacts", "CT", 5),
    ("SEGMENT", "Segments", "SM", 5),
]

SALESPEOPLE = [
    # code, name, job title, phone, blocked
    ("JV", "Jan Visser", "Account manager", "+31 20 794 1101", False),
    ("SB", "Sanne Bakker", "Sales manager", "+31 20 794 1102", False),
    ("PJ", "Pieter Jansen", "Inside sales", "+31 20 794 1103", False),
    ("LP", "Lotte Peeters", "Account manager Belgium", "+32 3 281 4410", False),
    ("EW", "Emily Walker", "Account manager UK", "+44 161 496 0321", False),
    ("RH", "Richard Hughes", "Account manager (left)", "+44 161 496 0322", True),
]

# fmt: off
# name, address, post code, city, country, phone, salesperson, correspondence type
COMPANIES = [
    ("Van den Berg Installatietechniek B.V.", "Industrieweg 12", "3044 AS", "Rotterdam",
     "NL", "+31 10 437 2300", "JV", ""),
    ("Bakkerij De Gouden Korenaar", "Kerkstraat 45", "3811 CV", "Amersfoort",
     "NL", "+31 33 461 8820", "SB", "hard_copy"),
    ("Hoogendijk Logistiek B.V.", "Havenweg 8", "5145 NJ", "Waalwijk",
     "NL", "+31 416 67 5400", "JV", "email"),
    ("De Vries & Zonen Bouwbedrijf", "Stationsplein 3", "8011 CW", "Zwolle",
     "NL", "+31 38 421 7700", "PJ", ""),
    ("Noordzee Visgroothandel B.V.", "Visafslagweg 1", "2583 DM", "Den Haag",
     "NL", "+31 70 352 1900", "SB", ""),
    ("Meijer Tuin- en Parkmachines", "Ambachtsweg 22", "7521 AT", "Enschede",
     "NL", "+31 53 431 6650", "PJ", ""),
    ("Smit Kantoorinrichting B.V.", "Laan van Nieuw Oost-Indië 101", "2593 BM",
     "Den Haag", "NL", "+31 70 383 2210", "JV", "email"),
    ("Brouwerij 't Klooster", "Kloosterstraat 7", "5211 KD", "'s-Hertogenbosch",
     "NL", "+31 73 612 4480", "SB", "hard_copy"),
    ("Jansen Transport Groningen", "Zernikepark 15", "9747 AN", "Groningen",
     "NL", "+31 50 571 3390", "PJ", ""),
    ("Dekker Drukwerk B.V.", "Papiermolen 4", "3994 DK", "Houten",
     "NL", "+31 30 634 9910", "JV", ""),
    ("Mulder Zorgadvies", "Oudegracht 210", "3511 NR", "Utrecht",
     "NL", "+31 30 231 5570", "SB", "email"),
    ("Koster Keukens Amsterdam", "Overtoom 315", "1054 HW", "Amsterdam",
     "NL", "+31 20 618 4420", "JV", ""),
    ("Visser Elektrotechniek", "Energieweg 9", "5627 BA", "Eindhoven",
     "NL", "+31 40 241 8830", "PJ", ""),
    ("Peeters & Janssens NV", "Meir 44", "2000", "Antwerpen",
     "BE", "+32 3 226 1540", "LP", ""),
    ("Brasserie Van Damme BV", "Korenlei 6", "9000", "Gent",
     "BE", "+32 9 223 7781", "LP", ""),
    ("Maes Industrial Cleaning NV", "Industriepark 3", "3300", "Tienen",
     "BE", "+32 16 81 2290", "LP", "email"),
    ("Claes Architecten", "Vlamingstraat 18", "8000", "Brugge",
     "BE", "+32 50 33 6120", "LP", ""),
    ("Willems Voedingsmiddelen BV", "Leuvensesteenweg 250", "3070", "Kortenberg",
     "BE", "+32 2 759 4410", "LP", "hard_copy"),
    ("Dubois Consulting SRL", "Avenue Louise 149", "1050", "Brussel",
     "BE", "+32 2 538 9060", "LP", ""),
    ("Thompson & Clarke Ltd", "14 King Street", "M2 4LQ", "Manchester",
     "GB", "+44 161 832 4410", "EW", ""),
    ("Harrington Office Supplies Ltd", "27 Queen's Road", "BS8 1QE", "Bristol",
     "GB", "+44 117 927 3350", "EW", "email"),
    ("Northgate Engineering plc", "Unit 5, Riverside Industrial Estate", "LS11 5HE",
     "Leeds", "GB", "+44 113 245 6670", "EW", ""),
    ("Whitmore Catering Ltd", "88 High Street", "OX1 4BG", "Oxford",
     "GB", "+44 1865 24 1180", "EW", ""),
    ("Blackwood Digital Ltd", "3 Southwark Street", "SE1 1RQ", "London",
     "GB", "+44 20 7946 0410", "EW", "email"),
    ("Greenfield Garden Centres Ltd", "101 Cathedral Road", "CF11 9PH", "Cardiff",
     "GB", "+44 29 2034 5520", "EW", ""),
]
# fmt: on

# company name, person name, correspondence type, exclude from segment
PERSONS = [
    ("Van den Berg Installatietechniek B.V.", "Marieke van den Berg", "email", False),
    ("Van den Berg Installatietechniek B.V.", "Thomas de Wit", "", False),
    ("Bakkerij De Gouden Korenaar", "Henk Bos", "hard_copy", True),
    ("Hoogendijk Logistiek B.V.", "Annemiek Hoogendijk", "", False),
    ("Hoogendijk Logistiek B.V.", "Ruud Verbeek", "", False),
    ("Hoogendijk Logistiek B.V.", "Fleur Kok", "email", False),
    ("De Vries & Zonen Bouwbedrijf", "Kees de Vries", "", False),
    ("De Vries & Zonen Bouwbedrijf", "Ilse Schouten", "", False),
    ("Noordzee Visgroothandel B.V.", "Bram Vermeulen", "", False),
    ("Meijer Tuin- en Parkmachines", "Joost Meijer", "", False),
    ("Meijer Tuin- en Parkmachines", "Lisa van Dijk", "email", False),
    ("Smit Kantoorinrichting B.V.", "Femke Smit", "", False),
    ("Smit Kantoorinrichting B.V.", "Daan Hendriks", "", False),
    ("Brouwerij 't Klooster", "Wouter van Leeuwen", "", False),
    ("Jansen Transport Groningen", "Gerrit Jansen", "hard_copy", False),
    ("Jansen Transport Groningen", "Sanne Postma", "", False),
    ("Dekker Drukwerk B.V.", "Eva Dekker", "", False),
    ("Mulder Zorgadvies", "Nicole Mulder", "", False),
    ("Koster Keukens Amsterdam", "Mark Koster", "", False),
    ("Visser Elektrotechniek", "Martijn Visser", "", False),
    ("Visser Elektrotechniek", "Anouk de Graaf", "email", False),
    ("Peeters & Janssens NV", "Jan Peeters", "", False),
    ("Peeters & Janssens NV", "Katrien Janssens", "", False),
    ("Brasserie Van Damme BV", "Pieter Van Damme", "", False),
    ("Maes Industrial Cleaning NV", "Sofie Maes", "", False),
    ("Maes Industrial Cleaning NV", "Koen Wouters", "", False),
    ("Claes Architecten", "Elke Claes", "", False),
    ("Willems Voedingsmiddelen BV", "Tom Willems", "", False),
    ("Dubois Consulting SRL", "Marc Dubois", "email", False),
    ("Thompson & Clarke Ltd", "Oliver Thompson", "", False),
    ("Thompson & Clarke Ltd", "Charlotte Clarke", "", False),
    ("Thompson & Clarke Ltd", "James Patel", "email", False),
    ("Harrington Office Supplies Ltd", "Sarah Harrington", "", False),
    ("Northgate Engineering plc", "David Hughes", "", False),
    ("Northgate Engineering plc", "Emma Wilson", "", False),
    ("Whitmore Catering Ltd", "Lucy Whitmore", "hard_copy", False),
    ("Whitmore Catering Ltd", "Ben Carter", "", False),
    ("Blackwood Digital Ltd", "Harry Blackwood", "", False),
    ("Blackwood Digital Ltd", "Priya Shah", "", False),
    ("Greenfield Garden Centres Ltd", "Rachel Evans", "", False),
]

# The Brussels consultancy corresponds in English; the rest follows the country.
ENGLISH_SPEAKING = {"GB"}
ENGLISH_CONTACTS = {"Dubois Consulting SRL", "Marc Dubois"}

DEMO_USERS = [
    # username, password, group, first name, last name, salesperson code, superuser
    ("sales", "demo-sales-2026", roles.SALES, "Jan", "Visser", "JV", False),
    ("admin", "demo-admin-2026", roles.CRM_ADMIN, "Sanne", "Bakker", "SB", False),
    ("superuser", "demo-super-2026", None, "Site", "Administrator", None, True),
]

DEMO_DOMAIN = "crm-demo.example"
LEGAL_FORMS = {"B.V.", "BV", "NV", "SRL", "Ltd", "plc"}


class Command(BaseCommand):
    help = (
        "Load demo data: number series, marketing setup, salespeople, companies and "
        "persons, and a demo login per role. Safe to run again: nothing is duplicated."
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
        with transaction.atomic():
            series = self.load_number_series()
            self.load_marketing_setup(series)
            salespeople = self.load_salespeople()
            companies = self.load_companies(salespeople)
            persons = self.load_persons(companies)
            if not no_users:
                self.load_users(salespeople)
            templates = self.load_interaction_templates()
            self.load_template_setup(templates)
            self.load_interactions(templates, [*companies.values(), *persons])
            self.load_segments(templates, salespeople)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(salespeople)} salespeople, "
                f"{len(companies)} companies, {len(PERSONS)} persons, "
                f"{InteractionLogEntry.objects.count()} interactions."
            )
        )
        if not no_users:
            self.print_logins()

    def load_number_series(self):
        series = {}
        for code, description, prefix, width in NUMBER_SERIES:
            series[code], _created = NumberSeries.objects.get_or_create(
                code=code,
                defaults={"description": description, "prefix": prefix, "width": width},
            )
        return series

    def load_marketing_setup(self, series):
        # A series chosen by hand before is kept; only empty settings are filled in.
        setup = MarketingSetup.load()
        setup.contact_nos = setup.contact_nos or series["CONTACT"]
        setup.segment_nos = setup.segment_nos or series["SEGMENT"]
        setup.save()
        return setup

    def load_salespeople(self):
        salespeople = {}
        for code, name, job_title, phone, blocked in SALESPEOPLE:
            salespeople[code], _created = Salesperson.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "job_title": job_title,
                    "phone": phone,
                    "email": f"{slugify(name).replace('-', '.')}@{DEMO_DOMAIN}",
                    "blocked": blocked,
                },
            )
        return salespeople

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
                    email=f"info@{self.domain(name)}",
                    language_code=self.language(country, name),
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
                    language_code=self.language(company.country, name),
                    salesperson=company.salesperson,
                    correspondence_type=correspondence_type,
                    exclude_from_segment=exclude,
                )
            persons.append(person)
        return persons

    def load_interaction_templates(self):
        groups = {
            code: InteractionGroup.objects.get_or_create(
                code=code, defaults={"description": description}
            )[0]
            for code, description in INTERACTION_GROUPS
        }
        templates = {}
        for (
            code,
            group,
            description,
            cost,
            minutes,
            flow,
            by,
            corr,
        ) in INTERACTION_TEMPLATES:
            templates[code], _created = InteractionTemplate.objects.get_or_create(
                code=code,
                defaults={
                    "group": groups[group],
                    "description": description,
                    "unit_cost": Decimal(cost),
                    "unit_duration": minutes,
                    "information_flow": flow,
                    "initiated_by": by,
                    "correspondence_type": corr,
                },
            )
        return templates

    def load_template_setup(self, templates):
        # Only document types nobody has set up yet.
        missing = {
            document_type: templates[code]
            for document_type, code in TEMPLATE_SETUP.items()
            if not InteractionTemplateSetup.objects.filter(
                document_type=document_type, template__isnull=False
            ).exists()
        }
        interaction_services.update_template_setup(missing, user=None)
        letter = templates["LETTER"]
        if not letter.letter_text:
            letter.letter_text = LETTER_TEXT
            letter.save(update_fields=["letter_text"])

    def load_segments(self, templates, salespeople):
        """A logged spring mailing and an open follow-up segment, once."""
        if Segment.objects.exists() or LoggedSegment.objects.exists():
            return
        segment = segment_services.create_segment(
            user=None,
            description="Spring mailing 2026",
            template=templates["LETTER"],
            salesperson=salespeople["JV"],
        )
        segment_services.add_contacts(
            segment, Contact.objects.filter(type=Contact.Type.PERSON, country="NL")
        )
        segment_services.log_segment(segment, user=None, create_follow_up=True)
        call_back = segment_services.create_segment(
            user=None,
            description="Call the trade fair visitors",
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
                    user=None,
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
            description="Call back about the new price list",
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

    @staticmethod
    def domain(company_name):
        """'Peeters & Janssens NV' → 'peeters-janssens.example' (never deliverable)."""
        words = [word for word in company_name.split() if word not in LEGAL_FORMS]
        return f"{slugify(' '.join(words))}.example"

    @staticmethod
    def language(country, name):
        if country in ENGLISH_SPEAKING or name in ENGLISH_CONTACTS:
            return "en"
        return "nl"
