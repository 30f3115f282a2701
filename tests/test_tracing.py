"""With OTEL_EXPORTER_OTLP_ENDPOINT set, a submission's trace runs from its enqueue through scoring to its email.

A real HTTP server on loopback stands in for the OpenTelemetry collector: it keeps the OTLP/HTTP
protobuf requests the SDK posts to /v1/traces, decoded here with opentelemetry-proto.
"""

import gzip
import subprocess
import sys

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from ielts_rq import enqueue, store
from ielts_rq.queueing.queues import JsonJob

from .conftest import ROOT, cli, wait_for
from .essays import GOOD_ESSAY, PROMPT
from .http_stub import StubServer

# The web API: its own tracer provider (as an instrumented web app has), a request span, and the enqueue inside it.
WEB_API = """
import sys
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
from ielts_rq import enqueue

with trace.get_tracer("web-api").start_as_current_span("POST /submissions/score"):
    print(enqueue("score_submission", sys.argv[1]).id)
provider.shutdown()
"""


@pytest.fixture
def collector():
    server = StubServer()
    server.answer("/v1/traces", (200, b""))
    yield server
    server.close()


def _spans(collector) -> list:
    spans = []
    for method, path, headers, body in list(collector.requests):
        if method == "POST" and path == "/v1/traces":
            if {k.lower(): v for k, v in headers.items()}.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            request = ExportTraceServiceRequest.FromString(body)
            spans += [span for resource in request.resource_spans for scope in resource.scope_spans
                      for span in scope.spans]
    return spans


def _by_name(spans) -> dict:
    return {span.name: span for span in spans}


def _submission() -> str:
    store.save_user("learner-t1", email="tess.learner@example.com", name="Tess")
    return store.create_submission("learner-t1", "writing_task_2", GOOD_ESSAY, PROMPT)


CHAIN = ["enqueue score_submission", "score_submission", "enqueue send_scoring_complete", "send_scoring_complete"]


@pytest.mark.slow
@pytest.mark.parametrize("mode, processes", [("fork", "1"), ("simple", "2")], ids=["forking", "in-process-pool"])
def test_a_submission_s_trace_runs_from_the_web_api_s_enqueue_to_its_email(redis_conn, collector, mode, processes):
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.url}
    web = subprocess.run([sys.executable, "-c", WEB_API, _submission()], capture_output=True, text=True, cwd=ROOT,
                         env={**__import__("os").environ, **env}, timeout=120)
    assert web.returncode == 0, web.stderr
    job = JsonJob.fetch(web.stdout.strip(), connection=redis_conn)
    assert job.meta["traceparent"].startswith("00-")  # W3C Trace Context, carried in the job's meta
    result = cli("worker", "scoring", "email", "--burst", "--mode", mode, "--processes", processes, env=env)
    assert result.returncode == 0, result.stderr
    assert wait_for(lambda: set(CHAIN) <= set(_by_name(_spans(collector))), 30), [s.name for s in _spans(collector)]
    spans = _by_name(_spans(collector))
    request, *chain = [spans["POST /submissions/score"], *(spans[name] for name in CHAIN)]
    assert {span.trace_id for span in [request, *chain]} == {request.trace_id}  # one trace
    for parent, child in zip([request, *chain], chain):  # each span the child of the one before it
        assert child.parent_span_id == parent.span_id, (child.name, parent.name)
    enqueue_score, score, enqueue_email, email = chain
    assert (enqueue_score.kind, score.kind) == (Span.SPAN_KIND_PRODUCER, Span.SPAN_KIND_CONSUMER)
    assert {a.key: a.value.string_value for a in score.attributes}["messaging.message.id"] == job.id
    assert email.status.code != email.status.STATUS_CODE_ERROR


@pytest.mark.slow
def test_the_cli_s_enqueue_starts_the_trace_and_a_failed_job_s_span_says_so(redis_conn, collector):
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.url}
    submission_id = _submission()
    enqueued = cli("enqueue", "score", submission_id, env=env)
    assert enqueued.returncode == 0, enqueued.stderr
    env.update(EMAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.key-for-test", SENDGRID_BASE_URL="http://127.0.0.1:9")
    fails = cli("enqueue", "generic-email", "--to", "tess.learner@example.com", "--subject", "Hi", "--text", "x",
                env=env)
    assert fails.returncode == 0, fails.stderr
    result = cli("worker", "scoring", "email", "--burst", "--mode", "simple", env=env)
    assert result.returncode == 0, result.stderr
    assert wait_for(lambda: set(CHAIN) <= set(_by_name(_spans(collector))), 30), [s.name for s in _spans(collector)]
    spans = _by_name(_spans(collector))
    assert spans["enqueue score_submission"].parent_span_id == b""  # the command's enqueue is the trace's root
    assert len({spans[name].trace_id for name in CHAIN}) == 1
    assert wait_for(lambda: "send_generic_email" in _by_name(_spans(collector)), 30)
    failed = _by_name(_spans(collector))["send_generic_email"]  # the provider refused it: retried later
    assert failed.status.code == failed.status.STATUS_CODE_ERROR
    assert [event.name for event in failed.events] == ["exception"]
    assert failed.trace_id != spans["score_submission"].trace_id  # a request of its own: a trace of its own
    assert "tess.learner" not in str(failed)  # the attributes name the job and its id, never its arguments


def test_without_an_endpoint_no_trace_is_carried(redis_conn):
    job = enqueue("score_submission", _submission())
    assert "traceparent" not in JsonJob.fetch(job.id, connection=redis_conn).meta
