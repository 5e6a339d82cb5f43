import pytest
from django.contrib.auth.models import Group

from crm import roles
from tests.factories import AdminUserFactory, SalesUserFactory

pytestmark = pytest.mark.django_db


def crm_permissions(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
        if app in ("crm", "audit")
    }


def test_migrations_create_both_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Sales", "CRM admin"}


def test_sales_group_has_the_contact_permissions_and_nothing_of_setup():
    assert crm_permissions(roles.SALES) == {
        "crm.view_contact",
        "crm.add_contact",
        "crm.change_contact",
        "crm.delete_contact",
        "crm.view_salesperson",
    }


def test_crm_admin_group_adds_salespeople_setup_and_import():
    assert crm_permissions(roles.CRM_ADMIN) == {
        "crm.import_contact",
        "crm.view_contact",
        "crm.add_contact",
        "crm.change_contact",
        "crm.delete_contact",
        "crm.view_salesperson",
        "crm.add_salesperson",
        "crm.change_salesperson",
        "crm.delete_salesperson",
        "crm.view_numberseries",
        "crm.add_numberseries",
        "crm.change_numberseries",
        "crm.delete_numberseries",
        "crm.view_marketingsetup",
        "crm.change_marketingsetup",
        "audit.view_auditrecord",
    }


@pytest.mark.parametrize(
    ("permission", "sales", "crm_admin"),
    [
        ("crm.view_contact", True, True),
        ("crm.delete_contact", True, True),
        ("crm.import_contact", False, True),
        ("crm.change_marketingsetup", False, True),
        ("crm.add_salesperson", False, True),
        ("crm.change_numberseries", False, True),
        ("audit.view_auditrecord", False, True),
        ("crm.delete_auditrecord", False, False),
        ("crm.delete_salesperson", False, True),
        ("crm.delete_numberseries", False, True),
    ],
)
def test_group_members_hold_their_roles_permissions(permission, sales, crm_admin):
    assert SalesUserFactory().has_perm(permission) is sales
    assert AdminUserFactory().has_perm(permission) is crm_admin
