"""Identical content reuses a stored result only from the same scorer at the same version, for the result's life."""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from ielts_rq import enqueue, store
from ielts_rq.policies import DAY, RESULTS_KEPT_DAYS
from ielts_rq.queueing import keys
from ielts_rq.queueing.queues import JsonJob

from .conftest import ROOT, cli
from .essays import GOOD_ESSAY, PROMPT
from .inprocess import work_in_process


def _reuse_entries(redis_conn) -> list[bytes]:
    return list(redis_conn.scan_iter(match=keys.result_by_content("*")))


def _score(env: dict | None = None, learner: str = "learner-r", text: str = GOOD_ESSAY) -> dict:
    """A new submission of ``text``, scored by the worker in this process; its stored result."""
    submission_id = store.create_submission(learner, "writing_task_2", text, PROMPT)
    enqueue("score_submission", submission_id)
    work_in_process("scoring", env=env)
    return store.get_result(submission_id)


def test_a_reuse_entry_lives_as_long_as_its_result_and_goes_with_it(redis_conn):
    first = _score()
    [entry] = _reuse_entries(redis_conn)
    assert 0 < redis_conn.ttl(entry) <= RESULTS_KEPT_DAYS * DAY
    assert _score(learner="learner-s")["scorer"] == f"reused:{first['submission_id']}"
    # Both results were stored two days ago; a cleanup keeping one day removes them and their reuse entry.
    for submission_id in redis_conn.zrange(keys.results_by_time(), 0, -1):
        redis_conn.zadd(keys.results_by_time(), {submission_id: time.time() - 2 * DAY})
    assert cli("enqueue", "cleanup-results", "1").returncode == 0
    work_in_process("scoring")
    assert redis_conn.zcard(keys.results_by_time()) == 0
    assert _reuse_entries(redis_conn) == []
    assert _score(learner="learner-t")["scorer"] == "builtin"  # scored afresh


def test_the_cleanup_deletes_reuse_entries_written_before_they_had_a_version_and_a_lifetime(redis_conn):
    current = _score()
    [entry] = _reuse_entries(redis_conn)
    earlier = keys.result_by_content("0" * 64)  # as written before: no scorer version, no lifetime
    redis_conn.set(earlier, current["submission_id"])
    assert cli("enqueue", "cleanup-results").returncode == 0
    work_in_process("scoring")
    assert _reuse_entries(redis_conn) == [entry]


def test_the_cleanup_leaves_an_entry_a_newer_identical_result_took_over(redis_conn):
    first = _score()
    redis_conn.zadd(keys.results_by_time(), {first["submission_id"]: time.time() - 2 * DAY})
    redis_conn.delete(*_reuse_entries(redis_conn))  # e.g. expired: the next identical answer is scored afresh
    second = _score(learner="learner-s")
    assert second["scorer"] == "builtin"
    assert cli("enqueue", "cleanup-results", "1").returncode == 0
    work_in_process("scoring")
    assert store.get_result(first["submission_id"]) is None
    assert _score(learner="learner-t")["scorer"] == f"reused:{second['submission_id']}"


@pytest.fixture
def refitted_code(tmp_path):
    """This code with the built-in model refitted (its intercept moved), as a deploy of a new model ships it."""
    shutil.copytree(ROOT / "ielts_rq", tmp_path / "ielts_rq", ignore=shutil.ignore_patterns("__pycache__"))
    model_file = tmp_path / "ielts_rq" / "scoring" / "data" / "model.json"
    model = json.loads(model_file.read_text())
    model["intercept"] -= 2.0
    model_file.write_text(json.dumps(model))
    return tmp_path


def test_a_refitted_scorer_scores_identical_content_afresh(redis_conn, refitted_code):
    before = _score()
    submission_id = store.create_submission("learner-s", "writing_task_2", GOOD_ESSAY, PROMPT)
    job = enqueue("score_submission", submission_id)
    worker = subprocess.run([sys.executable, "-m", "ielts_rq.cli", "worker", "scoring", "--burst"], cwd=refitted_code,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(refitted_code), str(ROOT)])},
                            capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr
    assert JsonJob.fetch(job.id, connection=redis_conn).get_status() == "finished"
    after = store.get_result(submission_id)
    assert after["scorer"] == "builtin"  # not the old model's band, reused
    assert after["overall_band_score"] < before["overall_band_score"]
    assert _score(learner="learner-t")["scorer"] == f"reused:{before['submission_id']}"  # the old code: its own


def _service_answer(band: float, model: str) -> dict:
    criteria = ["task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy"]
    return {"overall_band_score": band, "confidence": 0.9, "model_used": model,
            "criteria_scores": [{"criterion": c, "band_score": band} for c in criteria]}


def test_results_of_the_service_and_of_the_built_in_scorer_are_never_reused_for_each_other(redis_conn,
                                                                                          scoring_service):
    service = {"SCORING_SERVICE_URL": scoring_service.url}
    scoring_service.answer("/score", (200, _service_answer(8.5, "platform-scorer-3")))
    by_service = _score(service)
    assert by_service["scorer"] == "service"
    built_in = _score(learner="learner-s")
    assert built_in["scorer"] == "builtin" and built_in["overall_band_score"] != 8.5
    assert _score(service, learner="learner-t")["scorer"] == f"reused:{by_service['submission_id']}"
    assert len(scoring_service.requests) == 1
    assert _score(learner="learner-u")["scorer"] == f"reused:{built_in['submission_id']}"


def test_a_refitted_scoring_service_scores_identical_content_afresh(redis_conn, scoring_service):
    service = {"SCORING_SERVICE_URL": scoring_service.url}
    scoring_service.answer("/score", (200, _service_answer(6.0, "platform-scorer-3")),
                           (200, _service_answer(7.0, "platform-scorer-4")),
                           (200, _service_answer(7.5, "platform-scorer-4")))
    before = _score(service)
    # The service was refitted: the first answer after it names the new model ...
    assert _score(service, learner="learner-s", text=GOOD_ESSAY + "\n\nA second essay.")["model_used"] == (
        "platform-scorer-4")
    # ... and from then on the old model's results are not reused.
    after = _score(service, learner="learner-t")
    assert (after["scorer"], after["overall_band_score"]) == ("service", 7.5)
    assert before["overall_band_score"] == 6.0 and len(scoring_service.requests) == 3
