"""Services that hang, trickle, flood or ask to be called later: bounded time and memory, a clear error.

Real HTTP servers on loopback misbehave; the client must give up within its
deadline with a message naming the service, never read an answer it cannot
hold, and hand a Retry-After back to the job rather than wait in the worker.
"""

import json
import resource
import time

import pytest

from ielts_rq import enqueue, store
from ielts_rq.errors import PermanentError, RetryLater, TransientError
from ielts_rq.queueing.queues import JsonJob
from ielts_rq.services import http

from .conftest import run_worker
from .misbehaving_service import MisbehavingService


@pytest.fixture
def service(request):
    server = MisbehavingService(request.param, body=json.dumps({"text": "x" * 40}).encode())
    yield server
    server.close()


def _call(url: str, deadline: float = 2.0):
    started = time.monotonic()
    try:
        return http.post("scoring", f"{url}/score", json={}, timeout=(1.0, 5.0), deadline=deadline)
    finally:
        _call.seconds = time.monotonic() - started


@pytest.mark.timing
@pytest.mark.parametrize("service", ["hang"], indirect=True)
def test_a_hanging_service_fails_within_the_deadline(service):
    with pytest.raises(TransientError, match="scoring service"):
        _call(service.url)
    assert _call.seconds < 4


@pytest.mark.timing
@pytest.mark.parametrize("service", ["trickle"], indirect=True)
def test_a_trickling_answer_is_cut_at_the_deadline(service):
    with pytest.raises(TransientError, match="still sending its answer when the deadline passed"):
        _call(service.url)
    assert _call.seconds < 4


@pytest.mark.parametrize("service", ["huge"], indirect=True)
def test_an_answer_declaring_2_gb_is_refused_unread(service):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(PermanentError, match="answer of 2048 MB; at most 16 MB is read"):
        _call(service.url)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 * 1024  # KB: under 64 MB more


@pytest.mark.parametrize("service", ["endless"], indirect=True)
def test_an_endless_answer_is_cut_at_the_size_cap(service):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(PermanentError, match="answer over 16 MB; the rest was not read"):
        _call(service.url, deadline=60)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 * 1024


@pytest.mark.timing
@pytest.mark.parametrize("service", ["retry_after"], indirect=True)
def test_retry_after_is_handed_back_not_waited_out(service):
    with pytest.raises(RetryLater) as raised:
        _call(service.url, deadline=60)
    assert raised.value.seconds == 3600 and _call.seconds < 2 and service.requests == 1


@pytest.mark.parametrize("service", ["retry_after"], indirect=True)
def test_a_job_told_to_come_back_in_an_hour_is_rescheduled_and_frees_the_worker(redis_conn, service):
    submission_id = store.create_submission("learner-ra", "writing_task_2", "An essay about cities. " * 30, "Q")
    job = enqueue("score_submission", submission_id)
    started = time.monotonic()
    run_worker("scoring", env={"SCORING_SERVICE_URL": service.url})
    assert time.monotonic() - started < 30  # the burst worker was not held for the hour
    job = JsonJob.fetch(job.id, connection=redis_conn)
    assert job.get_status() == "scheduled"
    due = redis_conn.zscore("rq:scheduled:scoring", job.id)
    assert due - time.time() > 3500  # no sooner than the service asked
    assert "asked to be called again in 3600 s" in job.meta["last_error"]


@pytest.mark.parametrize("service", ["hang"], indirect=True)
def test_a_hanging_service_fails_the_job_with_its_name_not_a_bare_timeout(redis_conn, service):
    submission_id = store.create_submission("learner-h", "writing_task_2", "An essay about cities. " * 30, "Q")
    job = enqueue("score_submission", submission_id)
    run_worker("scoring", env={"SCORING_SERVICE_URL": service.url, "SERVICE_DEADLINE": "3",
                               "SERVICE_READ_TIMEOUT": "30"})
    job = JsonJob.fetch(job.id, connection=redis_conn)
    assert job.get_status() == "scheduled"  # a transient failure, retried later
    assert "scoring service" in job.meta["last_error"] and "JobTimeoutException" not in job.meta["last_error"]
