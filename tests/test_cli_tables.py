"""The command line's tables print what jobs and emails say as written: their text is never Rich markup."""

import json
import re

import pytest

from ielts_rq import enqueue
from ielts_rq.queueing.queues import get_queue

from .conftest import cli, run_worker

# An alert's subject prefix and text that Rich would read as a style: both must reach the terminal as they are.
MARKUP = "[ielts-rq alert] [red]x[/red] [link=http://evil.example]y[/link]"
OUTBOX = {"EMAIL_BACKEND": "outbox"}


def shown(output: str) -> str:
    """A table's text as read: borders gone, a cell wrapped over lines read as one (its neighbours are empty)."""
    return " ".join(re.sub(r"[│┃]", " ", output).split())


@pytest.mark.slow
def test_failed_list_and_job_find_print_an_error_as_written(redis_conn):
    job = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=(MARKUP,), description="fails_with")
    run_worker("health")
    for command in (["failed", "list"], ["job", "find", job.id], ["job", "find", "ielts-rq alert"]):
        result = cli(*command)
        assert result.returncode == 0, result.stderr
        assert MARKUP in shown(result.stdout), (command, result.stdout)
        assert "\x1b[" not in result.stdout  # no style reached the terminal


@pytest.mark.slow
def test_outbox_list_prints_a_subject_as_written(redis_conn):
    enqueue("send_generic_email", "ops@example.com", MARKUP, "The scoring queue is over its threshold.")
    run_worker("email", env=OUTBOX)
    result = cli("outbox", "list", env=OUTBOX)
    assert result.returncode == 0, result.stderr
    assert MARKUP in shown(result.stdout), result.stdout


def test_status_prints_a_worker_record_as_written(redis_conn):
    # Any client of Redis can register a worker: its name and host are whatever it wrote.
    from datetime import datetime, timezone

    key = "rq:worker:" + MARKUP
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    redis_conn.hset(key, mapping={"birth": now, "last_heartbeat": now, "queues": "health", "state": "idle",
                                  "hostname": MARKUP, "pid": 1})
    redis_conn.expire(key, 60)
    redis_conn.sadd("rq:workers", key)
    result = cli("status")
    assert result.returncode == 0, result.stderr
    assert MARKUP in shown(result.stdout), result.stdout


def test_a_job_that_finished_after_a_retry_shows_no_old_error_in_search(redis_conn, tmp_path):
    from rq import Retry

    job = get_queue("health").enqueue_call("tests.fixtures.unreachable_until_file_exists",
                                           args=(str(tmp_path / "retried"),), description="unreachable_until_file_exists",
                                           retry=Retry(max=1))
    run_worker("health")
    job.refresh()
    assert job.get_status() == "finished" and job.meta.get("last_error")  # it failed once, then ran
    [row] = json.loads(cli("job", "find", job.id, "--json").stdout)
    assert row["status"] == "finished" and not row["error"], row
