"""Entries of rq-scheduler's schedule that cannot be trusted are set aside; the scheduler and every other tick go on.

Whatever can write to Redis can add a member to the schedule or a claim to the claimed ticks. Each is judged
before the scheduler acts on it: one it cannot trust leaves the schedule with its reason (its record into the
failed registry, as a worker refuses one), and a scheduler restarted afterwards does not trip on it.
"""

import json
import signal
import subprocess
import sys
import time

import pytest

from ielts_rq.queueing import keys, schedule

from .conftest import ROOT, cli, wait_for

SCHEDULED = "rq:scheduler:scheduled_jobs"
CALL = '["ielts_rq.jobs.health.health_check",null,[],{}]'
CRON = '{"cron_string":"* * * * *"}'

# A job record of the schedule, each spoiled one way: (id, hash fields).
RECORDS = {
    "no-origin": {"data": CALL, "status": "scheduled", "meta": CRON},
    "unknown-origin": {"data": CALL, "status": "scheduled", "meta": CRON, "origin": "nowhere"},
    "unregistered": {"data": '["os.system",null,["true"],{}]', "status": "scheduled", "meta": CRON,
                     "origin": "health"},
    "not-a-call": {"data": '{"run": "me"}', "status": "scheduled", "meta": CRON, "origin": "health"},
    "pickled": {"data": b"\x80\x04\x95\x00", "status": "scheduled", "meta": CRON, "origin": "health"},
    "bad-cron": {"data": CALL, "status": "scheduled", "meta": '{"cron_string":"every day at noon"}',
                 "origin": "health"},
    "never-fires": {"data": CALL, "status": "scheduled", "meta": '{"cron_string":"0 0 30 2 *"}', "origin": "health"},
    "number-for-cron": {"data": CALL, "status": "scheduled", "meta": '{"cron_string":5}', "origin": "health"},
    "bad-interval": {"data": CALL, "status": "scheduled", "meta": '{"interval":"soon"}', "origin": "health"},
    "negative-interval": {"data": CALL, "status": "scheduled", "meta": '{"interval":-60}', "origin": "health"},
    "meta-not-json": {"data": CALL, "status": "scheduled", "meta": "{{", "origin": "health"},
    "meta-a-list": {"data": CALL, "status": "scheduled", "meta": "[1, 2]", "origin": "health"},
    "name-not-text": {"data": CALL, "status": "scheduled", "origin": "health",
                      "meta": '{"cron_string":"* * * * *","schedule_name":{"a":1}}'},
    "health-check": {"data": CALL, "status": "scheduled", "meta": CRON, "origin": "health"},  # a table name
    "takes-a-name": {"data": CALL, "status": "scheduled", "origin": "health",
                     "meta": '{"cron_string":"* * * * *","schedule_name":"monitor-queue-depth"}'},
    "queue-class": {"data": CALL, "status": "scheduled", "origin": "health",
                    "meta": '{"cron_string":"* * * * *","queue_class_name":"os.system"}'},
    "bad-timeout": {"data": CALL, "status": "scheduled", "meta": CRON, "origin": "health", "timeout": "soon"},
    "bad id!": {"data": CALL, "status": "scheduled", "meta": CRON, "origin": "health"},
}
NOT_RECORDS = ["not-a-hash", "no-record"]  # a string under the job's key; no key at all


def _plant(redis_conn) -> float:
    """Every spoiled entry, due, next to a due tick of the table; returns the due time."""
    due = time.time() - 5
    for job_id, fields in RECORDS.items():
        redis_conn.hset(keys.rq_job(job_id), mapping=fields)
    redis_conn.set(keys.rq_job("not-a-hash"), "x")
    redis_conn.zadd(SCHEDULED, {member: due for member in [*RECORDS, *NOT_RECORDS, b"\xff\xfe-not-text"]})
    redis_conn.zadd(SCHEDULED, {schedule.entry_named("health-check").job_id: due})
    return due


def _plant_claims(redis_conn) -> None:
    """Claims a stopped scheduler could never have left: spoiled records, nothing, a tick that is no time."""
    claimed = keys.schedule_claimed()
    redis_conn.hset(keys.rq_job("claimed-no-origin"), mapping=RECORDS["no-origin"])
    redis_conn.hset(claimed, mapping={"claimed-no-origin": repr(time.time() - 60), "claimed-nothing": "1.5",
                                      schedule.entry_named("cleanup-old-results").job_id: "soon",
                                      b"\xff-claim": "1.5"})


def _set_aside_everywhere(redis_conn, stderr: str) -> None:
    """Each spoiled entry is out of the schedule and the claims, named once in the log with its reason,
    and (when it is a record) failed with the reason."""
    members = set(redis_conn.zrange(SCHEDULED, 0, -1))
    claims = set(redis_conn.hkeys(keys.schedule_claimed()))
    for job_id in [*RECORDS, *NOT_RECORDS, "claimed-no-origin", "claimed-nothing"]:
        assert job_id.encode() not in members | claims, job_id
        lines = [line for line in stderr.splitlines() if "set aside" in line and repr(job_id) in line]
        assert len(lines) == 1, (job_id, stderr)
    assert b"\xff\xfe-not-text" not in members and b"\xff-claim" not in claims
    assert len([line for line in stderr.splitlines() if "set aside" in line and "not UTF-8" in line]) == 2
    failed = {row["id"]: row["error"] for row in json.loads(cli("failed", "list", "--json", "--limit", "100").stdout)}
    for job_id in [*RECORDS, "not-a-hash", "claimed-no-origin"]:
        assert job_id in failed, (job_id, failed)
        assert "refused without running it" in failed[job_id], failed[job_id]
    assert "origin" in failed["no-origin"] and "not a registered job" in failed["unregistered"]
    assert "cron" in failed["bad-cron"] and "interval" in failed["bad-interval"]
    # Nothing spoiled reached a queue.
    for queue in ("scoring", "file_processing", "email", "analytics"):
        assert redis_conn.llen(f"rq:queue:{queue}") == 0, queue


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_spoiled_entries_are_set_aside_and_the_tick_beside_them_runs_once(redis_conn):
    due = _plant(redis_conn)
    _plant_claims(redis_conn)
    result = cli("scheduler", "--burst")
    assert result.returncode == 0, result.stderr
    entry = schedule.entry_named("health-check")
    assert redis_conn.lrange("rq:queue:health", 0, -1) == [entry.job_id.encode()]
    runs = schedule.last_runs(redis_conn, entry.name)
    assert [run["tick"] for run in runs] == [schedule.iso(schedule.datetime.fromtimestamp(due, schedule.timezone.utc))]
    _set_aside_everywhere(redis_conn, result.stderr)
    # The table entry whose claim held no time: the claim is dropped with its reason, the entry stays.
    cleanup = schedule.entry_named("cleanup-old-results")
    assert "not a time" in schedule.last_runs(redis_conn, cleanup.name)[0]["skipped"]
    assert redis_conn.zscore(SCHEDULED, cleanup.job_id) > time.time()

    again = cli("scheduler", "--burst")  # a restart: nothing left to trip on, nothing enqueued twice
    assert again.returncode == 0, again.stderr
    assert "set aside" not in again.stderr
    assert redis_conn.lrange("rq:queue:health", 0, -1) == [entry.job_id.encode()]


@pytest.mark.slow
def test_a_running_scheduler_sets_aside_an_entry_without_origin_and_keeps_ticking(redis_conn):
    # The reported case: an entry with no origin queue, planted while a scheduler runs.
    process = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "scheduler", "--interval", "1"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: redis_conn.get(keys.scheduler_alive()), 60), "the scheduler never started"
        redis_conn.hset(keys.rq_job("evilsched"), mapping=RECORDS["no-origin"])
        redis_conn.zadd(SCHEDULED, {"evilsched": time.time() - 5})
        assert wait_for(lambda: redis_conn.zscore(SCHEDULED, "evilsched") is None, 60)
        entry = schedule.entry_named("monitor-queue-depth")
        redis_conn.zadd(SCHEDULED, {entry.job_id: time.time() - 1})  # a legitimate tick, due after it
        assert wait_for(lambda: schedule.last_runs(redis_conn, entry.name), 60), "the scheduler stopped ticking"
        assert process.poll() is None
        assert redis_conn.hlen(keys.schedule_claimed()) == 0
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert len([line for line in stderr.splitlines() if "'evilsched' set aside" in line]) == 1, stderr
    assert "origin: missing" in stderr
    # Requeued by an operator, it would go to a queue named after its missing origin: it stays failed.
    assert "1 left failed" in cli("requeue-failed", "--job-id", "evilsched").stdout
    assert not redis_conn.exists("rq:queue:")


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_claim_that_keeps_failing_is_set_aside_after_a_few_cycles(redis_conn):
    # A record no judge refuses whose enqueue fails every time: RQ sets up a job's dependencies in a
    # transaction of its own, nested in the scheduler's, which the client refuses.
    redis_conn.hset(keys.rq_job("keeps-failing"), mapping={**RECORDS["no-origin"], "origin": "health",
                                                          "dependency_ids": '["some-other-job"]'})
    redis_conn.hset(keys.schedule_claimed(), "keeps-failing", repr(time.time() - 60))
    process = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "scheduler", "--interval", "1"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: redis_conn.hget(keys.schedule_claimed(), "keeps-failing") is None, 90)
        entry = schedule.entry_named("monitor-queue-depth")
        redis_conn.zadd(SCHEDULED, {entry.job_id: time.time() - 1})
        assert wait_for(lambda: schedule.last_runs(redis_conn, entry.name), 60), "the scheduler stopped ticking"
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    failures = [line for line in stderr.splitlines() if "'keeps-failing'" in line and "could not be enqueued" in line]
    assert 1 <= len(failures) <= schedule.CLAIM_ATTEMPTS, stderr
    assert len([line for line in stderr.splitlines() if "'keeps-failing' set aside" in line]) == 1, stderr
    failed = [row["id"] for row in json.loads(cli("failed", "list", "--json").stdout)]
    assert "keeps-failing" in failed
