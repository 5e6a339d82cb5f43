"""The two user groups of DESIGN.md §4 and the permissions each one holds.

Data migrations call `sync_roles` whenever an app adds permissions, so a fresh database
and an upgraded one end with the same groups. Permissions of apps not migrated yet are
skipped; their own migration syncs again. Tests that truncate tables call it with the
live app registry to bring the groups back.
"""

SALES = "Sales"
CRM_ADMIN = "CRM admin"

SALES_PERMISSIONS = [
    "crm.view_contact",
    "crm.add_contact",
    "crm.change_contact",
    "crm.delete_contact",
    "crm.view_salesperson",
    "interactions.view_interactiongroup",
    "interactions.view_interactiontemplate",
    "interactions.view_interactiontemplatelanguage",
    "interactions.view_interactionlogentry",
    "interactions.add_interactionlogentry",
    "interactions.change_interactionlogentry",
    # No delete permission: a user may delete the postponed interactions they created
    # (interactions.services.delete_postponed checks the owner), nothing else.
    "segments.view_segment",
    "segments.add_segment",
    "segments.change_segment",
    "segments.delete_segment",
    "segments.view_loggedsegment",
    "segments.change_loggedsegment",
    # Sales see their own tasks and the unassigned ones (Task.objects.visible_to).
    "tasks.view_task",
    "tasks.add_task",
    "tasks.change_task",
]

CRM_ADMIN_PERMISSIONS = [
    *SALES_PERMISSIONS,
    "crm.import_contact",
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
    "jobs.view_all_jobs",
    "interactions.add_interactiongroup",
    "interactions.change_interactiongroup",
    "interactions.delete_interactiongroup",
    "interactions.add_interactiontemplate",
    "interactions.change_interactiontemplate",
    "interactions.delete_interactiontemplate",
    "interactions.add_interactiontemplatelanguage",
    "interactions.change_interactiontemplatelanguage",
    "interactions.delete_interactiontemplatelanguage",
    "interactions.delete_interactionlogentry",
    "interactions.delete_canceled_entries",
    "interactions.delete_others_postponed",
    "interactions.view_interactiontemplatesetup",
    "interactions.change_interactiontemplatesetup",
    "tasks.view_all_tasks",
    # The data-subject export and erasure (privacy app, issue 22).
    "privacy.view_contactexport",
    "privacy.export_contact_data",
    "privacy.erase_contact",
]

ROLES = {SALES: SALES_PERMISSIONS, CRM_ADMIN: CRM_ADMIN_PERMISSIONS}


def sync_roles(apps, schema_editor):
    """Create the groups; give each exactly those of its permissions that exist."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after `migrate`; make them now to grant them.
    # Historical app configs have no models module, which create_permissions requires.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = [code.split(".") for code in codes]
        permissions = [
            permission
            for permission in Permission.objects.select_related("content_type")
            if [permission.content_type.app_label, permission.codename] in wanted
        ]
        group.permissions.set(permissions)
