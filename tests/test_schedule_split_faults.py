"""A tick survives a scheduler stopped mid-tick when its queue is on a server of its own (no transaction
spans the two servers): the next scheduler runs it once, never twice."""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from ielts_rq.queueing import schedule

from .conftest import ROOT, run_worker, scheduler_cycles, wait_for
from .test_split_queues import scoring_server  # noqa: F401  (the fixture: a second server for the scoring queue)

SCHEDULED = "rq:scheduler:scheduled_jobs"


def _scheduler(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "scheduler", "--interval", "1"], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("fault", ["queue server full", "history refused"])
def test_a_tick_bound_for_another_server_runs_once_after_its_scheduler_is_killed(scoring_server, redis_conn,  # noqa: F811
                                                                                 fault):
    scoring_redis, env = scoring_server
    schedule.sync(redis_conn)
    entry = schedule.entry_named("cleanup-old-results")  # its queue, scoring, is on the second server
    due = time.time() - 1
    redis_conn.zadd(SCHEDULED, {entry.job_id: due})
    tick = schedule.iso(datetime.fromtimestamp(due, timezone.utc))
    if fault == "queue server full":  # the enqueue is refused: the tick is claimed, not enqueued
        scoring_redis.config_set("maxmemory", 1)
    else:  # the enqueue goes through; the history entry and the claim's removal are refused
        redis_conn.execute_command("ACL", "SETUSER", "default", "-lpush")
    try:
        first = _scheduler(env)
        assert wait_for(lambda: redis_conn.zscore(SCHEDULED, entry.job_id) > time.time(), 60)
        if fault == "history refused":
            assert wait_for(lambda: scoring_redis.llen("rq:queue:scoring") == 1, 60)
        assert scheduler_cycles(redis_conn, 2, besides=entry.name)  # a cycle or so more while the fault lasts
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        scoring_redis.config_set("maxmemory", 0)
        redis_conn.execute_command("ACL", "SETUSER", "default", "+lpush")
    assert schedule.last_runs(redis_conn, entry.name) == []

    second = _scheduler(env)
    try:
        assert wait_for(lambda: schedule.last_runs(redis_conn, entry.name), 60), "the claimed tick never ran"
        assert scheduler_cycles(redis_conn, 3, besides=entry.name)  # a few more: none may enqueue the tick again
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    assert [run["tick"] for run in schedule.last_runs(redis_conn, entry.name)] == [tick]
    assert scoring_redis.lrange("rq:queue:scoring", 0, -1) == [entry.job_id.encode()]
    assert redis_conn.llen("rq:queue:scoring") == 0
    run_worker("scoring", env=env)
    assert scoring_redis.llen("rq:queue:scoring") == 0
