"""One job put ahead of its queue: a paying learner's essay before a backlog, without starving the rest."""

import json
import os
import signal
import subprocess
import sys

import pytest

from ielts_rq import enqueue, store
from ielts_rq.errors import PermanentError
from ielts_rq.queueing.enqueue import enqueue_many
from ielts_rq.queueing.priority import MAX_AHEAD
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import ROOT, cli, wait_for
from .essays import GOOD_ESSAY, PROMPT

BACKLOG = 2000


def _essays(count: int) -> list[str]:
    return [store.create_submission(f"learner-{n % 40}", "writing_task_2", f"{GOOD_ESSAY} ({n})", PROMPT)
            for n in range(count)]


def _started(connection, job_ids) -> list:
    jobs = JsonJob.fetch_many(job_ids, connection=connection)
    return [job.started_at for job in jobs if job is not None and job.started_at is not None]


@pytest.mark.slow
@pytest.mark.timing
@pytest.mark.timeout(300)
def test_a_high_priority_essay_behind_2000_queued_starts_next(redis_conn):
    backlog = enqueue_many("score_submission", [((sid,), {}) for sid in _essays(BACKLOG)])
    paying = _essays(1)[0]
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "scoring", "--mode", "simple"],
                              cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: len(_started(redis_conn, backlog[:50])) >= 20, 120)  # the worker is busy on them
        submitted = cli("enqueue", "score", paying, "--priority", "high", "--json")
        assert submitted.returncode == 0, submitted.stderr
        job_id = json.loads(submitted.stdout)["job_id"]
        job = JsonJob.fetch(job_id, connection=redis_conn)
        assert wait_for(lambda: job.get_status() in ("started", "finished"), 30, step=0.02)
        job = JsonJob.fetch(job_id, connection=redis_conn)
        started_after = [when for when in _started(redis_conn, backlog) if job.enqueued_at < when < job.started_at]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    wait = (job.started_at - job.enqueued_at).total_seconds()
    print(f"\nhigh-priority essay behind {BACKLOG} queued: started {wait:.3f} s after it was enqueued, "
          f"{len(started_after)} queued essay(s) started in between")
    assert job.meta["priority"] == "high"
    assert len(started_after) <= 1  # at most the one the worker was taking as it arrived
    assert wait < 5  # a second on an idle machine; room for a busy one
    assert len(_started(redis_conn, backlog)) < BACKLOG  # it did not wait for the backlog


@pytest.mark.slow
def test_status_shows_the_jobs_put_ahead_and_a_flood_of_them_cannot_starve_the_rest(redis_conn):
    earlier = [enqueue("health_check") for _ in range(3)]
    ahead = [enqueue("health_check", priority="high") for _ in range(MAX_AHEAD)]
    flood = enqueue("health_check", priority="high")
    queue = get_queue("health")
    order = queue.job_ids
    assert set(order[:MAX_AHEAD]) == {job.id for job in ahead}  # ahead of the jobs queued before them
    assert order[MAX_AHEAD:] == [job.id for job in earlier] + [flood.id]  # past the cap: at the back, in turn
    assert "queued_at_back" in JsonJob.fetch(flood.id, connection=redis_conn).meta
    shown = cli("status", "--json")
    assert json.loads(shown.stdout)["queues"]["health"]["high_priority"] == MAX_AHEAD
    assert "of them ahead" in cli("status").stdout


def test_priority_is_checked_at_the_door(redis_conn):
    with pytest.raises(PermanentError, match="priority must be one of normal, high"):
        enqueue("health_check", priority="urgent")
    with pytest.raises(PermanentError, match="priority does not go with at/delay"):
        enqueue("health_check", priority="high", delay=60)
    assert cli("enqueue", "health-check", "--priority", "urgent").returncode == 2
    assert get_queue("health").count == 0
