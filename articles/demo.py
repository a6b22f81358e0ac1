"""The demo archive: one user per role, the reference dispatches and 70 Wikinews dispatches."""

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.importing import ImportReport, import_files
from articles.models import ImportBatch, Source
from articles.roles import ARCHIVIST, EDITOR, JOURNALIST

DEMO_USERS = {
    "journaliste": (JOURNALIST, False),
    "editeur": (EDITOR, True),
    "archiviste": (ARCHIVIST, False),
    "admin": (None, True),
}
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REFERENCE_DIR = FIXTURES / "dispatches"
WIKINEWS_DIR = FIXTURES / "wikinews-fr"
REFERENCE_SOURCE = "AFP"
WIKINEWS_SOURCE = "Wikinews"
WIKINEWS_ATTRIBUTION = "Wikinews (fr.wikinews.org), CC BY 2.5"
WIKINEWS_LICENCE_URL = "https://creativecommons.org/licenses/by/2.5/deed.fr"


@dataclass
class DemoReport:
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, password
    reference: ImportReport = field(default_factory=ImportReport)
    wikinews: ImportReport = field(default_factory=ImportReport)
    batch: ImportBatch | None = None  # the Wikinews import, when it added anything


def create_demo_users() -> list[tuple[str, str, str]]:
    """Create the missing demo users with random passwords; return (username, role, password)."""
    user_model = get_user_model()
    created = []
    for username, (role, staff) in DEMO_USERS.items():
        if user_model.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        user = user_model.objects.create_user(
            username=username, password=password, is_staff=staff, is_superuser=role is None
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        created.append((username, role or "superuser", password))
    return created


def _wikinews_source() -> Source:
    source, _ = Source.objects.get_or_create(
        name=WIKINEWS_SOURCE,
        defaults={"attribution": WIKINEWS_ATTRIBUTION, "attribution_url": WIKINEWS_LICENCE_URL},
    )
    return source


def import_wikinews(*, folder: Path = WIKINEWS_DIR) -> tuple[ImportReport, ImportBatch | None]:
    """Import the Wikinews dispatches as an archivist's batch; a batch that added nothing
    is not kept, so loading the demo again leaves the archive as it was."""
    paths = sorted(folder.glob("*.txt"))
    source = _wikinews_source()
    batch = ImportBatch.objects.create(
        source=source,
        files_total=len(paths),
        created_by=get_user_model().objects.filter(username="archiviste").first(),
    )
    report = import_files(paths=paths, source=source, batch=batch)
    if report.articles_created or report.rejected:
        batch.refresh_from_db()
        return report, batch
    batch.delete()
    return report, None


def load_demo() -> DemoReport:
    """Create the demo users and import the demo dispatches, adding only what is missing."""
    report = DemoReport(users=create_demo_users())
    afp, _ = Source.objects.get_or_create(name=REFERENCE_SOURCE)
    report.reference = import_files(paths=sorted(REFERENCE_DIR.glob("*.txt")), source=afp)
    report.wikinews, report.batch = import_wikinews()
    return report
