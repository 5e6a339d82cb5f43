"""One factory per model. Flows that matter are set up through the services instead."""

import datetime

import factory
from django.contrib.auth.models import Group, User

from crm import roles
from crm.models import Contact, NumberSeries, Salesperson
from interactions.services import add_statistics


def role_group(name):
    """The role's group, as the migrations made it (tests/conftest.py puts it back
    after a transactional test's flush)."""
    return Group.objects.get(name=name)


def role_groups(*default):
    """Post-generation: add the user to these role groups (`groups=[...]` overrides)."""

    def add(user, create, extracted, **kwargs):
        if create:
            user.groups.add(*(role_group(name) for name in (extracted or default)))

    return factory.PostGeneration(add)


def factory_name(stem):
    """Distinct names sharing `stem`, for a factory's batch."""
    return factory.Sequence(lambda n: f"{stem} {n:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("secret-pass-123")
    groups = role_groups()


class SalesUserFactory(UserFactory):
    groups = role_groups(roles.SALES)


class AdminUserFactory(UserFactory):
    groups = role_groups(roles.CRM_ADMIN)


class NumberSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NumberSeries
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SERIES{n}")
    prefix = "X"
    width = 5
    next_number = 1


class SalespersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Salesperson

    code = factory.Sequence(lambda n: f"SP{n:03d}")
    name = factory.Faker("name")
    email = factory.LazyAttribute(lambda sp: f"{sp.code.lower()}@example.com")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    no = factory.Sequence(lambda n: f"CT{n:06d}")
    type = Contact.Type.COMPANY
    name = factory.Faker("company")
    city = "Amsterdam"
    country = "NL"


class PersonFactory(CompanyFactory):
    type = Contact.Type.PERSON
    name = factory.Faker("name")
    company = factory.SubFactory(CompanyFactory)


# Interactions and logged segments. Models by "app.Model" label so the module's import
# block stays as it is.


class InteractionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interactions.InteractionGroup"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"GROUP{n}")
    description = factory.LazyAttribute(lambda group: f"{group.code.title()} group")


class InteractionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interactions.InteractionTemplate"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEMPLATE{n}")
    group = factory.SubFactory(InteractionGroupFactory)
    description = factory.LazyAttribute(lambda tmpl: f"{tmpl.code.title()} sent")
    unit_cost = factory.Faker(
        "pydecimal", left_digits=3, right_digits=2, min_value=1, max_value=500
    )
    unit_duration = 15
    information_flow = "outbound"
    initiated_by = "us"


class InteractionTemplateLanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interactions.InteractionTemplateLanguage"

    template = factory.SubFactory(InteractionTemplateFactory)
    language_code = "en"
    description = factory.LazyAttribute(lambda row: f"{row.template.code} in English")
    subject = "Our offer"
    body = "Dear {{ contact.name }},"


class LoggedSegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "segments.LoggedSegment"

    # Not "SM…": those numbers come from the segment series in flows that log segments.
    segment_no = factory.Sequence(lambda n: f"LS{n + 1:05d}")
    description = factory.Faker("catch_phrase")


class InteractionLogEntryFactory(factory.django.DjangoModelFactory):
    """A logged entry written directly, counted in the statistics as the services
    count theirs; use interactions.services for real flows."""

    class Meta:
        model = "interactions.InteractionLogEntry"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        entry = super()._create(model_class, *args, **kwargs)
        add_statistics(model_class.objects.filter(pk=entry.pk))
        return entry

    contact = factory.SubFactory(PersonFactory)
    contact_company = factory.LazyAttribute(lambda entry: entry.contact.contact_company)
    template = factory.SubFactory(InteractionTemplateFactory)
    group = factory.SelfAttribute("template.group")
    description = factory.SelfAttribute("template.description")
    information_flow = factory.SelfAttribute("template.information_flow")
    initiated_by = factory.SelfAttribute("template.initiated_by")
    cost = factory.SelfAttribute("template.unit_cost")
    duration = factory.SelfAttribute("template.unit_duration")
    salesperson = factory.SubFactory(SalespersonFactory)


class MarketingSetupFactory(factory.django.DjangoModelFactory):
    """The singleton row (pk 1), with contact and segment series unless told so."""

    class Meta:
        model = "crm.MarketingSetup"
        django_get_or_create = ("id",)

    id = 1
    contact_nos = factory.SubFactory(NumberSeriesFactory, code="CONTACT", prefix="CT")
    segment_nos = factory.SubFactory(NumberSeriesFactory, code="SEGMENT", prefix="SM")


class AuditRecordFactory(factory.django.DjangoModelFactory):
    """A record written directly; crm.services.record_audit writes real ones."""

    class Meta:
        model = "audit.AuditRecord"

    action = "canceled"
    username = factory.Sequence(lambda n: f"user{n}")
    object_type = "interaction_log_entry"
    object_id = factory.Sequence(lambda n: str(n + 1))
    object_repr = "Phone call"


class JobFactory(factory.django.DjangoModelFactory):
    """A job recorded directly, never run; jobs.services.start_job starts real ones."""

    class Meta:
        model = "jobs.Job"

    kind = "test.count"
    created_by = factory.SubFactory(UserFactory)


class SegmentFactory(factory.django.DjangoModelFactory):
    """A segment row; segments.services.create_segment numbers real ones."""

    class Meta:
        model = "segments.Segment"

    no = factory.Sequence(lambda n: f"SG{n + 1:05d}")
    description = factory.Faker("catch_phrase")


class SegmentLineFactory(factory.django.DjangoModelFactory):
    """A line with its own values; segments.services.add_contacts makes real ones."""

    class Meta:
        model = "segments.SegmentLine"

    segment = factory.SubFactory(SegmentFactory)
    contact = factory.SubFactory(PersonFactory)
    template = factory.SubFactory(InteractionTemplateFactory)
    description = factory.SelfAttribute("segment.description")
    cost = factory.SelfAttribute("template.unit_cost")
    duration = factory.SelfAttribute("template.unit_duration")
    information_flow = factory.SelfAttribute("template.information_flow")
    initiated_by = factory.SelfAttribute("template.initiated_by")
    salesperson = factory.SubFactory(SalespersonFactory)


class TaskFactory(factory.django.DjangoModelFactory):
    """A task row; tasks.services.create_task numbers and checks real ones."""

    class Meta:
        model = "tasks.Task"

    no = factory.Sequence(lambda n: f"TK{n + 1:05d}")
    description = factory.Faker("sentence", nb_words=4)
    contact = factory.SubFactory(PersonFactory)
    salesperson = factory.SubFactory(SalespersonFactory)
    date = factory.LazyFunction(datetime.date.today)
