"""A failed job's JSON log event carries its traceback, secrets masked, in both worker modes."""

import json

import pytest

from ielts_rq.queueing.queues import get_queue

from .conftest import run_worker

SECRET = "smtp-pass-7f3k9q"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_a_failed_job_s_json_event_carries_its_traceback(redis_conn, mode):
    get_queue("health").enqueue_call("tests.fixtures.fails_with", args=(f"boom with {SECRET}",),
                                     description="fails_with")
    stderr = run_worker("health", mode=mode, env={"LOG_FORMAT": "json", "SMTP_PASSWORD": SECRET}).stderr
    events = [json.loads(line) for line in stderr.splitlines()]
    [failed] = [event for event in events if event.get("outcome") == "failed"]
    traceback = failed.get("traceback", "")
    assert traceback.startswith("Traceback (most recent call last)"), failed
    assert "tests/fixtures.py" in traceback and "in fails_with" in traceback  # where it was raised
    assert traceback.rstrip().endswith("RuntimeError: boom with ****")
    assert SECRET not in stderr

