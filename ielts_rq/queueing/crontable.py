"""The cron table (UTC, whatever the host's time zone): plain data and a plain function of a datetime.

``CRON_TABLE`` and ``next_run`` are tested without Redis or a clock (huey's way);
``schedule`` registers the table with rq-scheduler and runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import crontab

from ..errors import PermanentError
from ..policies import DAY, HOUR, WEEK

ID_PREFIX = "cron-"


@dataclass(frozen=True)
class CronEntry:
    name: str  # stable: the job id is cron-<name>
    cron: str  # minute hour day-of-month month day-of-week, in UTC
    job: str  # a job of policies.POLICIES
    args: tuple = ()
    # Longer than the interval: rq-scheduler drops an entry whose job hash has expired.
    result_ttl: int = DAY

    @property
    def job_id(self) -> str:
        return ID_PREFIX + self.name


CRON_TABLE: tuple[CronEntry, ...] = (
    # The cleanups keep what policies.py says (their jobs' defaults).
    CronEntry("cleanup-old-results", "0 2 * * *", "cleanup_old_results", result_ttl=3 * DAY),
    CronEntry("cleanup-temp-files", "0 3 * * *", "cleanup_temp_files", result_ttl=3 * DAY),
    CronEntry("cleanup-old-analytics", "0 4 * * *", "cleanup_old_analytics", result_ttl=3 * DAY),
    CronEntry("weekly-platform-report", "0 6 * * 1", "generate_weekly_report", ("platform",), result_ttl=3 * WEEK),
    CronEntry("weekly-report-emails", "0 8 * * 1", "send_weekly_reports", (), result_ttl=3 * WEEK),
    CronEntry("health-check", "0 * * * *", "health_check", (), result_ttl=DAY),
    # Not in the platform's old table: the dashboard's queue-depth history and alerts need samples.
    # Every minute: the dashboard's depth and wait graphs are drawn from these samples.
    CronEntry("monitor-queue-depth", "* * * * *", "monitor_queue_depth", (), result_ttl=HOUR),
)


def next_run(cron: str, after: datetime) -> datetime:
    """The first time strictly after ``after`` that matches ``cron``, read in UTC."""
    if after.tzinfo is None:
        raise ValueError("next_run needs an aware datetime")
    return crontab.CronTab(cron).next(now=after.astimezone(timezone.utc), return_datetime=True)


def entry_named(name: str) -> CronEntry:
    for entry in CRON_TABLE:
        if entry.name == name:
            return entry
    raise PermanentError(f"no schedule entry {name!r}; entries are {', '.join(e.name for e in CRON_TABLE)}")
