"""Staff roles as groups, least privilege: each role gets the permissions its work needs and nothing else.

Superuser is for break-glass only. Permissions are looked up by codename and a missing one is skipped, so a
model renamed or not yet built leaves its role without that permission instead of failing the deploy; a later
migration grants it (docs/admin.md). Nothing is ever deleted by a role: curators unpublish, market managers
close lanes, and deleting stays with superusers.
"""

from django.db import migrations

ROLES = {
    "Curator": {
        "artists": {
            "artist": ("view", "add", "change"),
            "artiststatuschange": ("view",),
            "artistapplication": ("view", "change"),
            "artistapplicationimage": ("view",),
        },
        "gifts": {
            "gift": ("view", "add", "change"),
            "giftimage": ("view", "add", "change", "delete"),
            "category": ("view", "add", "change"),
        },
    },
    "Market manager": {
        "locales": {
            "locale": ("view", "add", "change"),
            "shippinglane": ("view", "add", "change"),
            "exchangerate": ("view", "add", "change"),
        },
        "gifts": {
            "dutyrule": ("view", "add", "change"),
        },
    },
    "Compliance officer": {
        "compliance": {
            "datasubjectrequest": ("view", "change"),
            "requestevent": ("view",),
            "consentrecord": ("view",),
            "erasurereceipt": ("view",),
            "consentpurpose": ("view", "change"),
            "policyversion": ("view", "add", "change"),
        },
    },
    "Support": {
        "gifts": {
            "order": ("view", "change"),
            "orderstatuschange": ("view", "add"),
            "shipment": ("view", "add", "change"),
        },
    },
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        for app_label, models in grants.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                group.permissions.add(
                    *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
                )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_user_preferred_currency_address"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("artists", "0002_applications"),
        # Orders (support's permissions) come with gifts 0003; if that migration is renamed, follow it here.
        ("gifts", "0003_giving"),
        ("locales", "0001_initial"),
        ("compliance", "0004_data_subject_requests"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
