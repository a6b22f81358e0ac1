"""The watch folder swept by a real worker process (the beat task's own path)."""

import pytest

from articles.models import Article, ImportBatch
from tests.articles.test_watching import aged
from tests.conftest import REFERENCE
from tests.integration.conftest import WorkerProcess, wait_for

pytestmark = pytest.mark.slow


def test_a_real_worker_sweeps_the_folder(transactional_db, broker, tmp_path, settings):
    """The beat task, run by a worker process, imports what is dropped in the folder."""
    from articles.tasks import sweep_watch_folder

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings.SEARCH_URL = f"whoosh://{tmp_path / 'whoosh'}"
    worker = WorkerProcess(tmp_path, IMPORT_WATCH_DIR=str(inbox), IMPORT_WATCH_SETTLE_SECONDS="0.5")
    worker.start()
    try:
        (inbox / "reference.txt").write_bytes(REFERENCE.read_bytes())
        aged(inbox / "reference.txt")
        sweep_watch_folder.delay()
        wait_for(
            lambda: (inbox / "done" / "reference.txt").exists(),
            timeout=60,
            what=f"the sweep\n{worker.log()[-3000:]}",
        )
        assert Article.objects.count() == 2
        assert ImportBatch.objects.get().status == "done"
    finally:
        worker.stop()
