"""Rate limits protect outside providers, on real workers: embedded engines run unlimited, a configured
scoring service gets no more than its limit across workers, and a job that waits keeps its place."""

import os
import signal
import subprocess
import sys

import pytest

from ielts_rq import enqueue, store
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import ROOT, cli, run_worker, wait_for
from .essays import GOOD_ESSAY, PROMPT
from .http_stub import StubServer

WINDOW = 30  # seconds of the rate limits these tests set: RATE_LIMITS takes a window (the default is a minute)


def _score_jobs(count: int, same_text: bool = False) -> list:
    """``count`` score_submission jobs; of one text (scored once, then reused) or each its own."""
    ids = [store.create_submission(f"learner-{n}", "writing_task_2",
                                   GOOD_ESSAY if same_text else f"{GOOD_ESSAY}\n\nWritten by learner {n}.", PROMPT)
           for n in range(count)]
    return [enqueue("score_submission", submission_id) for submission_id in ids]


def _jobs(jobs, redis_conn) -> list:
    return [JsonJob.fetch(job.id, connection=redis_conn) for job in jobs]


def _worker(*queues, env, log):
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", *queues, "--mode", "simple"], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=open(log, "w"))


def _stop(workers) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


@pytest.mark.timeout(300)
def test_a_burst_on_the_built_in_scorer_is_never_deferred(redis_conn):
    jobs = _score_jobs(150, same_text=True)
    result = run_worker("scoring", mode="simple", timeout=280)
    assert "deferred" not in result.stderr
    done = _jobs(jobs, redis_conn)
    assert [job.get_status() for job in done].count("finished") == 150
    assert not any(job.meta.get("deferrals") for job in done)
    assert get_queue("scoring", redis_conn).scheduled_job_registry.count == 0
    # More than a 60-a-minute limit would let through within one minute.
    started = sorted(job.started_at for job in done)
    assert any((started[i + 60] - started[i]).total_seconds() < 60 for i in range(len(started) - 60)), \
        f"150 jobs took {(started[-1] - started[0]).total_seconds():.0f}s"


@pytest.mark.timeout(300)
def test_a_scoring_service_gets_its_limit_across_two_workers_and_waiting_jobs_keep_their_place(
        redis_conn, scoring_service, tmp_path):
    jobs = _score_jobs(40)
    first_enqueued = {job.id: JsonJob.fetch(job.id, connection=redis_conn).enqueued_at for job in jobs}
    # A window of WINDOW seconds rather than the default minute: the same limiter, a shorter wait.
    env = {"SCORING_SERVICE_URL": scoring_service.url, "RATE_LIMITS": f"scoring-service=30/{WINDOW}s"}
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [_worker("scoring", env=env, log=log) for log in logs]
    try:
        # The first 30 run at once; the other 10 wait for the window, none fails.
        assert wait_for(lambda: [j.get_status() for j in _jobs(jobs, redis_conn)].count("finished") == 30, 90)
        assert wait_for(lambda: sum(bool(j.meta.get("deferrals")) for j in _jobs(jobs, redis_conn)) == 10, 30)
        assert [j.get_status() for j in _jobs(jobs, redis_conn)].count("finished") == 30
        assert len(scoring_service.requests) == 30
        assert wait_for(lambda: all(j.get_status() == "finished" for j in _jobs(jobs, redis_conn)), 150)
    finally:
        _stop(workers)
    done = _jobs(jobs, redis_conn)
    started = sorted(job.started_at for job in done)
    assert (started[30] - started[0]).total_seconds() >= WINDOW - 1, "the 31st call went within the first call's window"
    deferred = [job for job in done if job.meta.get("deferrals")]
    assert len(deferred) == 10
    log_text = "".join(log.read_text() for log in logs)
    for job in deferred:
        assert job.enqueued_at == first_enqueued[job.id], "a deferred job was re-stamped"
        assert (job.started_at - job.enqueued_at).total_seconds() >= WINDOW / 2  # its whole wait shows
        assert log_text.count(f"job deferred score_submission {job.id}") == 1, log_text[-2000:]
    assert log_text.count("job deferred") == 10


def test_the_old_per_queue_form_limits_the_providers_of_that_queue(redis_conn, scoring_service):
    jobs = _score_jobs(3)
    result = run_worker("scoring", env={"SCORING_SERVICE_URL": scoring_service.url, "RATE_LIMITS": "scoring=2"})
    assert "scoring=2 is the old per-queue form, applied to scoring-service=2" in result.stderr
    statuses = [job.get_status() for job in _jobs(jobs, redis_conn)]
    assert statuses.count("finished") == 2 and statuses.count("scheduled") == 1
    assert len(scoring_service.requests) == 2


def test_the_old_form_without_a_provider_limits_nothing_and_says_so(redis_conn):
    jobs = _score_jobs(3)
    result = run_worker("scoring", env={"RATE_LIMITS": "scoring=1"})
    assert "deferred" not in result.stderr
    assert [job.get_status() for job in _jobs(jobs, redis_conn)] == ["finished"] * 3


@pytest.mark.parametrize("value, says", [
    ("email=5,smtp=50", "names both the queue 'email' (the old form) and the provider 'smtp'"),
    ("scoring-servic=5", "unknown key 'scoring-servic' in 'scoring-servic=5': the keys are the providers "
                         "scoring-service, ocr-service, speech-service, sendgrid, smtp"),
    ("sendgrid=0", "value for sendgrid must be a whole number of calls a minute (1 to 1,000,000,000), or per a "
                   "window of up to 7 days: 5/s, 1000/h, 5000/d, 30/10s, got '0'"),
    ("ocr-service=5/ms", "value for ocr-service must be a whole number of calls a minute"),
    ("smtp=10/0s", "value for smtp must be a whole number of calls a minute"),
])
def test_a_rate_limit_that_cannot_be_read_is_refused_with_the_provider_keys(server, value, says):
    result = cli("worker", "scoring", "--burst", env={"RATE_LIMITS": value})
    assert result.returncode != 0
    assert says in result.stderr


def test_the_old_form_for_a_queue_without_providers_is_said_to_have_no_effect(server):
    result = cli("worker", "analytics", "--burst", env={"RATE_LIMITS": "analytics=10"})
    assert result.returncode == 0, result.stderr
    assert "analytics=10 has no effect" in result.stderr


def test_ocr_and_speech_services_each_get_their_own_limit_on_the_file_queue(redis_conn):
    import uuid

    from ielts_rq.storage import get_storage
    from tests import media_fixtures as mf

    service = StubServer()
    service.answer("/ocr/extract", (200, {"text": "Some people believe", "confidence": 91.5, "word_count": 3}))
    service.answer("/transcribe", (200, {"text": "many people", "confidence": 0.9, "duration": 2.0, "words": []}))
    images, recordings = [], []
    for _ in range(3):
        image, recording = f"uploads/{uuid.uuid4().hex}.png", f"uploads/{uuid.uuid4().hex}.wav"
        get_storage().put(image, mf.png_claiming_size(40, 20))
        get_storage().put(recording, mf.silent_wav(0.5, rate=16000))
        images.append(enqueue("process_image", image))
        recordings.append(enqueue("process_audio", recording))
    try:
        run_worker("file_processing", env={"OCR_SERVICE_URL": service.url, "SPEECH_SERVICE_URL": service.url,
                                           "RATE_LIMITS": "ocr-service=2,speech-service=1"})
    finally:
        service.close()
    assert [job.get_status() for job in _jobs(images, redis_conn)].count("finished") == 2
    assert [job.get_status() for job in _jobs(recordings, redis_conn)].count("finished") == 1
    assert [job.get_status() for job in _jobs(images + recordings, redis_conn)].count("scheduled") == 3
    paths = [path for _, path, _, _ in service.requests]
    assert (paths.count("/ocr/extract"), paths.count("/transcribe")) == (2, 1)


@pytest.mark.timeout(300)
def test_a_chunk_of_submissions_takes_a_slot_per_call_to_the_scoring_service(redis_conn, scoring_service, tmp_path):
    ids = [store.create_submission(f"learner-{n}", "writing_task_2", f"{GOOD_ESSAY}\n\nBy learner {n}.", PROMPT)
           for n in range(4)]
    job = enqueue("score_submissions", ids)
    env = {"SCORING_SERVICE_URL": scoring_service.url, "RATE_LIMITS": f"scoring-service=3/{WINDOW}s"}
    worker = _worker("scoring", env=env, log=tmp_path / "worker.log")
    try:
        assert wait_for(lambda: len(scoring_service.requests) == 3, 60)
        assert wait_for(lambda: JsonJob.fetch(job.id, connection=redis_conn).get_status() == "finished", 150)
    finally:
        _stop([worker])
    done = JsonJob.fetch(job.id, connection=redis_conn)
    assert done.return_value()["scored"] == 4 and len(scoring_service.requests) == 4
    # The fourth call waited inside the job for the first call's window to pass.
    assert (done.ended_at - done.started_at).total_seconds() >= WINDOW - 1


@pytest.mark.parametrize("value, calls, window", [("4", 4, 60), ("4/min", 4, 60), ("3/s", 3, 1), ("2/5s", 2, 5),
                                                  ("1000/h", 1000, 3600), ("2/10 seconds", 2, 10)])
def test_a_rate_limit_names_its_window_and_a_call_over_it_waits_for_that_window(redis_conn, use_settings, value,
                                                                               calls, window):
    from ielts_rq.queueing.ratelimit import seconds_until_allowed

    use_settings(SCORING_SERVICE_URL="http://127.0.0.1:9", RATE_LIMITS=f"scoring-service={value}")
    waits = [seconds_until_allowed("scoring-service", redis_conn) for _ in range(min(calls, 5) + 1)]
    if calls <= 5:
        assert waits[:calls] == [0.0] * calls  # within the limit: at once
        assert window / 2 < waits[calls] <= window  # one over: until the first call's window has passed
    else:
        assert waits == [0.0] * len(waits)
