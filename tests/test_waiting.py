"""Why jobs wait, with the true wait, seen by an operator: a rate-limited burst on real workers shows in
`status`, the overview, the depth samples and graph, /metrics and the wait alert, counted apart from
retries and jobs scheduled for later, and its wait counted from when each job was first due."""

import json
import re
import time

import pytest
from rq import Retry

from ielts_rq import enqueue, store
from ielts_rq.ops import monitor
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import cli, run_worker, wait_for
from .essays import GOOD_ESSAY, PROMPT

BURST = 64  # over the scoring service's default limit of 60 a minute (policies.PROVIDER_RATE_LIMITS)


def _monitor(env: dict) -> dict:
    """The real monitor job, on a real health worker; its result."""
    job_id = cli("enqueue", "monitor-queue-depth").stdout.strip()
    run_worker("health", env=env)
    shown = json.loads(cli("job", "show", job_id, "--json").stdout)
    assert shown["status"] == "finished", shown
    return shown["result"]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_rate_limited_burst_shows_its_reason_and_true_wait_everywhere(redis_conn, scoring_service, client):
    ids = [store.create_submission(f"learner-{n}", "writing_task_2", f"{GOOD_ESSAY}\n\nBy learner {n}.", PROMPT)
           for n in range(BURST)]
    later = cli("enqueue", "health-check", "--in", "3600")
    assert later.returncode == 0, later.stderr
    for submission_id in ids:
        enqueue("score_submission", submission_id)
    submitted = time.time()
    env = {"SCORING_SERVICE_URL": scoring_service.url}
    run_worker("scoring", env=env, mode="simple", timeout=200)  # 60 are scored, the rest wait for the window
    scored = len([r for r in scoring_service.requests if r[1] == "/score"])
    assert 60 <= scored < BURST, scored  # more than 60 only on a machine so slow that the minute went by
    limited = BURST - scored

    waited = time.time() - submitted  # at least this long: every job was enqueued before ``submitted``
    status = json.loads(cli("status", "--json").stdout)
    scoring = status["waiting"]["scoring"]
    assert (scoring["rate_limited"], scoring["queued"], scoring["retrying"]) == (limited, 0, 0)
    assert scoring["oldest_wait"] >= waited and scoring["oldest_reason"] == "rate_limited"
    assert status["waiting"]["health"]["scheduled"] == 1  # --in: scheduled for later, not waiting
    assert status["waiting"]["health"]["waiting"] == 0
    table = cli("status").stdout
    assert re.search(rf"scoring\s.*\b{limited}\b", table) and "rate-limited" in table

    waited = time.time() - submitted
    result = _monitor({"QUEUE_WAIT_THRESHOLDS": "scoring=1"})
    [alert] = [a for a in result["alerts"] if a["kind"] == "wait"]
    assert alert["queue"] == "scoring"
    assert re.fullmatch(rf"scoring: {limited} jobs waiting, {limited} rate-limited, oldest waited (\d+s|\d+ min) "
                        r"\(threshold 1s\)", alert["message"]), alert["message"]
    assert alert["value"] >= waited
    sample = monitor.depth_history(redis_conn, 1)[0]
    assert sample["waiting"]["scoring"]["rate_limited"] == limited
    assert sample["oldest_wait"]["scoring"] >= waited

    waited = time.time() - submitted
    overview = client.get("/overview").get_data(as_text=True)
    row = re.search(r"<tr[^>]*>\s*<td>scoring</td>(.*?)</tr>", overview, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[:3] == ["0", str(limited), "0"], cells  # queued, rate-limited, retrying
    assert "rate-limited" in overview
    depth = client.get("/depth").get_data(as_text=True)
    assert "Jobs waiting, by reason" in depth and "rate-limited" in depth
    assert alert["message"] in depth  # the alerts on the page

    waited = time.time() - submitted
    metrics = client.get("/metrics").get_data(as_text=True)
    assert f'ielts_rq_waiting_jobs{{queue="scoring",reason="rate_limited"}} {limited}.0' in metrics
    oldest = float(re.search(r'ielts_rq_oldest_wait_seconds\{queue="scoring"\} ([\d.e+]+)', metrics).group(1))
    assert oldest >= waited


def test_a_retried_job_waits_as_retrying_and_keeps_its_first_due_time(redis_conn):
    job = get_queue("analytics").enqueue_call("tests.fixtures.always_unreachable", retry=Retry(max=2, interval=600),
                                              description="always_unreachable")
    enqueued = JsonJob.fetch(job.id, connection=redis_conn).enqueued_at
    time.sleep(1.1)
    run_worker("analytics")
    status = json.loads(cli("status", "--json").stdout)["waiting"]["analytics"]
    assert (status["retrying"], status["rate_limited"], status["scheduled"], status["queued"]) == (1, 0, 0, 0)
    assert status["oldest_wait"] >= 1 and status["oldest_reason"] == "retrying"
    # Due again now: queued, its wait still counted from its first enqueue.
    redis_conn.zadd("rq:scheduled:analytics", {job.id: time.time() - 1})
    from ielts_rq.queueing.due import enqueue_due_jobs
    assert enqueue_due_jobs(redis_conn, ["analytics"]) == 1
    again = JsonJob.fetch(job.id, connection=redis_conn)
    assert again.enqueued_at > enqueued  # RQ re-stamps it
    status = json.loads(cli("status", "--json").stdout)["waiting"]["analytics"]
    assert (status["queued"], status["retrying"]) == (1, 0)
    assert status["oldest_wait"] >= (time.time() - enqueued.timestamp()) - 1.5


def test_a_job_asked_for_later_waits_from_its_due_time(redis_conn):
    enqueue("process_platform_analytics", delay=5)
    status = json.loads(cli("status", "--json").stdout)["waiting"]["analytics"]
    assert (status["scheduled"], status["waiting"]) == (1, 0) and status["oldest_wait"] == 0
    assert wait_for(lambda: json.loads(cli("status", "--json").stdout)["waiting"]["analytics"]["oldest_wait"] >= 1, 30)


def test_a_failed_job_requeued_by_an_operator_waits_from_its_requeue(redis_conn):
    job = get_queue("analytics").enqueue_call("tests.fixtures.fails_with", args=("the disk is full",),
                                              description="fails_with", meta={"first_due": time.time() - 3600})
    run_worker("analytics")  # an hour-old request that failed
    assert JsonJob.fetch(job.id, connection=redis_conn).get_status() == "failed"
    result = cli("requeue-failed", "--job-id", job.id)
    assert result.returncode == 0, result.stderr
    status = json.loads(cli("status", "--json").stdout)["waiting"]["analytics"]
    assert status["queued"] == 1 and status["oldest_wait"] < 60  # a new request, not an hour-old wait
