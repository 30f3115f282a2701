"""Error tracking (Sentry) and tracing (OpenTelemetry) for jobs, each on only when configured.

``SENTRY_DSN`` starts Sentry's SDK with its RQ integration in every worker
process; each job that fails for good becomes one event. Learners' essays,
transcripts and addresses never leave in one: the SDK is told to collect no
job arguments and no local variables, and ``scrub_event`` removes what could
still carry them (arguments, known fields, any email address in any text).

``OTEL_EXPORTER_OTLP_ENDPOINT`` turns on tracing: every enqueue stamps the
enqueuer's trace context into the job's meta (W3C ``traceparent``), and the
worker runs each job in a span continuing it, so the jobs a job enqueues (the
email after a score) join the same trace.

Neither SDK is imported unless its variable is set: a process that uses
neither pays nothing for them at start.
"""

from __future__ import annotations

import contextlib
import logging
import re

from .settings import get_settings, redact

log = logging.getLogger("ielts_rq.worker")

FILTERED = "[Filtered]"
# Field names whose values are a learner's writing, speech or contact details, wherever they appear.
SENSITIVE_FIELDS = frozenset({
    "args", "kwargs", "arguments", "essay", "essay_text", "text", "transcript", "transcription", "answer",
    "content", "body", "html", "prompt", "email", "emails", "to", "address", "addresses", "recipient",
    "recipients", "user_name", "vars", "cookies", "user",
})
EMAIL_ADDRESS = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[A-Za-z]{2,}")
EMAIL_SHOWN_AS = "[email]"

_error_tracking = False  # whether Sentry's SDK was started in this process
_tracer = None  # this process's OpenTelemetry tracer, once tracing is configured
TRACEPARENT = "traceparent"  # the job's meta keys for the enqueuer's trace context (W3C Trace Context)
TRACESTATE = "tracestate"


def start() -> None:
    """In a worker process, before its first job: whatever is configured, started once."""
    start_error_tracking()
    _get_tracer()


def start_error_tracking() -> bool:
    """Sentry's SDK with its RQ integration, when SENTRY_DSN is set; whether it runs."""
    global _error_tracking
    dsn = get_settings().sentry_dsn
    if not dsn or _error_tracking:
        return _error_tracking
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration
    from sentry_sdk.integrations.rq import RqIntegration

    sentry_sdk.init(
        dsn=dsn.reveal(),
        integrations=[RqIntegration(),
                      # Log lines become the event's breadcrumbs only: the failure itself is reported once, by
                      # report_failure, and the logs have their own way out (LOG_FORMAT=json to an aggregator).
                      LoggingIntegration(level=None, event_level=None, breadcrumb_level=logging.INFO)],
        # Only the integrations named and the SDK's defaults: the Redis one would record every command's
        # arguments (an essay being saved) as breadcrumbs.
        auto_enabling_integrations=False,
        data_collection={"queues": False, "stack_frame_variables": False, "user_info": False},
        max_request_body_size="never",
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )
    _error_tracking = True
    log.info("error tracking on: failed jobs are reported to Sentry (%s)", _dsn_host(dsn.reveal()))
    return True


def _dsn_host(dsn: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(dsn).hostname or "?"


def report_failure(exc_info) -> None:
    """A job failed for good: one Sentry event, inside the scope the RQ integration opened for the job."""
    if _error_tracking:
        import sentry_sdk

        sentry_sdk.capture_exception(exc_info)


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """An event with no learner's text in it: sensitive fields filtered, email addresses masked everywhere."""
    return _scrub(event)


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return _scrub(crumb)


def _scrub(value, key: str | None = None):
    if key is not None and key.lower() in SENSITIVE_FIELDS and value not in (None, "", [], {}):
        return FILTERED
    if isinstance(value, dict):
        return {k: _scrub(v, k if isinstance(k, str) else None) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(item) for item in value]
    if isinstance(value, str):
        return redact(EMAIL_ADDRESS.sub(EMAIL_SHOWN_AS, value))  # configured secrets and URL passwords too
    return value


# Tracing ----------------------------------------------------------------------

def _get_tracer():
    """This process's tracer, set up on first use when tracing is configured; None when it is not."""
    global _tracer
    if _tracer is not None or not get_settings().otel_endpoint:
        return _tracer
    from opentelemetry import trace

    if not _has_provider(trace.get_tracer_provider()):  # a host process (the web API) may have its own
        trace.set_tracer_provider(_new_provider())
    _tracer = trace.get_tracer("ielts_rq")
    return _tracer


def _has_provider(provider) -> bool:
    from opentelemetry.trace import NoOpTracerProvider, ProxyTracerProvider

    return not isinstance(provider, (ProxyTracerProvider, NoOpTracerProvider))


def _new_provider():
    import os

    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": "ielts-rq"}
    provider = TracerProvider(resource=Resource.create(attributes))
    # The exporter reads OTEL_EXPORTER_OTLP_* itself (endpoint + /v1/traces, headers, timeout).
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def carry_trace(meta: dict, job_name: str) -> None:
    """At enqueue: an ``enqueue JOB`` span in the caller's trace, its context stamped into the job's meta."""
    tracer = _get_tracer()
    if tracer is None:
        return
    from opentelemetry import propagate
    from opentelemetry.trace import SpanKind

    try:
        with tracer.start_as_current_span(f"enqueue {job_name}", kind=SpanKind.PRODUCER,
                                          attributes={"messaging.system": "rq", "messaging.operation": "publish",
                                                      "ielts_rq.job": job_name}):
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
    except Exception as exc:  # noqa: BLE001 -- a trace is never worth a lost enqueue
        log.warning("job enqueued without its trace context: %s", exc)
        return
    meta.update({name: carrier[name] for name in (TRACEPARENT, TRACESTATE) if name in carrier})


@contextlib.contextmanager
def job_span(job, queue_name: str, job_name: str, flush: bool = False):
    """Around one job in a worker: its span, continuing the trace its enqueuer stamped into its meta.

    ``flush``: in a work horse, which exits without running atexit handlers, send the spans now.
    """
    tracer = _get_tracer()
    if tracer is None:
        yield
        return
    from opentelemetry import propagate
    from opentelemetry.trace import SpanKind

    meta = job.meta if isinstance(job.meta, dict) else {}
    carrier = {name: meta[name] for name in (TRACEPARENT, TRACESTATE) if isinstance(meta.get(name), str)}
    try:
        with tracer.start_as_current_span(job_name, context=propagate.extract(carrier), kind=SpanKind.CONSUMER,
                                          attributes={"messaging.system": "rq", "messaging.operation": "process",
                                                      "messaging.message.id": job.id,
                                                      "messaging.destination.name": queue_name,
                                                      "ielts_rq.job": job_name}):
            yield
    finally:
        if flush:
            flush_now()


def job_failed(exc_info, final: bool) -> None:
    """From the worker's failure handling: the exception on the job's span, and, for good, to Sentry."""
    try:
        if _tracer is not None:
            from opentelemetry import trace
            from opentelemetry.trace import Status, StatusCode

            span = trace.get_current_span()
            span.record_exception(exc_info[1])
            span.set_status(Status(StatusCode.ERROR, exc_info[0].__name__))
        if final:
            report_failure(exc_info)
    except Exception as exc:  # noqa: BLE001 -- the worker's own failure handling goes on regardless
        log.warning("failure not reported to error tracking or tracing: %s", exc)


def flush_now(timeout: float = 5.0) -> None:
    """Send what is waiting (spans, events): before a process exits without atexit handlers."""
    if _tracer is not None:
        from opentelemetry import trace

        provider = trace.get_tracer_provider()
        if hasattr(provider, "force_flush"):
            provider.force_flush(int(timeout * 1000))
    if _error_tracking:
        import sentry_sdk

        sentry_sdk.flush(timeout)
