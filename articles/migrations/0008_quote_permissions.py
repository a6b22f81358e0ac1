"""Give the editor role the quote permissions (view and change: reject, correct the speaker)."""

from importlib import import_module

from django.db import migrations

role_groups = import_module("articles.migrations.0002_role_groups")


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_quotes")]

    operations = [migrations.RunPython(role_groups.create_groups, migrations.RunPython.noop)]
