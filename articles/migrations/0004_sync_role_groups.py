"""Give the role groups the permissions added since they were created (corrections log)."""

from importlib import import_module

from django.db import migrations

role_groups = import_module("articles.migrations.0002_role_groups")


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_corrections")]

    operations = [migrations.RunPython(role_groups.create_groups, migrations.RunPython.noop)]
