"""The cron table: UTC times from fixed clocks, idempotent registration, one enqueue per tick."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from ielts_rq.policies import POLICIES, get_policy
from ielts_rq.queueing import schedule
from ielts_rq.queueing.queues import JsonJob

from .conftest import ROOT, cli, run_worker, scheduler_cycles, wait_for

UTC = timezone.utc

# Each entry's UTC firing times, as the platform's schedule gives them.
EXPECTED = {
    "cleanup-old-results": lambda t: (t.hour, t.minute) == (2, 0),
    "cleanup-temp-files": lambda t: (t.hour, t.minute) == (3, 0),
    "cleanup-old-analytics": lambda t: (t.hour, t.minute) == (4, 0),
    "weekly-platform-report": lambda t: (t.weekday(), t.hour, t.minute) == (0, 6, 0),
    "weekly-report-emails": lambda t: (t.weekday(), t.hour, t.minute) == (0, 8, 0),
    "health-check": lambda t: t.minute == 0,
    "monitor-queue-depth": lambda t: True,  # every minute
}


def test_every_entry_names_a_job_with_a_policy_and_outlives_its_interval():
    assert {entry.name for entry in schedule.CRON_TABLE} == set(EXPECTED)
    for entry in schedule.CRON_TABLE:
        assert entry.job in POLICIES
        first = schedule.next_run(entry.cron, datetime(2026, 11, 29, tzinfo=UTC))
        second = schedule.next_run(entry.cron, first)
        assert entry.result_ttl > (second - first).total_seconds(), entry.name


@pytest.mark.parametrize("entry", schedule.CRON_TABLE, ids=lambda e: e.name)
def test_entries_fire_at_their_utc_times_over_two_weeks(entry):
    moment = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
    for _ in range(30):
        moment = schedule.next_run(entry.cron, moment)
        assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
        assert EXPECTED[entry.name](moment), (entry.name, moment)


def test_next_run_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        schedule.next_run("0 2 * * *", datetime(2026, 11, 29))


def test_registration_is_idempotent_and_removes_stale_entries(redis_conn):
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    first = schedule.sync(redis_conn, now)
    assert len(first["added_or_updated"]) == len(schedule.CRON_TABLE)
    assert schedule.sync(redis_conn, now) == {"added_or_updated": [], "removed": []}
    redis_conn.zadd("rq:scheduler:scheduled_jobs", {"cron-retired-entry": 1})
    assert schedule.sync(redis_conn, now)["removed"] == ["retired-entry"]
    members = [m.decode() for m in redis_conn.zrange("rq:scheduler:scheduled_jobs", 0, -1)]
    assert sorted(members) == sorted(entry.job_id for entry in schedule.CRON_TABLE)
    job = JsonJob.fetch("cron-cleanup-old-results", connection=redis_conn)
    assert job.args == [] and job.origin == "scoring"  # the job keeps what policies.py says
    assert job.timeout == get_policy("cleanup_old_results").timeout
    assert job.result_ttl == 3 * 86400


@pytest.mark.slow
def test_cli_list_run_and_clear(redis_conn):
    assert cli("schedule", "sync").returncode == 0
    rows = json.loads(cli("schedule", "list", "--json").stdout)
    assert all(row["registered"] for row in rows)
    job_id = cli("schedule", "run", "health-check").stdout.strip()
    assert JsonJob.fetch(job_id, connection=redis_conn).func_name == "ielts_rq.jobs.health.health_check"
    assert cli("schedule", "run", "no-such-entry").returncode == 2
    assert cli("schedule", "clear").stdout.strip() == f"removed {len(schedule.CRON_TABLE)} entries"


FIRE_IN_NEW_YORK = """
import json, os, time
from datetime import datetime, timezone
from ielts_rq.queueing import schedule
from ielts_rq.queueing.connection import get_connection
from ielts_rq.queueing.queues import get_queue
assert time.strftime("%Z") in ("EST", "EDT"), time.strftime("%Z")
connection = get_connection()
before = datetime(2026, 11, 30, 1, 59, 59, tzinfo=timezone.utc)
schedule.sync(connection, now=before)
key = "rq:scheduler:scheduled_jobs"
registered = connection.zscore(key, "cron-cleanup-old-results")
connection.zadd(key, {"cron-cleanup-old-results": time.time() - 1})  # the tick is due
schedule.CronScheduler(connection=connection, interval=1).run(burst=True)
print(json.dumps({"registered": registered, "next": connection.zscore(key, "cron-cleanup-old-results"),
                  "queued": get_queue("scoring").job_ids}))
"""


def test_cron_fires_at_utc_times_on_a_host_in_new_york(redis_conn):
    result = subprocess.run([sys.executable, "-c", FIRE_IN_NEW_YORK], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "TZ": "America/New_York"}, timeout=60)
    assert result.returncode == 0, result.stderr
    fired = json.loads(result.stdout.strip().splitlines()[-1])
    assert datetime.fromtimestamp(fired["registered"], UTC) == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    upcoming = datetime.fromtimestamp(fired["next"], UTC)
    assert (upcoming.hour, upcoming.minute) == (2, 0)  # 02:00 UTC, not 02:00 in New York (07:00 UTC)
    assert fired["queued"] == ["cron-cleanup-old-results"]


@pytest.mark.slow
def test_two_schedulers_enqueue_each_tick_once(redis_conn):
    # A test entry ticking every 2 seconds (crontab's optional seconds field); not cron- prefixed, so
    # the schedulers' own sync leaves it alone.
    job = JsonJob.create("ielts_rq.jobs.health.health_check", connection=redis_conn, id="tick-test",
                         result_ttl=3600, status="scheduled", description="health_check")
    job.origin = "health"
    job.meta.update(cron_string="*/2 * * * * * *", schedule_name="tick-test")
    job.save()
    first_tick = schedule.next_run("*/2 * * * * * *", datetime.now(UTC))
    redis_conn.zadd("rq:scheduler:scheduled_jobs", {"tick-test": first_tick.timestamp()})
    schedulers = [subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "scheduler", "--interval", "1"], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "health"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def enqueued() -> list:
        return [run for run in schedule.last_runs(redis_conn, "tick-test") if "enqueued_at" in run]

    try:
        assert wait_for(lambda: len(enqueued()) >= 4, 120), "the schedulers enqueued fewer than 4 ticks"
    finally:
        for process in schedulers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    try:  # the worker runs the last tick enqueued before the schedulers stopped
        assert wait_for(lambda: JsonJob.fetch("tick-test", connection=redis_conn).get_status() == "finished", 60)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    runs = schedule.last_runs(redis_conn, "tick-test")
    ticks = [run["tick"] for run in runs]
    assert len(enqueued()) >= 4
    assert len(ticks) == len(set(ticks)), "a tick was enqueued twice"
    moments = sorted(datetime.fromisoformat(t) for t in ticks)
    # Every enqueue is a distinct tick of the 2-second cron line (a slow cycle may skip one, never repeat one).
    assert all((b - a).total_seconds() % 2 == 0 and b > a for a, b in zip(moments, moments[1:]))


def test_deleting_a_finished_run_in_the_dashboard_does_not_skip_the_next_tick(redis_conn):
    schedule.sync(redis_conn)
    entry = schedule.entry_named("monitor-queue-depth")
    JsonJob.fetch(entry.job_id, connection=redis_conn).delete()  # what rq-dashboard's Delete does
    redis_conn.zadd("rq:scheduler:scheduled_jobs", {entry.job_id: time.time() - 1})  # its next tick is due
    schedule.CronScheduler(connection=redis_conn).enqueue_jobs()  # the running scheduler's next cycle
    assert redis_conn.lrange("rq:queue:health", 0, -1) == [entry.job_id.encode()]  # the tick ran
    assert schedule.last_runs(redis_conn, entry.name, 1)[0]["scheduler"]
    assert redis_conn.zscore("rq:scheduler:scheduled_jobs", entry.job_id) > time.time()  # and the next is set


def test_a_scheduler_started_after_the_deletion_keeps_the_tick_too(redis_conn):
    schedule.sync(redis_conn)
    entry = schedule.entry_named("health-check")
    JsonJob.fetch(entry.job_id, connection=redis_conn).delete()
    redis_conn.zadd("rq:scheduler:scheduled_jobs", {entry.job_id: time.time() - 1})
    result = cli("scheduler", "--burst")  # syncs the table first, then runs what is due
    assert result.returncode == 0, result.stderr
    assert redis_conn.lrange("rq:queue:health", 0, -1) == [entry.job_id.encode()]


def _scheduler_process() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "scheduler", "--interval", "1"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "terminated"])
def test_a_scheduler_stopped_between_claiming_a_tick_and_enqueueing_it_loses_nothing(redis_conn, stop):
    schedule.sync(redis_conn)
    entry = schedule.entry_named("weekly-platform-report")
    due = time.time() - 1
    redis_conn.zadd("rq:scheduler:scheduled_jobs", {entry.job_id: due})
    tick = schedule.iso(datetime.fromtimestamp(due, UTC))
    # The fault: the server refuses every push onto a queue, so the scheduler claims the tick (its next run
    # moves to next Monday) and cannot enqueue it; then the deploy stops it.
    redis_conn.execute_command("ACL", "SETUSER", "default", "-rpush", "-lpush")
    try:
        first = _scheduler_process()
        assert wait_for(lambda: redis_conn.zscore("rq:scheduler:scheduled_jobs", entry.job_id) > time.time(), 60)
        first.send_signal(stop)
        first.communicate(timeout=30)
    finally:
        redis_conn.execute_command("ACL", "SETUSER", "default", "+rpush", "+lpush")
    assert redis_conn.llen("rq:queue:analytics") == 0  # claimed, never enqueued

    second = _scheduler_process()
    try:
        assert wait_for(lambda: schedule.last_runs(redis_conn, entry.name), 60), "the claimed tick never ran"
        assert scheduler_cycles(redis_conn, 3, besides=entry.name)  # a few more: none may enqueue the tick again
    finally:
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=30)
    assert [run["tick"] for run in schedule.last_runs(redis_conn, entry.name)] == [tick]
    assert redis_conn.lrange("rq:queue:analytics", 0, -1) == [entry.job_id.encode()]
    run_worker("analytics")
    assert JsonJob.fetch(entry.job_id, connection=redis_conn).get_status() == "finished"
