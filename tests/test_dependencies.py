"""Jobs that wait for others, and jobs that follow a job's success or failure, on the project's worker run in-process."""

import json

import pytest

from ielts_rq import enqueue, store
from ielts_rq.errors import NotFound, PermanentError
from ielts_rq.policies import UnknownJob
from ielts_rq.queueing.callbacks import _follow_up_id
from ielts_rq.queueing.queues import JsonJob
from ielts_rq.queueing.records import ON_SUCCESS

from .conftest import cli
from .inprocess import work_in_process
from .essays import GOOD_ESSAY, PROMPT


def _submission() -> str:
    return store.create_submission("learner-1", "writing_task_2", GOOD_ESSAY, PROMPT)


def _job(connection, job_id):
    return JsonJob.fetch(job_id, connection=connection)


def test_a_job_after_another_through_the_cli_runs_once_its_parent_has_finished(redis_conn):
    submission_id = _submission()
    parent = cli("enqueue", "score", submission_id)
    assert parent.returncode == 0, parent.stderr
    parent_id = parent.stdout.strip()
    child = cli("enqueue", "feedback", submission_id, "--after", parent_id, "--json")
    assert child.returncode == 0, child.stderr
    child_id = json.loads(child.stdout)["job_id"]
    assert json.loads(child.stdout)["status"] == "deferred"  # waits: not on the queue yet
    work_in_process("scoring")
    parent_job, child_job = _job(redis_conn, parent_id), _job(redis_conn, child_id)
    assert parent_job.get_status() == "finished" and child_job.get_status() == "finished"
    assert child_job.started_at >= parent_job.ended_at


def test_a_job_waiting_for_a_job_that_fails_never_runs(redis_conn):
    parent = enqueue("process_image", "uploads/no-such-page.png")
    child = enqueue("health_check", depends_on=parent.id)
    sibling = enqueue("health_check", depends_on=[parent, enqueue("health_check")])
    work_in_process("file_processing", "health")
    assert _job(redis_conn, parent.id).get_status() == "failed"
    assert _job(redis_conn, child.id).get_status() == "deferred"
    assert _job(redis_conn, sibling.id).get_status() == "deferred"


def test_waiting_for_a_job_that_is_not_there_or_failed_is_refused_saying_which(redis_conn):
    with pytest.raises(NotFound, match="job no-such-job not found: a job can only wait for a job that exists"):
        enqueue("health_check", depends_on="no-such-job")
    refused = cli("enqueue", "health-check", "--after", "no-such-job")
    assert refused.returncode == 1
    assert "job no-such-job not found" in refused.stderr and "Traceback" not in refused.stderr
    with pytest.raises(PermanentError, match="is not a job id"):
        enqueue("health_check", depends_on="../etc")
    failed = enqueue("process_image", "uploads/no-such-page.png")
    work_in_process("file_processing")
    with pytest.raises(PermanentError, match=f"job {failed.id} has failed: a job waiting for it would never run"):
        enqueue("health_check", depends_on=failed.id)
    assert cli("enqueue", "health-check", "--after", failed.id, "--in", "5").returncode == 2


def test_a_unique_job_may_wait_for_another_and_stays_one_job(redis_conn):
    submission_id = _submission()
    parent = enqueue("health_check")
    first = enqueue("score_submission", submission_id, depends_on=parent.id)
    again = enqueue("score_submission", submission_id, depends_on=parent.id)
    assert first.id == again.id == f"score_submission-{submission_id}"
    work_in_process("health", "scoring")
    assert store.get_result(submission_id) is not None


def test_success_and_failure_enqueue_the_registered_job_they_name(redis_conn):
    submission_id = _submission()
    scored = enqueue("score_submission", submission_id, on_success=("generate_feedback", submission_id),
                     on_failure="health_check")
    broken = enqueue("process_image", "uploads/missing.png", on_success="health_check",
                     on_failure=("cleanup_old_results", 45))
    work_in_process("scoring", "file_processing")
    assert _job(redis_conn, f"generate_feedback-{submission_id}").get_status() == "finished"
    assert not redis_conn.exists(f"rq:job:{_follow_up_id(scored.id, 'on_failure')}")
    follow_up = _job(redis_conn, _follow_up_id(broken.id, "on_failure"))
    assert follow_up.func_name.endswith("cleanup_old_results") and follow_up.args == [45]
    assert follow_up.get_status() == "finished"
    assert not redis_conn.exists(f"rq:job:{_follow_up_id(broken.id, 'on_success')}")


def test_a_follow_up_must_be_a_registered_job_with_arguments_it_takes(redis_conn):
    with pytest.raises(UnknownJob, match="unknown job 'os.system'"):
        enqueue("health_check", on_success="os.system")
    with pytest.raises(PermanentError, match="days_old must be a positive whole number"):
        enqueue("health_check", on_failure=("cleanup_old_results", -3))
    with pytest.raises(PermanentError, match="on_success must be a job name"):
        enqueue("health_check", on_success={"job": "health_check"})
    assert redis_conn.llen("rq:queue:health") == 0


@pytest.mark.parametrize("follow_up", [{"job": "os.system", "args": ["touch /tmp/x"]},
                                       {"job": "ielts_rq.jobs.health.health_check", "args": []},
                                       "health_check"])
def test_a_follow_up_written_into_redis_names_a_registered_job_or_nothing_happens(redis_conn, follow_up):
    job = enqueue("health_check", on_success="health_check")
    meta = json.loads(redis_conn.hget(job.key, "meta"))
    redis_conn.hset(job.key, "meta", json.dumps({**meta, "on_success": follow_up}))
    worker = work_in_process("health")
    assert _job(redis_conn, job.id).get_status() == "finished"  # the job itself ran
    assert "on_success refused" in worker.stderr
    assert redis_conn.llen("rq:queue:health") == 0
    assert not redis_conn.exists(f"rq:job:{_follow_up_id(job.id, 'on_success')}")


@pytest.mark.parametrize("name", ["ielts_rq.queueing.callbacks._enqueue_follow_up", "ielts_rq.queueing.enqueue.enqueue",
                                  "ielts_rq.jobs.health.health_check", ON_SUCCESS + "s"])
def test_a_record_naming_any_other_callback_is_still_refused(redis_conn, name):
    job = enqueue("health_check", on_success="health_check")
    redis_conn.hset(job.key, "success_callback_name", name)
    work_in_process("health")
    refused = _job(redis_conn, job.id)
    assert refused.get_status() == "failed"
    assert "is not a callback ielts-rq sets (only its own): refused without importing it" in refused.latest_result().exc_string
    assert redis_conn.llen("rq:queue:health") == 0
