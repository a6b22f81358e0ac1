"""The Celery application: Redis broker, JSON messages, tasks found in every app."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _close_inherited_db_connections(**_kwargs) -> None:
    """Drop database connections a forked worker inherited from its parent."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


# The options every background task shares: acknowledged after it ran (a killed worker's
# task is redelivered), retried with backoff on the transient errors it names.
RETRYING = {"acks_late": True, "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 10}
