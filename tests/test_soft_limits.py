"""A job is told it is near its timeout, and saves its work before the worker's hard kill."""

import json

import pytest

from ielts_rq import store
from ielts_rq.policies import POLICIES
from ielts_rq.queueing.deadline import soft_margin
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import run_worker
from .essays import HALF_ESSAY, PROMPT
from .misbehaving_service import MisbehavingService


@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_a_job_reads_its_soft_limit_and_saves_before_its_hard_timeout(redis_conn, tmp_path, mode):
    saved = tmp_path / "saved"
    job = get_queue("health").enqueue_call("tests.fixtures.works_until_its_soft_limit", args=(str(saved),),
                                           timeout=6, retry=None)
    run_worker("health", mode=mode)
    job = JsonJob.fetch(job.id, connection=redis_conn)
    assert job.get_status() == "finished", job.latest_result().exc_string
    steps, left = saved.read_text().split()
    assert int(steps) > 0  # it worked first
    assert 0 < float(left) <= soft_margin(6) + 0.5  # and saved with its margin still ahead of the kill


def test_a_scoring_chunk_stops_at_its_soft_limit_saving_what_it_scored(redis_conn):
    criteria = ["task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy"]
    answer = {"overall_band_score": 6.0, "confidence": 0.9, "model_used": "slow-scorer",
              "criteria_scores": [{"criterion": c, "band_score": 6.0, "confidence": 0.9, "feedback": "ok",
                                   "strengths": [], "weaknesses": [], "suggestions": []} for c in criteria],
              "detailed_feedback": "", "feature_analysis": {}, "processing_time": 0.2, "task_type": "writing_task_2",
              "language": "en", "timestamp": "2026-11-29T00:00:00Z"}
    service = MisbehavingService("slow_ok", body=json.dumps(answer).encode())  # 0.2 s an essay: 20 s for 100
    ids = [store.create_submission(f"soft-{n}", "writing_task_2", HALF_ESSAY + f" Soft {n}.", PROMPT)
           for n in range(100)]
    policy = POLICIES["score_submissions"]
    job = get_queue("scoring").enqueue_call(policy.func, args=(ids,), timeout=12, retry=None)
    redis_conn.hset(job.key, mapping={"retries_left": 1, "retry_intervals": "[600]"})  # a retry, not now
    try:
        run_worker("scoring", env={"SCORING_SERVICE_URL": service.url})
    finally:
        service.close()
    job = JsonJob.fetch(job.id, connection=redis_conn)
    scored = sum(result is not None for result in store.get_results(ids))
    assert job.get_status() == "scheduled"  # retried later for the rest
    assert "soft time limit" in job.meta["last_error"] and "JobTimeoutException" not in job.meta["last_error"]
    assert 0 < scored < len(ids)
    assert (job.ended_at - job.started_at).total_seconds() < 12  # before the hard timeout
    assert f"with {len(ids) - scored} of {len(ids)} submissions left" in job.meta["last_error"]
