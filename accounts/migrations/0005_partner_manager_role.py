"""The Partner manager role: issues, renames, extends and revokes partners' API keys, and nothing else.

Kept apart from Support and the other roles: a key lets a partner place orders on an account, so handing them out
is its own decision. Nobody deletes a key (revoked keys stay as the record of who had access); erasing the owner's
account deletes them.
"""

from django.db import migrations

ROLE = "Partner manager"
GRANTS = {"accounts": {"apikey": ("view", "add", "change")}}


def create_role(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=ROLE)
    for app_label, models in GRANTS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_keys")]

    operations = [migrations.RunPython(create_role, remove_role)]
