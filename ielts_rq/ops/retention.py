"""The retention of ``policies.RETENTION``, applied: what the nightly ``cleanup_old_results`` removes.

Records in Redis are removed through their time indexes (never a keyspace
scan); stored files and outbox messages by the time they were written. Times
are read from ``records.now()``, the one clock the records are stamped with.
"""

from __future__ import annotations

import os

from .. import store
from ..errors import IeltsRqError
from ..mail.transports import outbox_folder
from ..policies import (ANALYTICS_KEPT_DAYS, DAY, OUTBOX_KEPT_DAYS, QUEUES, RESULTS_KEPT_DAYS, STORED_FILES_KEPT_DAYS,
                        SUBMISSIONS_KEPT_DAYS)
from ..queueing.queues import get_queue
from ..settings import get_settings
from ..storage import get_storage
from ..store import records


def apply_retention(results_days: int = RESULTS_KEPT_DAYS) -> dict:
    """Remove every record past its retention; return how many of each kind went."""
    return {
        "results": store.delete_results_older_than(results_days),
        "submissions": store.delete_submissions_older_than(SUBMISSIONS_KEPT_DAYS),
        "analytics": store.delete_analytics_older_than(ANALYTICS_KEPT_DAYS),
        "stored_files": delete_stored_files_older_than(STORED_FILES_KEPT_DAYS),
        "outbox_messages": delete_outbox_messages_older_than(OUTBOX_KEPT_DAYS),
        "job_registry_entries": tidy_job_registries(),
    }


def delete_stored_files_older_than(days: int) -> int:
    """Uploads and report charts stored more than ``days`` ago (local storage or S3)."""
    storage, cutoff, deleted = get_storage(), records.now() - days * DAY, 0
    for item in list(storage.list()):
        if item["modified"] < cutoff:
            deleted += bool(storage.delete(item["key"]))
    return deleted


def delete_outbox_messages_older_than(days: int) -> int:
    folder, cutoff, deleted = outbox_folder(get_settings()), records.now() - days * DAY, 0
    if not folder.is_dir():
        return 0
    for path in folder.glob("*.eml"):
        try:
            if path.lstat().st_mtime < cutoff:
                os.unlink(path)
                deleted += 1
        except FileNotFoundError:
            continue  # removed meanwhile
    return deleted


def tidy_job_registries() -> int:
    """Drop registry entries whose job has expired (RQ's TTLs remove the jobs themselves); return how many."""
    removed = 0
    for name in QUEUES:
        queue = get_queue(name)
        for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.canceled_job_registry):
            before = registry.get_job_count(cleanup=False)
            try:
                registry.cleanup()
            except IeltsRqError:
                continue
            removed += max(before - registry.get_job_count(cleanup=False), 0)
    return removed
