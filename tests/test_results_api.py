"""Waiting for and listening to results from Python, and one result shape everywhere it is shown.

Each result comes from a real worker process; the shape is checked against the documented JSON Schema.
"""

import json
import subprocess
import sys
import threading
import time

import jsonschema
import pytest

from ielts_rq import NotFound, ResultTimeout, ScoringFailed, enqueue, listen_for_results, store, wait_for_result

from .conftest import ROOT, cli
from .essays import GOOD_ESSAY, HALF_ESSAY, PROMPT
from .http_stub import StubServer, scored

SCHEMA = json.loads((ROOT / "docs" / "reference" / "result.schema.json").read_text())


def _background_worker(*queues, env=None) -> subprocess.Popen:
    """A real burst worker that starts now and runs beside the test."""
    import os

    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", *queues, "--burst"], cwd=ROOT,
                            env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def _finished(worker: subprocess.Popen) -> None:
    _, error = worker.communicate(timeout=120)
    assert worker.returncode == 0, error[-2000:]


def test_wait_for_result_returns_the_stored_result_once_a_worker_scores_it(redis_conn):
    submission_id = store.create_submission("learner-w1", "writing_task_2", GOOD_ESSAY, PROMPT)
    job = enqueue("score_submission", submission_id)
    worker = _background_worker("scoring")
    try:
        result = wait_for_result(submission_id, timeout=90, job=job)
    finally:
        _finished(worker)
    assert result == store.get_result(submission_id)
    assert result["submission_id"] == submission_id and result["user_id"] == "learner-w1"
    jsonschema.validate(result, SCHEMA)


@pytest.mark.timing
def test_waiting_gives_up_after_its_timeout_with_no_worker(redis_conn):
    submission_id = store.create_submission("learner-w2", "writing_task_2", GOOD_ESSAY, PROMPT)
    enqueue("score_submission", submission_id)
    started = time.monotonic()
    with pytest.raises(ResultTimeout, match=f"submission {submission_id} has no result after 1.5 s"):
        wait_for_result(submission_id, timeout=1.5)
    assert 1.5 <= time.monotonic() - started < 5
    with pytest.raises(TimeoutError):  # what a caller that knows nothing of ielts-rq catches
        wait_for_result(submission_id, timeout=0.2)


@pytest.mark.timing
def test_waiting_for_a_submission_that_does_not_exist_fails_at_once(redis_conn):
    started = time.monotonic()
    with pytest.raises(NotFound):
        wait_for_result("sub_doesnotexist", timeout=30)
    assert time.monotonic() - started < 5


def test_a_failed_scoring_job_ends_the_wait_with_its_error(redis_conn):
    service = StubServer()
    service.answer("/score", (400, {"error": "text too short for the model"}))
    try:
        submission_id = store.create_submission("learner-w3", "writing_task_2", GOOD_ESSAY, PROMPT)
        job = enqueue("score_submission", submission_id)
        worker = _background_worker("scoring", env={"SCORING_SERVICE_URL": service.url})
        try:
            started = time.monotonic()
            with pytest.raises(ScoringFailed, match="failed without a result.*refused the request \\(400\\)"):
                wait_for_result(submission_id, timeout=90, job=job)
            assert time.monotonic() - started < 60
        finally:
            _finished(worker)
    finally:
        service.close()


def test_listen_for_results_gives_each_stored_result_of_the_learner_asked_for(redis_conn):
    ours = [store.create_submission("learner-l1", "writing_task_2", text, PROMPT) for text in (GOOD_ESSAY, HALF_ESSAY)]
    theirs = store.create_submission("learner-l2", "writing_task_2", GOOD_ESSAY + " Thank you.", PROMPT)
    heard, listening = [], threading.Event()

    def listen():
        results = listen_for_results(user_id="learner-l1", idle_timeout=60)
        listening.set()
        for result in results:
            heard.append(result)
            if len(heard) == 2:
                return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert listening.wait(5)
    for submission_id in (theirs, *ours):
        enqueue("score_submission", submission_id)
    _finished(_background_worker("scoring"))
    listener.join(30)
    assert sorted(result["submission_id"] for result in heard) == sorted(ours)
    for result in heard:
        assert result == store.get_result(result["submission_id"])
        jsonschema.validate(result, SCHEMA)


def test_the_cli_prints_one_result_shape_whether_it_waits_or_reads(redis_conn, tmp_path):
    essay = tmp_path / "essay.txt"
    essay.write_text(GOOD_ESSAY)
    submission_id = cli("submit", str(essay), "--task", "writing_task_2", "--prompt", PROMPT).stdout.strip()
    worker = _background_worker("scoring")
    try:
        waited = cli("enqueue", "score", submission_id, "--wait", "--json", "--wait-timeout", "90")
    finally:
        _finished(worker)
    assert waited.returncode == 0, waited.stderr
    read = cli("result", submission_id, "--json")
    assert json.loads(waited.stdout) == json.loads(read.stdout) == store.get_result(submission_id)
    jsonschema.validate(json.loads(waited.stdout), SCHEMA)
    worker = _background_worker("scoring")  # scored again on request: it finds its stored result
    try:
        table = cli("enqueue", "score", submission_id, "--wait", "--wait-timeout", "90").stdout
    finally:
        _finished(worker)
    assert table == cli("result", submission_id).stdout and "Overall band" in table


def test_a_speaking_result_and_a_services_result_fit_the_schema(redis_conn):
    service = StubServer()
    service.answer("/score", scored())
    try:
        spoken = store.create_submission("learner-s1", "speaking_part_2", GOOD_ESSAY, PROMPT)
        enqueue("score_submission", spoken)
        _finished(_background_worker("scoring"))
        by_service = store.create_submission(None, "writing_task_2", HALF_ESSAY, PROMPT)
        enqueue("score_submission", by_service)
        _finished(_background_worker("scoring", env={"SCORING_SERVICE_URL": service.url}))
    finally:
        service.close()
    for submission_id in (spoken, by_service):
        jsonschema.validate(store.get_result(submission_id), SCHEMA)
    assert store.get_result(by_service)["scorer"] == "service"
