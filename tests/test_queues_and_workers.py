"""Enqueue -> real worker -> result, failure triage and requeue, through the CLI and the API."""

import json
import subprocess
import zlib

from rq.serializers import JSONSerializer

from ielts_rq import enqueue
from ielts_rq.policies import POLICIES, QUEUES
from ielts_rq.queueing.connection import redis_url
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import cli, run_worker, venv_command, wait_for


def test_cli_enqueue_and_worker_finish_a_job(redis_conn):
    job_id = cli("enqueue", "health-check").stdout.strip()
    run_worker("health")
    shown = json.loads(cli("job", "show", job_id, "--json").stdout)
    assert shown["status"] == "finished"
    assert shown["result"]["status"] == "healthy"
    assert shown["result"]["checks"][0]["name"] == "redis"


def test_python_api_enqueue_applies_the_policy(redis_conn):
    job = enqueue("monitor_queue_depth")
    policy = POLICIES["monitor_queue_depth"]
    assert job.origin == policy.queue
    assert job.timeout == policy.timeout
    assert job.result_ttl == policy.result_ttl
    assert job.failure_ttl == policy.failure_ttl
    run_worker("health")
    job.refresh()
    assert job.get_status() == "finished"
    assert set(job.return_value()["queues"]) == set(QUEUES)


def test_job_data_in_redis_is_json_not_pickle(redis_conn):
    job = enqueue("health_check")
    raw = redis_conn.hget(f"rq:job:{job.id}", "data")
    payload = json.loads(zlib.decompress(raw))
    assert payload[0] == "ielts_rq.jobs.health.health_check"


def test_descriptions_carry_no_arguments_unless_they_are_ids(redis_conn):
    queue = get_queue("health")
    job = enqueue("health_check")
    assert job.description == "health_check"
    assert queue.count == 1


def test_wait_prints_the_result(redis_conn):
    worker = subprocess.Popen([venv_command("ielts-rq"), "worker", "health"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        result = cli("enqueue", "health-check", "--wait", "--wait-timeout", "60")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "healthy"


def test_scheduled_job_runs_later_not_now(redis_conn):
    job_id = cli("enqueue", "health-check", "--in", "3600").stdout.strip()
    run_worker("health")
    assert json.loads(cli("job", "show", job_id, "--json").stdout)["status"] == "scheduled"


def _enqueue_fixture(function: str, *args):
    queue = get_queue("health")
    return queue.enqueue_call(f"tests.fixtures.{function}", args=args, description=function)


def test_failed_job_triage_and_requeue(redis_conn, tmp_path):
    marker = tmp_path / "marker"
    job = _enqueue_fixture("fails_until_file_exists", str(marker))
    run_worker("health")

    listed = json.loads(cli("failed", "list", "--json").stdout)
    assert [row["id"] for row in listed] == [job.id]
    assert "marker marker is missing" in listed[0]["error"]

    shown = cli("failed", "show", job.id)
    assert shown.returncode == 0
    assert "RuntimeError" in shown.stdout and "Traceback" in shown.stdout

    dry = cli("requeue-failed", "--queue", "health", "--dry-run")
    assert f"would requeue {job.id}" in dry.stdout
    assert JsonJob.fetch(job.id, connection=redis_conn).get_status() == "failed"

    marker.write_text("here")
    requeued = cli("requeue-failed", "--queue", "health")
    assert f"requeued {job.id}" in requeued.stdout
    run_worker("health")
    assert JsonJob.fetch(job.id, connection=redis_conn).get_status() == "finished"
    assert json.loads(cli("failed", "list", "--json").stdout) == []


def test_requeue_filters_by_exception_text(redis_conn, tmp_path):
    failing = _enqueue_fixture("fails_until_file_exists", str(tmp_path / "nope"))
    run_worker("health")
    none = cli("requeue-failed", "--exception", "ConnectionRefused", "--dry-run")
    assert "would requeue 0 job(s)" in none.stdout
    some = cli("requeue-failed", "--exception", "is missing", "--dry-run", "--json")
    assert [row["id"] for row in json.loads(some.stdout)["jobs"]] == [failing.id]


def test_requeue_without_a_filter_refuses(redis_conn):
    result = cli("requeue-failed")
    assert result.returncode == 2
    assert "no filter given" in result.stderr


def test_failed_delete(redis_conn, tmp_path):
    job = _enqueue_fixture("fails_until_file_exists", str(tmp_path / "nope"))
    run_worker("health")
    assert cli("failed", "delete", "--queue", "health", "--all").stdout.strip() == "deleted 1 failed job(s)"
    gone = cli("job", "show", job.id)
    assert gone.returncode == 1 and f"job {job.id} not found" in gone.stderr


def test_rq_own_cli_reads_our_queues(redis_conn):
    run_worker("health")
    result = subprocess.run([venv_command("rq"), "info", "--url", redis_url(), "--only-queues", "--serializer",
                             "rq.serializers.JSONSerializer"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for name in QUEUES:
        assert name in result.stdout


def test_status_and_inspect(redis_conn):
    enqueue("health_check")
    status = json.loads(cli("status", "--json").stdout)
    assert status["queues"]["health"]["queued"] == 1
    assert status["redis"].startswith("unix://")
    registered = json.loads(cli("inspect", "registered", "--json").stdout)
    assert {row["job"] for row in registered} == set(POLICIES)
    assert json.loads(cli("inspect", "active", "--json").stdout) == []


def test_bulk_enqueue_from_file(redis_conn, tmp_path):
    lines = tmp_path / "calls.txt"
    lines.write_text("# no arguments per line\n\n[]\n[]\n[]\n")
    result = cli("enqueue", "health-check", "--from-file", str(lines))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "enqueued 3 jobs"
    assert get_queue("health").count == 3
    job = JsonJob.fetch(get_queue("health").job_ids[0], connection=redis_conn)
    assert job.serializer is JSONSerializer or job.serializer.__name__ == "JSONSerializer"


def test_a_job_past_its_timeout_keeps_a_live_heartbeat():
    from ielts_rq.queueing.worker import HEARTBEAT_GRACE, ForkingWorker

    worker = ForkingWorker.__new__(ForkingWorker)
    worker.job_monitoring_interval = 5
    job = type("J", (), {"timeout": 120})()
    assert worker.get_heartbeat_ttl(job, working_time=0) == 5 + HEARTBEAT_GRACE
    assert worker.get_heartbeat_ttl(job, working_time=170) == HEARTBEAT_GRACE  # not negative


def test_ids_with_a_trailing_newline_are_refused():
    import pytest

    from ielts_rq import store
    from ielts_rq.errors import PermanentError

    with pytest.raises(PermanentError, match="invalid user id"):
        store.check_id("u1\n", "user")


def test_job_show_and_inspect_stats_read_as_words_not_python(redis_conn):
    job_id = cli("enqueue", "health-check").stdout.strip()
    worker = subprocess.Popen([venv_command("ielts-rq"), "worker", "health"], stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: get_queue("health").fetch_job(job_id).get_status() == "finished", timeout=30)
        shown = cli("job", "show", job_id)
        stats = cli("inspect", "stats")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    for output in (shown.stdout, stats.stdout):
        assert "JobStatus" not in output and "datetime.datetime(" not in output and "{'" not in output, output
    assert shown.returncode == 0 and "finished" in shown.stdout and "healthy" in shown.stdout
    assert stats.returncode == 0 and "health" in stats.stdout
