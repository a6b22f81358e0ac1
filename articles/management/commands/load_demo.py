"""Load the demo archive: the reference dispatches and one user per role."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from articles.importing import import_files
from articles.models import Source
from articles.roles import ARCHIVIST, EDITOR, JOURNALIST

DEMO_USERS = {
    "journaliste": (JOURNALIST, False),
    "editeur": (EDITOR, True),
    "archiviste": (ARCHIVIST, False),
    "admin": (None, True),
}
FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "dispatches"


class Command(BaseCommand):
    help = "Create the demo users (passwords printed once) and import the demo dispatches."

    def handle(self, *args, **options):
        user_model = get_user_model()
        created = []
        for username, (role, staff) in DEMO_USERS.items():
            if user_model.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(9)
            user = user_model.objects.create_user(
                username=username,
                password=password,
                is_staff=staff,
                is_superuser=role is None,
            )
            if role:
                user.groups.add(Group.objects.get(name=role))
            created.append((username, role or "superuser", password))
        source, _ = Source.objects.get_or_create(name="AFP")
        report = import_files(paths=sorted(FIXTURES.glob("*.txt")), source=source)
        self.stdout.write(
            f"Demo dispatches: {report.articles_created} new, {report.duplicates} already there."
        )
        if created:
            self.stdout.write("Demo users (shown once; change them with manage.py changepassword):")
            for username, role, password in created:
                self.stdout.write(f"  {username:<12} {role:<11} {password}")
