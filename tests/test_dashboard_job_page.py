"""One job's page, as an operator opens it: its call, outcome, traceback, timeline and actions; and `job show`."""

import html
import re
import time

import pytest
from rq import Retry

from ielts_rq import enqueue, store
from ielts_rq.queueing import keys
from ielts_rq.queueing.queues import JsonJob, get_queue
from ielts_rq.queueing.ratelimit import _limiter
from ielts_rq.settings import Rate

from .conftest import cli, enqueue_past_the_door, run_worker, wait_for, worker_process
from .essays import GOOD_ESSAY, PROMPT
from .http_stub import StubServer, scored

SCORED = scored()
WARMING_UP = (503, {"error": "the model is warming up"})
STEPS = ("enqueued", "deferred", "started", "failed", "retry due", "finished")


def _fetch(job_id: str, redis_conn):
    return JsonJob.fetch(job_id, connection=redis_conn)


def _page_steps(text: str) -> list[str]:
    """The events of the page's timeline table, in the order shown."""
    table = text[text.index('id="timeline"'):]
    return [html.unescape(event) for event in re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td>", table)]


def _shown_steps(stdout: str) -> list[str]:
    """The events `job show` prints under "timeline:"."""
    lines = stdout[stdout.index("timeline:"):].splitlines()[1:]
    return [line.strip().split("  ")[1] for line in lines if line.startswith("  ")]


@pytest.mark.timeout(300)
def test_a_job_deferred_by_the_rate_limit_then_retried_shows_each_step_in_order(
        redis_conn, client, tmp_path, monkeypatch):
    # Given a scoring service that fails its first call (three tries of it), with its limit of 2 a minute used up
    service = StubServer()
    service.answer("/score", WARMING_UP, WARMING_UP, WARMING_UP, SCORED)
    limiter, item = _limiter(redis_conn, Rate(2))
    assert limiter.hit(item, "scoring-service") and limiter.hit(item, "scoring-service")
    submission = store.create_submission("learner-timeline", "writing_task_2", GOOD_ESSAY, PROMPT)
    job = enqueue("score_submission", submission)
    monkeypatch.setenv("SCORING_SERVICE_URL", service.url)
    monkeypatch.setenv("RATE_LIMITS", "scoring-service=2")
    try:
        with worker_process(tmp_path, "scoring", "--mode", "simple"):
            # When a real worker defers it, and the limit's window frees (as it does a minute later)
            assert wait_for(lambda: _fetch(job.id, redis_conn).meta.get("deferrals"), 60), "never deferred"
            for key in redis_conn.scan_iter(match=keys.rate_limits() + "*"):
                redis_conn.delete(key)
            redis_conn.zadd(get_queue("scoring").scheduled_job_registry.key, {job.id: time.time()})
            # and its first run fails (the service is warming up) and its retry finishes
            assert wait_for(lambda: _fetch(job.id, redis_conn).get_status() == "finished", 120), \
                (tmp_path / "worker.log").read_text()[-2000:]
    finally:
        service.close()
    # Then the page shows, in order: enqueued, deferred, started, failed, retry due, started, finished
    response = client.get(f"/jobs/{job.id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    expected = ["enqueued", "deferred", "started", "failed", "retry due", "started", "finished"]
    assert [step for step in _page_steps(text) if step in STEPS] == expected, _page_steps(text)
    assert "rate limit of scoring-service" in text
    assert "attempt 1: TransientError: scoring service" in text
    assert text.count("by worker ") == 2
    assert "Overall band <strong>6.5</strong>" in text  # the scored band summary
    # and its timeline expires with the job's own record (score_submission keeps a finished job a day)
    job_ttl, timeline_ttl = redis_conn.ttl(f"rq:job:{job.id}"), redis_conn.ttl(keys.job_timeline(job.id))
    assert 0 < job_ttl <= 86400 and abs(timeline_ttl - job_ttl) <= 2, (job_ttl, timeline_ttl)
    # and `ielts-rq job show` prints the same timeline
    shown = cli("job", "show", job.id)
    assert shown.returncode == 0, shown.stderr
    assert [step for step in _shown_steps(shown.stdout) if step in STEPS] == expected, shown.stdout


def test_a_job_whose_timeline_cannot_be_written_still_runs_and_is_retried(redis_conn, tmp_path):
    # Given a job that loses its connection once, and its timeline's key taken by a value of another type
    job = get_queue("analytics").enqueue_call("tests.fixtures.unreachable_until_file_exists",
                                              args=(str(tmp_path / "marker"),), retry=Retry(max=1, interval=1))
    redis_conn.set(keys.job_timeline(job.id), "not a list")
    # When a real worker runs it, Then it is retried and finishes all the same, and the log says what was lost
    first = run_worker("analytics")
    assert f"timeline of job {job.id}: attempt not recorded" in first.stderr
    assert wait_for(lambda: run_worker("analytics") and _fetch(job.id, redis_conn).get_status() == "finished", 60,
                    step=1)


def test_a_job_whose_policy_hides_its_arguments_shows_none_of_them(redis_conn, client):
    # Given a waiting email whose arguments carry an address and a learner's text
    hidden = enqueue_past_the_door("send_generic_email", "ada.private@example.com", "Your essay on whales",
                                   "Dear Ada, your essay said: my secret diary entry")
    # and a scoring job whose only argument is a submission id (its policy shows it)
    submission = store.create_submission("learner-args", "writing_task_2", GOOD_ESSAY, PROMPT)
    shown = enqueue("score_submission", submission)
    text = client.get(f"/jobs/{hidden.id}").get_data(as_text=True)
    for private in ("ada.private@example.com", "Your essay on whales", "secret diary"):
        assert private not in text
    assert "hidden: this job&#39;s arguments" in text or "hidden: this job's arguments" in text
    # and its actions are the waiting job's: cancel, delete
    assert f"/jobs/{hidden.id}/cancel" in text and f"/jobs/{hidden.id}/delete" in text
    assert f"/jobs/{hidden.id}/requeue" not in text
    assert submission in client.get(f"/jobs/{shown.id}").get_data(as_text=True)


def test_an_unknown_job_id_answers_404_saying_so(redis_conn, client):
    for job_id in ("no-such-job", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"):
        response = client.get(f"/jobs/{job_id}")
        assert response.status_code == 404
        text = response.get_data(as_text=True)
        assert "No job has the id" in text
        assert "<script>alert" not in text


def test_a_failed_job_shows_its_traceback_escaped_and_is_requeued_and_deleted_from_its_page(redis_conn, client):
    job = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("<b>bold</b> & broken",),
                                           description="fails_with")
    run_worker("health")
    text = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'id="traceback"' in text and "&lt;b&gt;bold&lt;/b&gt; &amp; broken" in text and "<b>bold" not in text
    origin = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    answer = client.post(f"/jobs/{job.id}/requeue", data={"back": "job"}, headers=origin)
    assert answer.status_code == 303 and f"/jobs/{job.id}?requeued=" in answer.headers["Location"]
    assert _fetch(job.id, redis_conn).get_status() == "queued"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "requeue asked" in page and "Requeued: it waits on health" in page
    # a queued job cannot be requeued again: refused, nothing done
    again = client.post(f"/jobs/{job.id}/requeue", data={"back": "job"}, headers=origin)
    assert "refused=" in again.headers["Location"]
    answer = client.post(f"/jobs/{job.id}/delete", data={"back": "job"}, headers=origin)
    assert answer.status_code == 303 and "deleted=" in answer.headers["Location"]
    assert not redis_conn.exists(f"rq:job:{job.id}") and not redis_conn.exists(keys.job_timeline(job.id))
    assert client.get(f"/jobs/{job.id}").status_code == 404


def test_a_busy_limit_folds_its_deferrals_and_a_long_history_keeps_its_first_and_newest_events(redis_conn):
    from ielts_rq.ops import jobpage
    from ielts_rq.queueing import timeline

    job = enqueue("health_check", delay=3600)
    for _ in range(3):
        timeline.deferred(job, 30, "sendgrid")
    steps = jobpage.timeline(job)
    assert [step["event"] for step in steps].count("deferred") == 1
    assert "rate limit of sendgrid; 3 times" in next(s["detail"] for s in steps if s["event"] == "deferred")
    # A job with no TTL of its own (it waits): its timeline keeps the longest a job record is kept
    assert 0 < redis_conn.ttl(keys.job_timeline(job.id)) <= timeline.WAITING_TTL_SECONDS
    for n in range(timeline.MAX_EVENTS + 10):
        timeline.attempt_failed(job, f"TransientError: try {n}", "w1")
    kept = timeline.recorded(redis_conn, job.id)
    assert len(kept) == timeline.MAX_EVENTS
    assert kept[0]["event"] == "deferred" and kept[-1]["error"] == f"TransientError: try {timeline.MAX_EVENTS + 9}"
