"""A batch runs its completion job once its last job has ended, exactly once, with its counts."""

import json
import threading
from datetime import date, timedelta

from ielts_rq import enqueue, store
from ielts_rq.queueing import batching
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import cli
from .essays import GOOD_ESSAY, PROMPT
from .inprocess import work_in_process


def _status(batch_id) -> dict:
    shown = cli("batch", "status", batch_id, "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def _completion_job(connection, batch_id):
    return JsonJob.fetch(batching.completion_job_id(batch_id), connection=connection)


def test_a_score_batch_completes_once_with_its_counts(redis_conn):
    ids = [store.create_submission(f"learner-{n % 7}", "writing_task_2", f"{GOOD_ESSAY} ({n})", PROMPT)
           for n in range(120)]
    missing = ["sub_missing_1", "sub_missing_2", "sub_missing_3"]
    queued = cli("enqueue", "score-batch", *ids, *missing)
    assert queued.returncode == 0, queued.stderr
    batch_id = queued.stdout.strip()
    work_in_process("scoring", "health")
    status = _status(batch_id)
    assert status["total"] == 3  # 123 submissions in chunks of 50
    assert status["completion"]["done"] == 3 and status["completion"]["failed"] == 0
    assert status["completion"]["failed_items"] == 3  # the missing submissions, inside finished chunks
    assert status["completion_jobs"] == 1
    completion = _completion_job(redis_conn, batch_id)
    assert completion.get_status() == "finished"
    assert completion.return_value()["done"] == 3
    shown = cli("batch", "status", batch_id)
    assert "completed" in shown.stdout and "3 done, 0 failed" in shown.stdout


def test_a_file_batch_counts_its_failed_jobs(redis_conn):
    files = [{"kind": "image", "file_key": "uploads/missing-1.png"}, {"kind": "audio", "file_key": "uploads/missing-2.wav"}]
    fan_out = enqueue("process_batch", files)
    work_in_process("file_processing", "health")
    status = store.batch_progress(fan_out.id)
    assert status["completion"]["done"] == 0 and status["completion"]["failed"] == 2
    assert status["completion_jobs"] == 1


def test_the_weekly_fan_out_completes_when_its_last_report_is_sent(redis_conn):
    for n in range(3):
        store.save_user(f"weekly-{n}", email=f"weekly{n}@example.com", name=f"Learner {n}")
        store.create_submission(f"weekly-{n}", "writing_task_2", GOOD_ESSAY, PROMPT)
    fan_out = enqueue("send_weekly_reports", (date.today() + timedelta(days=1)).isoformat())
    work_in_process("email", "health")
    batch_id = fan_out.latest_result().return_value["batch_id"]
    status = store.batch_progress(batch_id)
    assert status["total"] == 3
    assert (status["completion"]["done"], status["completion"]["failed"]) == (3, 0)
    assert status["completion_jobs"] == 1


def test_a_batch_whose_jobs_all_ended_before_its_total_was_saved_completes_when_it_is(redis_conn):
    for job_id in ("job-a", "job-b"):
        batching.item_ended("batch_early", job_id, "finished")
    assert get_queue("health").count == 0  # its total is not known yet
    store.save_batch("batch_early", "scoring", ["job-a", "job-b"])
    assert get_queue("health").job_ids == [batching.completion_job_id("batch_early")]
    batching.item_ended("batch_early", "job-b", "finished")  # a job run again after a kill ends again
    store.save_batch("batch_early", "scoring", ["job-a", "job-b"])
    assert get_queue("health").count == 1


def test_many_last_ends_at_once_make_one_completion_job(redis_conn):
    jobs = [f"job-{n}" for n in range(40)]
    store.save_batch("batch_race", "scoring", jobs)
    for job_id in jobs[:-8]:
        batching.item_ended("batch_race", job_id, "finished")
    start = threading.Barrier(16)

    def end(job_id):  # each of the last eight ends twice (a job killed after its count, and run again)
        start.wait()
        batching.item_ended("batch_race", job_id, "failed")

    threads = [threading.Thread(target=end, args=(job_id,)) for job_id in jobs[-8:] * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert get_queue("health").job_ids == [batching.completion_job_id("batch_race")]
    assert batching.ended_counts("batch_race") == {"done": 32, "failed": 8, "total": 40,
                                                   "completion_job": batching.completion_job_id("batch_race"),
                                                   "completion_jobs": 1}
