"""The setup both demo commands build on: number series, marketing setup,
salespeople, interaction templates and their document types. Each is keyed on a
natural key (code), so running it again adds only what is missing."""

from decimal import Decimal

from django.utils.text import slugify

from crm import services
from crm.models import MarketingSetup, NumberSeries, Salesperson
from demo.content import (
    DEMO_DOMAIN,
    EMAIL_TEXT,
    ENGLISH_CONTACTS,
    ENGLISH_SPEAKING,
    INTERACTION_GROUPS,
    INTERACTION_TEMPLATES,
    LEGAL_FORMS,
    LETTER_TEXT,
    NUMBER_SERIES,
    SALESPEOPLE,
    TEMPLATE_SETUP,
)
from interactions import services as interaction_services
from interactions.models import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateSetup,
)


def load_number_series():
    series = {}
    for code, description, prefix, width in NUMBER_SERIES:
        series[code] = NumberSeries.objects.filter(code=code).first()
        if series[code] is None:
            series[code] = services.save_number_series(
                NumberSeries(
                    code=code, description=description, prefix=prefix, width=width
                ),
                user=None,
            )
    return series


def load_marketing_setup(series):
    # A series chosen by hand before is kept; only empty settings are filled in.
    setup = MarketingSetup.load()
    setup.contact_nos = setup.contact_nos or series["CONTACT"]
    setup.segment_nos = setup.segment_nos or series["SEGMENT"]
    setup.task_nos = setup.task_nos or series["TASK"]
    return services.save_marketing_setup(setup, user=None)


def load_salespeople():
    salespeople = {}
    for code, name, job_title, phone, blocked in SALESPEOPLE:
        salespeople[code] = Salesperson.objects.filter(code=code).first()
        if salespeople[code] is None:
            salespeople[code] = services.save_salesperson(
                Salesperson(
                    code=code,
                    name=name,
                    job_title=job_title,
                    phone=phone,
                    email=f"{slugify(name).replace('-', '.')}@{DEMO_DOMAIN}",
                    blocked=blocked,
                ),
                user=None,
            )
    return salespeople


def load_interaction_templates():
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


def load_template_setup(templates):
    # Only document types nobody has set up yet.
    missing = {
        document_type: templates[code]
        for document_type, code in TEMPLATE_SETUP.items()
        if not InteractionTemplateSetup.objects.filter(
            document_type=document_type, template__isnull=False
        ).exists()
    }
    interaction_services.update_template_setup(missing, user=None)
    # The texts a segment's letters and e-mails are sent with.
    for code, text in (("LETTER", LETTER_TEXT), ("EMAIL", EMAIL_TEXT)):
        template = templates[code]
        if not template.letter_text:
            template.letter_text = text
            template.save(update_fields=["letter_text"])


def domain(company_name):
    """'Peeters & Janssens NV' → 'peeters-janssens.example' (never deliverable)."""
    words = [word for word in company_name.split() if word not in LEGAL_FORMS]
    return f"{slugify(' '.join(words))}.example"


def language(country, name):
    """English for British contacts and the few named in ENGLISH_CONTACTS."""
    if country in ENGLISH_SPEAKING or name in ENGLISH_CONTACTS:
        return "en"
    return "nl"
