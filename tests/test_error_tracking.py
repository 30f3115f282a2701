"""SENTRY_DSN sends each job that fails for good to Sentry through its SDK, with no learner's text in it.

A real HTTP server on loopback stands in for Sentry and keeps the envelopes the SDK posts.
"""

import gzip
import json
import os
import subprocess
import sys

import pytest

from ielts_rq import enqueue, store
from ielts_rq.observability import scrub_event

from .conftest import ROOT, cli
from .essays import GOOD_ESSAY, PROMPT
from .http_stub import StubServer

KEY = "5e1f00d4c0ffee5e1f00d4c0ffee5e1f"
PROJECT = "42"
ADDRESS = "maya.learner+ielts@example.com"
# A sentence of the essay and the address a failure's text could carry: neither may leave in an event.
ESSAY_PHRASE = "the benefits of free tuition outweigh its considerable costs to taxpayers"
ESSAY = GOOD_ESSAY + "\n\nIn conclusion, " + ESSAY_PHRASE + ".\n"


@pytest.fixture
def sentry():
    server = StubServer()
    server.answer(f"/api/{PROJECT}/envelope/", (200, {"id": "0" * 32}))
    yield server
    server.close()


@pytest.fixture
def scoring_service():
    server = StubServer()
    # The service refuses the essay and names the learner's address in its answer, which the job's error quotes.
    server.answer("/score", (400, {"error": f"no model for the account of {ADDRESS}"}))
    yield server
    server.close()


def _dsn(server) -> str:
    return server.url.replace("http://", f"http://{KEY}@") + f"/{PROJECT}"


def _envelopes(server) -> list[bytes]:
    """The body of each envelope the server received, decompressed."""
    bodies = []
    for method, path, headers, body in server.requests:
        if method == "POST" and path.startswith(f"/api/{PROJECT}/envelope/"):
            encoding = {k.lower(): v for k, v in headers.items()}.get("content-encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli

                body = brotli.decompress(body)
            bodies.append(body)
    return bodies


def _events(bodies: list[bytes]) -> list[dict]:
    """The error events inside envelopes (a header line, then item header and payload lines)."""
    events = []
    for body in bodies:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2]):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


@pytest.mark.slow
@pytest.mark.parametrize("mode, processes", [("fork", "1"), ("simple", "2")], ids=["forking", "in-process-pool"])
def test_a_failed_scoring_job_reaches_sentry_with_the_learner_s_text_scrubbed(redis_conn, sentry, scoring_service,
                                                                              mode, processes):
    store.save_user("learner-s1", email=ADDRESS, name="Maya")
    submission_id = store.create_submission("learner-s1", "writing_task_2", ESSAY, PROMPT)
    job = enqueue("score_submission", submission_id)
    result = cli("worker", "scoring", "--burst", "--mode", mode, "--processes", processes,
                 env={"SENTRY_DSN": _dsn(sentry), "SCORING_SERVICE_URL": scoring_service.url})
    assert result.returncode == 0, result.stderr
    assert job.get_status(refresh=True) == "failed"
    bodies = _envelopes(sentry)
    events = _events(bodies)
    assert len(events) == 1, bodies  # one event for the failure, none for its log line
    [event] = events
    [exception] = event["exception"]["values"]
    assert exception["type"] == "PermanentError" and "scoring service refused the request (400)" in exception["value"]
    assert event["extra"]["rq-job"]["job_id"] == job.id and event["extra"]["rq-job"]["func"].endswith("score_submission")
    everything = b"".join(bodies)
    for secret in (ESSAY_PHRASE, GOOD_ESSAY.split("\n")[0][:60], ADDRESS, "maya.learner", PROMPT[:50]):
        assert secret.encode() not in everything, secret
        assert json.dumps(secret)[1:-1].encode() not in everything, secret
    assert KEY not in result.stderr + result.stdout  # the DSN's key is a secret: never in a log line


def test_no_dsn_no_sdk():
    # A worker process's start and a failure with neither configured: neither SDK is imported, none set up.
    # (redis-py itself imports OpenTelemetry's API and metrics when they are installed: not ours to avoid.)
    code = ("import sys; from ielts_rq.queueing import worker; from ielts_rq import observability; "
            "observability.start(); observability.job_failed((RuntimeError, RuntimeError('x'), None), final=True); "
            "print('sentry_sdk' in sys.modules, 'opentelemetry.sdk.trace' in sys.modules, "
            "'opentelemetry.exporter.otlp.proto.http' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "OTEL_"))}
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert shown.stdout.split() == ["False", "False", "False"], shown.stderr


@pytest.mark.parametrize("dsn, problem", [
    (f"{KEY}@sentry.example.com/42", "scheme"),
    (f"https://{KEY}@/42", "names no host"),
    ("https://sentry.example.com/42", "no key"),
    (f"https://{KEY}@sentry.example.com/project", "numeric project id"),
    (f"https://{KEY}@sentry.example.com:99999/42", "cannot be parsed"),
], ids=["no-scheme", "no-host", "no-key", "no-project-id", "bad-port"])
def test_a_malformed_dsn_is_one_line_at_start_and_the_worker_runs(redis_conn, dsn, problem):
    enqueue("health_check")
    result = cli("worker", "health", "--burst", "--mode", "simple", env={"SENTRY_DSN": dsn})
    assert result.returncode == 0, result.stderr  # it runs, without error tracking: no restart loop
    [line] = [line for line in result.stderr.splitlines() if "SENTRY_DSN" in line]
    assert problem in line and "error tracking is off" in line and "Traceback" not in result.stderr
    assert KEY not in result.stderr + result.stdout
    assert "job finished health_check" in result.stderr


def test_scrubbing_removes_arguments_known_fields_and_addresses_anywhere():
    event = {
        "message": f"could not send to {ADDRESS}",
        "extra": {"rq-job": {"job_id": "j1", "func": "ielts_rq.jobs.email.send_welcome_email",
                             "args": [ADDRESS, "Maya"], "kwargs": {"name": "Maya"}}},
        "exception": {"values": [{"type": "PermanentError", "value": f"bad address <{ADDRESS}>",
                                  "stacktrace": {"frames": [{"function": "score", "vars": {"essay": ESSAY}}]}}]},
        "breadcrumbs": {"values": [{"message": f"job failed for {ADDRESS.upper()}", "data": {"text": ESSAY}}]},
        "contexts": {"custom": {"transcript": "so um I think", "count": 3}},
    }
    scrubbed = json.dumps(scrub_event(event))
    assert "maya.learner" not in scrubbed.lower() and ESSAY_PHRASE not in scrubbed and "so um" not in scrubbed
    assert "Maya" not in scrubbed
    assert '"job_id": "j1"' in scrubbed and '"count": 3' in scrubbed and "PermanentError" in scrubbed


def test_the_dsn_s_key_and_the_collector_s_header_values_are_masked_wherever_they_reach_text():
    from ielts_rq.settings import load_settings, redact

    settings = load_settings({"IELTS_RQ_HOME": "/tmp/irq-settings", "SENTRY_DSN": f"https://{KEY}@o1.ingest.example/42",
                              "OTEL_EXPORTER_OTLP_ENDPOINT": "https://otlp.example",
                              "OTEL_EXPORTER_OTLP_HEADERS": "x-api-key=hny_0123456789,x-team=ielts"})
    assert KEY not in repr(settings) and "hny_0123456789" not in repr(settings)
    line = redact(f"cannot send to https://{KEY}@o1.ingest.example/42 with x-api-key=hny_0123456789", settings)
    assert KEY not in line and "hny_0123456789" not in line and "o1.ingest.example" in line
