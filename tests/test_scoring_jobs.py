"""Scoring jobs end to end on the project's worker, run in the test process: submit, score, store, publish, notify."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from ielts_rq import enqueue, runtime, store
from ielts_rq.errors import NotFound, PermanentError
from ielts_rq.jobs import scoring as scoring_jobs
from ielts_rq.queueing.keys import key
from ielts_rq.queueing.queues import JsonJob, get_queue
from ielts_rq.runtime import Runtime

from .conftest import ROOT, cli, enqueue_past_the_door, wait_for
from .essays import GOOD_ESSAY, HALF_ESSAY, PROMPT
from .inprocess import work_in_process


def _listen(connection, channel, messages, ready):
    pubsub = connection.pubsub()
    pubsub.subscribe(channel)
    ready.set()
    for message in pubsub.listen():
        if message["type"] == "message":
            messages.append(json.loads(message["data"]))
            return


def test_submit_score_result_through_the_cli(redis_conn, tmp_path):
    essay = tmp_path / "essay.txt"
    essay.write_text(GOOD_ESSAY)
    submitted = cli("submit", str(essay), "--task", "writing_task_2", "--prompt", PROMPT, "--user", "learner-1")
    assert submitted.returncode == 0, submitted.stderr
    submission_id = submitted.stdout.strip()

    messages, ready = [], threading.Event()
    listener = threading.Thread(target=_listen, args=(redis_conn, key("results"), messages, ready), daemon=True)
    listener.start()
    ready.wait(5)

    assert cli("enqueue", "score", submission_id).returncode == 0
    work_in_process("scoring")
    listener.join(10)

    shown = cli("result", submission_id, "--json")
    result = json.loads(shown.stdout)
    assert result["submission_id"] == submission_id
    assert result["user_id"] == "learner-1"
    assert len(result["criteria_scores"]) == 4
    assert 5.0 <= result["overall_band_score"] <= 9.0
    assert messages and messages[0]["submission_id"] == submission_id
    assert messages[0]["overall_band_score"] == result["overall_band_score"]
    table = cli("result", submission_id).stdout
    assert "Task Response" in table and "Overall band" in table


def test_scoring_twice_while_pending_enqueues_one_job(redis_conn):
    submission_id = store.create_submission("learner-2", "writing_task_2", GOOD_ESSAY, PROMPT)
    first = enqueue("score_submission", submission_id)
    second = enqueue("score_submission", submission_id)
    assert first.id == second.id
    assert get_queue("scoring").count == 1


def test_a_submission_has_one_result_however_often_it_is_scored(redis_conn):
    submission_id = store.create_submission("learner-3", "writing_task_2", GOOD_ESSAY, PROMPT)
    first = scoring_jobs.score_submission(submission_id)
    scored_at = store.get_result(submission_id)["scored_at"]
    second = scoring_jobs.score_submission(submission_id)
    assert first == second
    assert store.get_result(submission_id)["scored_at"] == scored_at
    assert redis_conn.zcard(key("results", "by_user", "learner-3")) == 1


def test_identical_text_reuses_the_stored_result(redis_conn):
    first = store.create_submission("learner-4", "writing_task_2", GOOD_ESSAY, PROMPT)
    again = store.create_submission("learner-5", "writing_task_2", GOOD_ESSAY, PROMPT)
    scoring_jobs.score_submission(first)
    reused = scoring_jobs.score_submission(again)
    assert reused["scorer"] == f"reused:{first}"
    assert store.get_result(again)["overall_band_score"] == store.get_result(first)["overall_band_score"]


def test_unknown_submission_fails_the_job_with_a_clear_message(redis_conn):
    with pytest.raises(NotFound, match="submission sub_doesnotexist not found"):
        enqueue("score_submission", "sub_doesnotexist")  # refused at the door; past it, the job fails alone
    job = enqueue_past_the_door("score_submission", "sub_doesnotexist")
    work_in_process("scoring")
    job = JsonJob.fetch(job.id, connection=redis_conn)
    assert job.get_status() == "failed"
    assert "submission sub_doesnotexist not found" in job.latest_result().exc_string
    assert job.retries_left == 0  # bad input is not retried


def test_bad_ids_are_refused_before_enqueueing(redis_conn):
    with pytest.raises(PermanentError, match="invalid id"):
        enqueue("score_submission", "../../etc/passwd")
    result = cli("enqueue", "score", "has spaces")
    assert result.returncode == 2 and "invalid submission id" in result.stderr


def test_an_unscorable_answer_fails_permanently_with_the_scorer_reason(redis_conn):
    submission_id = store.create_submission(None, "writing_task_2", "word " * 3001, None)
    job = enqueue("score_submission", submission_id)
    work_in_process("scoring")
    job = JsonJob.fetch(job.id, connection=redis_conn)
    assert job.get_status() == "failed"
    assert "cannot be scored: text is too long: 3,001 words" in job.latest_result().exc_string
    with pytest.raises(PermanentError, match="text is empty"):
        store.create_submission(None, "writing_task_2", " \n ", None)


def test_score_batch_fans_out_and_reports_progress(redis_conn):
    ids = [store.create_submission(f"batch-{n}", "writing_task_2", HALF_ESSAY + f" Number {n}.", PROMPT)
           for n in range(5)]
    batch_job = enqueue("score_batch", ids + ids[:1])
    work_in_process("scoring")
    progress = json.loads(cli("batch", "status", batch_job.id, "--json").stdout)
    assert progress["total"] == 1 and progress["skipped"] == 1  # five submissions fit one job
    assert progress["counts"] == {"finished": 1}
    assert progress["complete"] and progress["items"] == progress["items_done"] == 5
    assert "5/5 submissions done, in 1/1 job(s) - complete" in cli("batch", "status", batch_job.id).stdout
    assert all(store.get_result(sid) for sid in ids)
    assert batch_job.return_value(refresh=True)["submissions"] == 5


def test_a_batch_names_the_submissions_that_could_not_be_scored(redis_conn):
    good = [store.create_submission(f"mixed-{n}", "writing_task_2", HALF_ESSAY + f" Mixed {n}.", PROMPT)
            for n in range(60)]
    missing = [f"sub_missing_{n}" for n in range(100)]
    batch_job = enqueue("score_batch", good + missing)
    work_in_process("scoring")
    progress = json.loads(cli("batch", "status", batch_job.id, "--json").stdout)
    assert progress["complete"] and progress["failed_items"] == 100
    assert set(progress["failed_item_examples"]) <= set(missing) and len(progress["failed_item_examples"]) == 20
    shown = cli("batch", "status", batch_job.id).stdout
    assert "complete, 100 item(s) failed" in shown and "sub_missing_" in shown and "not found" in shown


def test_a_chunk_scores_each_submission_and_fails_bad_ones_alone(redis_conn):
    good = [store.create_submission("chunk", "writing_task_2", HALF_ESSAY + f" Chunk {n}.", PROMPT) for n in range(3)]
    outcome = scoring_jobs.score_submissions(good[:2] + ["sub_gone"] + good[2:])
    assert outcome["scored"] == 3
    assert outcome["failed"] == [{"submission_id": "sub_gone", "error": "submission sub_gone not found"}]
    again = scoring_jobs.score_submissions(good)  # a retry scores nothing twice
    assert again["scored"] == 3 and redis_conn.zcard(key("results", "by_user", "chunk")) == 3


def test_cleanup_old_results_deletes_only_old_ones(redis_conn):
    old = store.create_submission("learner-6", "writing_task_2", GOOD_ESSAY, PROMPT)
    new = store.create_submission("learner-6", "writing_task_2", HALF_ESSAY, PROMPT)
    scoring_jobs.score_submission(old)
    scoring_jobs.score_submission(new)
    redis_conn.zadd(key("results", "by_time"), {old: 1_000_000})  # stored long ago
    outcome = scoring_jobs.cleanup_old_results(30)
    assert (outcome["deleted"], outcome["days_old"], outcome["removed"]["results"]) == (1, 30, 1)
    assert store.get_result(old) is None and store.get_result(new) is not None
    assert redis_conn.zscore(key("results", "by_user", "learner-6"), old) is None
    with pytest.raises(PermanentError, match="positive whole number"):
        scoring_jobs.cleanup_old_results(-1)


def test_generate_feedback_quotes_the_learners_own_mistakes(redis_conn):
    submission_id = store.create_submission("learner-7", "writing_task_2",
                                            GOOD_ESSAY.replace("benefits", "benifits"), PROMPT)
    feedback = scoring_jobs.generate_feedback(submission_id)
    assert [c["criterion"] for c in feedback["criteria"]][0] == "task_response"
    assert "benifits" in json.dumps(feedback)


def _service_answer(band):
    criteria = ["task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy"]
    return {"overall_band_score": band, "confidence": 0.9, "model_used": "platform-scorer-3",
            "criteria_scores": [{"criterion": c, "band_score": band, "confidence": 0.9, "feedback": "ok",
                                 "strengths": [], "weaknesses": [], "suggestions": []} for c in criteria],
            "detailed_feedback": "", "feature_analysis": {}, "processing_time": 0.1, "task_type": "writing_task_2",
            "language": "en", "timestamp": "2026-11-29T00:00:00Z"}


def _score_on_worker(redis_conn, service_url):
    submission_id = store.create_submission("learner-8", "writing_task_2", GOOD_ESSAY, PROMPT)
    job = enqueue("score_submission", submission_id)
    work_in_process("scoring", env={"SCORING_SERVICE_URL": service_url})
    return submission_id, JsonJob.fetch(job.id, connection=redis_conn)


def test_scoring_service_contract(redis_conn, scoring_service):
    scoring_service.answer("/score", (200, _service_answer(7.0)))
    submission_id, job = _score_on_worker(redis_conn, scoring_service.url)
    assert job.get_status() == "finished"
    assert store.get_result(submission_id)["scorer"] == "service"
    method, path, headers, body = scoring_service.requests[0]
    request = json.loads(body)
    assert (method, path) == ("POST", "/score")
    assert request["task_type"] == "writing_task_2" and request["text"] == GOOD_ESSAY
    assert request["enable_detailed_feedback"] is True and request["language"] == "en"


def test_scoring_service_500_then_200_is_retried(redis_conn, scoring_service):
    scoring_service.answer("/score", (500, {"error": "boom"}), (503, {"error": "busy"}), (200, _service_answer(6.5)))
    submission_id, job = _score_on_worker(redis_conn, scoring_service.url)
    assert job.get_status() == "finished"
    assert store.get_result(submission_id)["overall_band_score"] == 6.5


def test_scoring_service_429_is_retried(redis_conn, scoring_service):
    scoring_service.answer("/score", (429, {"error": "slow down"}), (200, _service_answer(6.0)))
    _, job = _score_on_worker(redis_conn, scoring_service.url)
    assert job.get_status() == "finished"


def test_scoring_service_400_fails_with_its_answer(redis_conn, scoring_service):
    scoring_service.answer("/score", (400, {"error": "text too short for the model"}))
    _, job = _score_on_worker(redis_conn, scoring_service.url)
    assert job.get_status() == "failed"
    error = job.latest_result().exc_string
    assert "scoring service refused the request (400)" in error and "text too short" in error


def test_scoring_service_malformed_answer_fails(redis_conn, scoring_service):
    scoring_service.answer("/score", (200, b"<html>gateway</html>"), )
    _, job = _score_on_worker(redis_conn, scoring_service.url)
    assert "malformed answer" in job.latest_result().exc_string
    scoring_service.answer("/score", (200, {"overall_band_score": 12, "criteria_scores": [], "model_used": "x"}))
    _, job = _score_on_worker(redis_conn, scoring_service.url)
    assert "overall band 12 is not a band" in job.latest_result().exc_string


@pytest.mark.parametrize("where, value", [("overall", 42), ("overall", -3), ("overall", "NaN"),
                                          ("overall", "Infinity"), ("criterion", "NaN"), ("criterion", 11.5)])
def test_no_band_outside_0_to_9_is_ever_stored(redis_conn, scoring_service, where, value):
    answer = _service_answer(6.5)
    target = answer if where == "overall" else answer["criteria_scores"][2]
    target["overall_band_score" if where == "overall" else "band_score"] = "@@BAND@@"
    body = json.dumps(answer).replace('"@@BAND@@"', str(value)).encode()  # NaN and Infinity as a lax encoder writes
    scoring_service.answer("/score", (200, body))
    submission_id, job = _score_on_worker(redis_conn, scoring_service.url)
    assert job.get_status() == "failed" and job.retries_left == 0
    assert f"{value if value not in ('NaN', 'Infinity') else float(value)} is not a band from 0 to 9" in \
        job.latest_result().exc_string
    assert store.get_result(submission_id) is None


def test_scoring_service_down_is_a_transient_failure(redis_conn):
    _, job = _score_on_worker(redis_conn, "http://127.0.0.1:9")
    assert job.get_status() == "scheduled"  # retried later, with backoff
    assert job.retries_left == 2
    shown = json.loads(cli("job", "show", job.id, "--json").stdout)
    assert "TransientError: scoring service unreachable" in shown["last_error"]


def test_jobs_scoring_the_same_submissions_at_once_call_the_service_once_each(redis_conn):
    from .misbehaving_service import MisbehavingService

    service = MisbehavingService("slow_ok", body=json.dumps(_service_answer(6.0)).encode())
    ids = [store.create_submission(f"race-{n}", "writing_task_2", HALF_ESSAY + f" Race {n}.", PROMPT)
           for n in range(30)]
    batch = enqueue("score_batch", ids)
    singles = [enqueue("score_submission", sid) for sid in ids]
    env = {**os.environ, "SCORING_SERVICE_URL": service.url}
    try:
        workers = [subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "scoring", "--burst"],
                                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                   for _ in range(3)]
        for worker in workers:
            worker.wait(timeout=120)
        # Jobs that found a submission taken are retried 10 s later, and find its result: wait until every
        # retry is due (at once when none was put off).
        scheduled = get_queue("scoring", redis_conn).scheduled_job_registry
        assert wait_for(lambda: redis_conn.zcount(scheduled.key, f"({time.time()}", "+inf") == 0, 60)
        work_in_process("scoring", env={"SCORING_SERVICE_URL": service.url})
    finally:
        service.close()
    assert service.requests == 30  # one call per submission, whoever scored it
    assert all(store.get_result(sid)["overall_band_score"] == 6.0 for sid in ids)
    statuses = {JsonJob.fetch(job.id, connection=redis_conn).get_status() for job in [batch, *singles]}
    assert statuses == {"finished"}


def test_the_retry_of_a_killed_job_takes_back_its_own_claim(redis_conn):
    # Given a scoring job whose first attempt was killed mid-score, leaving its claim for the job's timeout
    sid = store.create_submission("killed-claim", "writing_task_2", HALF_ESSAY, PROMPT)
    job = enqueue("score_submission", sid)
    redis_conn.set(key("claim", "scoring", sid), f"{job.id}:claim_killedattempt", ex=600)
    # When it runs again, it scores at once instead of waiting out its own claim
    work_in_process("scoring")
    job = JsonJob.fetch(job.id, connection=redis_conn)
    assert job.get_status() == "finished"
    assert store.get_result(sid) is not None
    assert redis_conn.get(key("claim", "scoring", sid)) is None  # and gives the claim back


@pytest.mark.parametrize("holder_status, taken_over", [("started", False), ("scheduled", True), ("failed", True),
                                                       (None, True)])
def test_a_claim_counts_only_while_its_job_runs(redis_conn, holder_status, taken_over):
    sid = store.create_submission("claims", "writing_task_2", HALF_ESSAY, PROMPT)
    holder = enqueue("score_submission", sid)
    if holder_status:
        redis_conn.hset(f"rq:job:{holder.id}", "status", holder_status)
    else:
        redis_conn.delete(f"rq:job:{holder.id}")  # its job hash expired or was deleted
    assert store.claim_scoring(sid, f"{holder.id}:claim_first", 600, job_id=holder.id)
    assert store.claim_scoring(sid, "another-job:claim_second", 600, job_id="another-job") is taken_over


def test_a_chunk_stopped_by_its_soft_limit_keeps_what_it_scored_and_its_retry_resumes(redis_conn):
    from ielts_rq.policies import POLICIES

    from .misbehaving_service import MisbehavingService

    slow = MisbehavingService("slow_ok", body=json.dumps(_service_answer(6.0)).encode())  # 0.2 s an answer
    ids = [store.create_submission(f"slow-{n}", "writing_task_2", HALF_ESSAY + f" Slow {n}.", PROMPT)
           for n in range(30)]
    # Six seconds of answers against a three-second timeout (the policy's is 600 s against 13 s an answer).
    job = get_queue("scoring").enqueue_call(POLICIES["score_submissions"].func, args=(ids,), timeout=3)
    try:
        work_in_process("scoring", env={"SCORING_SERVICE_URL": slow.url})
    finally:
        slow.close()
    error = JsonJob.fetch(job.id, connection=redis_conn).latest_result().exc_string or ""
    assert "soft time limit" in error and "JobTimeoutException" not in error  # it stopped itself before the kill
    saved = [sid for sid in ids if store.get_result(sid) is not None]
    assert 0 < len(saved) < 30, len(saved)
    fast = MisbehavingService("ok", body=json.dumps(_service_answer(6.0)).encode())
    try:
        with runtime.use(Runtime.from_env({**os.environ, "SCORING_SERVICE_URL": fast.url})):
            scoring_jobs.score_submissions(ids)
    finally:
        fast.close()
    assert fast.requests == 30 - len(saved)  # the retry scores only what the first attempt had not saved
    assert all(store.get_result(sid)["overall_band_score"] == 6.0 for sid in ids)


@pytest.mark.parametrize("band", [float("nan"), float("inf"), 42, -3, "7"])
def test_no_result_with_a_band_that_is_not_a_band_is_stored(redis_conn, band):
    sid = store.create_submission("learner-nan", "writing_task_2", GOOD_ESSAY, PROMPT)
    answer = _service_answer(6.0)
    answer["criteria_scores"][1]["band_score"] = band
    with pytest.raises(PermanentError, match="not stored"):
        store.save_result(store.get_submission(sid), answer, "service")
    assert store.get_result(sid) is None and redis_conn.zcard(key("results", "by_time")) == 0
