"""One factory per model. Flows that matter are set up through the services instead."""

import factory
from django.apps import apps
from django.contrib.auth.models import Group, User

from crm import roles
from crm.models import Contact, NumberSeries, Salesperson


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(role_group(name) for name in extracted))


def role_group(name):
    """The role's group; re-created after transactional tests truncated the tables."""
    if not Group.objects.filter(name=name).exists():
        roles.sync_roles(apps, None)
    return Group.objects.get(name=name)


class SalesUserFactory(UserFactory):
    groups = (roles.SALES,)


class AdminUserFactory(UserFactory):
    groups = (roles.CRM_ADMIN,)


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
