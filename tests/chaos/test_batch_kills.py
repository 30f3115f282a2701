"""A batch's completion job runs exactly once when its workers are SIGKILLed mid-batch.

600 submissions in 12 chunk jobs on two forking workers; a worker running a chunk is killed with its
horse, three times, and started again as a platform would. Killed chunks come back (heartbeat lapse, then
a retry), so each ends once for good; the batch then completes once, counting all twelve.
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from ielts_rq import enqueue, store
from ielts_rq.queueing import batching
from ielts_rq.queueing.queues import JsonJob

from ..conftest import HOME, ROOT, wait_for
from .test_chaos import _children, _kill_quietly, _running_jobs

SUBMISSIONS = 600  # 12 chunks of 50
KILLS = 3
LOGS = HOME / "batch-kills-workers.log"


def _start_worker():
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "scoring", "health"], cwd=ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=open(LOGS, "a"))


def _worker_in_a_chunk(connection, workers):
    """The index of a worker running one of the batch's chunk jobs, if any."""
    for index, worker in enumerate(workers):
        if any(job_id for job_id in _running_jobs(connection, worker.pid)
               if (JsonJob.fetch(job_id, connection=connection).func_name or "").endswith("score_submissions")):
            return index
    return None


@pytest.mark.timeout(300)
def test_a_batch_completes_exactly_once_when_workers_are_killed_mid_batch(redis_conn):
    ids = [store.create_submission(f"kill-{n % 20}", "writing_task_2",
                                   f"Essay {n}. Working from home saves time that people used to spend travelling, "
                                   f"and many find they can concentrate better in a quiet room.",
                                   "Is working from home a good idea?") for n in range(SUBMISSIONS)]
    fan_out = enqueue("score_batch", ids)
    workers = [_start_worker(), _start_worker()]
    kills = 0
    try:
        while kills < KILLS:
            found = {}

            def a_worker_in_a_chunk():
                found["index"] = _worker_in_a_chunk(redis_conn, workers)
                return found["index"] is not None

            assert wait_for(a_worker_in_a_chunk, 120, step=0.02), "no worker ran a chunk"
            index = found["index"]
            victim = workers[index]
            for pid in _children(victim.pid):  # its horse, then itself
                _kill_quietly(pid)
            _kill_quietly(victim.pid)
            victim.wait()
            kills += 1
            workers[index] = _start_worker()
        batch_id = fan_out.id
        assert wait_for(lambda: (store.batch_progress(batch_id).get("completion") or {}).get("done") == 12, 240), (
            f"batch not completed: {store.batch_progress(batch_id)}")
        completion = JsonJob.fetch(batching.completion_job_id(batch_id), connection=redis_conn)
        assert wait_for(lambda: completion.get_status() == "finished", 30)
        time.sleep(1)  # a second completion would be enqueued by a late end within milliseconds
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
    progress = store.batch_progress(batch_id)
    print(f"\nbatch under {kills} kills: {progress['completion']}, completion jobs {progress['completion_jobs']}")
    assert kills == KILLS
    assert progress["completion_jobs"] == 1
    assert (progress["completion"]["done"], progress["completion"]["failed"]) == (12, 0)
    assert all(result is not None for result in store.get_results(ids))
