"""Queues on two Redis servers: the scoring queue on a server of its own (REDIS_URL_SCORING), the other
queues and every record on REDIS_URL's (here the suite's embedded server). The CLI and the dashboard as a
deployment runs them; the worker and the scheduler's tick in the test process, under a runtime of the split's
settings."""

import json
import os
import subprocess
import sys
import time

import pytest
import redis

from ielts_rq import runtime, store
from ielts_rq.policies import QUEUES
from ielts_rq.queueing import schedule
from ielts_rq.queueing.connection import get_connection, queues_by_server
from ielts_rq.runtime import Runtime

from .conftest import ROOT, cli, free_port, valkey_server, wait_for
from .essays import GOOD_ESSAY, PROMPT
from .inprocess import work_in_process

# The dashboard's pages with the split: ours read both servers, rq-dashboard has an instance per server.
DASHBOARD = """
import base64, json, sys
from ielts_rq.ops.dashboard import create_app
client = create_app().test_client()
auth = {"Authorization": "Basic " + base64.b64encode(b"ops:split-password").decode()}
pages = {path: client.get(path, headers=auth) for path in sys.argv[1:]}
print(json.dumps({path: [page.status_code, page.get_data(as_text=True)] for path, page in pages.items()}))
"""


@pytest.fixture
def scoring_server(tmp_path, redis_conn):
    """A second Valkey server for the scoring queue, and the environment that puts the queue there."""
    port = free_port()
    process = valkey_server(tmp_path / "scoring-server", port)
    try:
        connection = redis.Redis(port=port)
        assert wait_for(connection.ping, 10, ignoring=(redis.ConnectionError,))
        env = {"REDIS_URL_SCORING": f"redis://127.0.0.1:{port}/0", "DASHBOARD_USERNAME": "ops",
               "DASHBOARD_PASSWORD": "split-password"}
        yield connection, env
    finally:
        process.kill()
        process.wait()


def test_a_scoring_job_on_its_own_server_feeds_analytics_and_the_dashboard(scoring_server, redis_conn, tmp_path):
    scoring_redis, env = scoring_server
    essay = tmp_path / "essay.txt"
    essay.write_text(GOOD_ESSAY)
    submitted = cli("submit", str(essay), "--task", "writing_task_2", "--prompt", PROMPT, "--user", "learner-split",
                    "--email", "split@example.com", env=env)
    submission_id = submitted.stdout.strip()
    job_id = cli("enqueue", "score", submission_id, env=env).stdout.strip()
    # The job waits on the scoring server; the submission is a record, on REDIS_URL's.
    assert scoring_redis.lrange("rq:queue:scoring", 0, -1) == [job_id.encode()]
    assert redis_conn.llen("rq:queue:scoring") == 0 and store.get_submission(submission_id) is not None

    work_in_process("scoring", env=env)
    result = store.get_result(submission_id)  # read from REDIS_URL's server, where analytics reads it
    assert result is not None and 0 <= result["overall_band_score"] <= 9
    assert scoring_redis.zcard("rq:finished:scoring") == 1
    assert redis_conn.llen("rq:queue:email") == 1  # the job it enqueued went to the email queue's server

    analytics_job = cli("enqueue", "user-analytics", "learner-split", env=env).stdout.strip()
    work_in_process("analytics", "email", env=env)
    shown = json.loads(cli("job", "show", analytics_job, "--json", env=env).stdout)
    assert shown["status"] == "finished", shown
    assert shown["result"]["scored"] == 1 and shown["result"]["average_band"] == result["overall_band_score"]
    scoring_job = json.loads(cli("job", "show", job_id, "--json", env=env).stdout)
    assert scoring_job["status"] == "finished" and scoring_job["queue"] == "scoring"

    # A batch fans out on the scoring server; its progress is read where its jobs are.
    batch_id = cli("enqueue", "score-batch", submission_id, "sub_missing", env=env).stdout.strip()
    work_in_process("scoring", env=env)
    progress = json.loads(cli("batch", "status", batch_id, "--json", env=env).stdout)
    assert progress["complete"] and progress["items_done"] == 2, progress
    assert progress["failed_item_examples"] == {"sub_missing": "submission sub_missing not found"}

    status = json.loads(cli("status", "--json", env=env).stdout)
    assert status["queues"]["scoring"]["finished"] == 3 and status["queues"]["analytics"]["finished"] == 1

    pages = json.loads(subprocess.run(
        [sys.executable, "-c", DASHBOARD, "/overview", f"/search?q={job_id}", "/rq/0/data/queues.json",
         "/rq/1/data/queues.json", "/metrics"], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
        text=True, timeout=60, check=True).stdout)
    assert {path: page[0] for path, page in pages.items()} == dict.fromkeys(pages, 200)
    assert job_id in pages[f"/search?q={job_id}"][1]  # found on the scoring server
    scoring_instance = json.loads(pages["/rq/1/data/queues.json"][1])["queues"]
    assert [(q["name"], q["finished_job_registry_count"]) for q in scoring_instance] == [("scoring", 3)]
    assert "scoring" not in [q["name"] for q in json.loads(pages["/rq/0/data/queues.json"][1])["queues"]]
    assert 'ielts_rq_queue_jobs{queue="scoring",registry="finished"} 3.0' in pages["/metrics"][1]
    assert 'ielts_rq_jobs_total{job="score_submission",outcome="finished"} 1.0' in pages["/metrics"][1]


def test_a_worker_cannot_straddle_two_servers_and_check_probes_both(scoring_server, redis_conn):
    _, env = scoring_server
    straddling = cli("worker", "scoring", "email", "--burst", env=env)
    assert straddling.returncode == 2, straddling.stderr
    assert "live on different ones" in straddling.stderr and "Traceback" not in straddling.stderr
    with runtime.use(Runtime.from_env({**os.environ, **env})):
        grouped = queues_by_server(QUEUES)
    # `ielts-rq up` starts a worker per group.
    assert grouped == [["scoring"], ["file_processing", "email", "analytics", "health"]]
    checked = cli("check", env=env)
    assert "redis (scoring queue)" in checked.stdout, checked.stdout
    assert cli("check", env={**env, "REDIS_URL_SCORNG": env["REDIS_URL_SCORING"]}).returncode == 2


def test_a_misnamed_or_malformed_queue_url_is_refused_at_start(redis_conn):
    typo = cli("status", env={"REDIS_URL_SCORNG": "redis://127.0.0.1:1/0"})
    assert typo.returncode == 2 and "there is no queue 'scorng'" in typo.stderr
    bad = cli("status", env={"REDIS_URL_EMAIL": "http://example.com"})
    assert bad.returncode == 2 and "REDIS_URL_EMAIL" in bad.stderr


# The scheduler keeps its entries with the records, and puts each tick on its queue's own server.
def _tick(env: dict) -> dict:
    """One tick of the cleanup's cron entry, due now, as the scheduler of a deployment with ``env`` runs it."""
    with runtime.use(Runtime.from_env({**os.environ, **env})):
        records = get_connection()
        schedule.sync(records)
        entry = schedule.entry_named("cleanup-old-results")
        records.zadd("rq:scheduler:scheduled_jobs", {entry.job_id: time.time() - 1})
        schedule.CronScheduler(connection=records).enqueue_jobs()
        return schedule.last_runs(records, entry.name, 1)[0]


def test_scheduled_ticks_go_to_their_queues_server_and_a_tick_waits_for_the_last_run_there(scoring_server,
                                                                                          redis_conn):
    scoring_redis, env = scoring_server

    assert "enqueued_at" in _tick(env)
    assert scoring_redis.lrange("rq:queue:scoring", 0, -1) == [b"cron-cleanup-old-results"]
    assert redis_conn.llen("rq:queue:scoring") == 0
    assert _tick(env)["skipped"] == "the previous run had not finished"  # it waits on the scoring server
    work_in_process("scoring", env=env)
    assert "enqueued_at" in _tick(env)  # finished there: the next tick runs
    assert scoring_redis.llen("rq:queue:scoring") == 1
