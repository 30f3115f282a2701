"""Per-provider rate limits shared by every worker through Redis (the ``limits`` library).

A limit protects an outside provider a job calls (a scoring service, SendGrid, an SMTP relay, an OCR
or speech service), not a queue: a moving window per provider, of a minute unless ``RATE_LIMITS``
names another (``policies.PROVIDER_RATE_LIMITS``; ``RATE_LIMITS=ocr-service=5/s`` overrides). Which provider a job would call
follows from its policy (``JobPolicy.calls``) and the configured backends; the embedded engines
(built-in scorer, Tesseract, PocketSphinx, the outbox) have none. A worker asks before it runs a job;
over the limit, the job is put back on its queue's schedule for when the window frees, not failed.
"""

from __future__ import annotations

import time

from limits import RateLimitItemPerHour, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from ..policies import POLICIES
from ..runtime import current
from ..settings import Rate, Settings, get_settings
from . import keys


def provider_of(job_name: str, settings: Settings | None = None) -> str | None:
    """The outside provider a run of this job calls with the configured backends; None for none."""
    policy = POLICIES.get(job_name)
    return backend_provider(policy.calls, settings) if policy else None


def backend_provider(backend: str | None, settings: Settings | None = None) -> str | None:
    """The outside provider configured for a backend (``policies.BACKENDS``); None for an embedded engine."""
    settings = settings or get_settings()
    if backend == "scorer":
        return "scoring-service" if settings.scoring_service_url else None
    if backend == "ocr":
        return "ocr-service" if settings.ocr_service_url else None
    if backend == "speech":
        return "speech-service" if settings.speech_service_url else None
    if backend == "mail":
        return settings.email_backend if settings.email_backend != "outbox" else None
    return None


def rate_of(provider: str | None) -> Rate | None:
    """The provider's limit: RATE_LIMITS from the environment, else the table's; None for none."""
    return get_settings().rate_limits.get(provider) if provider else None


def seconds_until_allowed(provider: str | None, connection) -> float:
    """0 when one more call to this provider may go now (and counts it); else how long to wait."""
    rate = rate_of(provider)
    if rate is None:
        return 0.0
    limiter, item = _limiter(connection, rate)
    if limiter.hit(item, provider):
        return 0.0
    reset_at = limiter.get_window_stats(item, provider).reset_time
    return max(reset_at - time.time(), 0.05)


def wait_for_slot(provider: str | None, connection) -> None:
    """Block until one more call to this provider is allowed (a batch job sending many emails)."""
    while wait := seconds_until_allowed(provider, connection):
        time.sleep(wait)


def _limiter(connection, rate: Rate):
    """The limiter of one server and rate, kept by the runtime (it holds the connection's pool)."""
    return current().part(("rate limiter", connection, rate), lambda: _new_limiter(connection, rate))


def _new_limiter(connection, rate: Rate):
    storage = RedisStorage("redis://", connection_pool=connection.connection_pool, key_prefix=keys.rate_limits())
    return MovingWindowRateLimiter(storage), _window(rate)


def _window(rate: Rate):
    # In the coarsest unit that divides the window: a limit of N a minute keeps the Redis key it always had.
    for item, unit in ((RateLimitItemPerHour, 3600), (RateLimitItemPerMinute, 60)):
        if rate.seconds % unit == 0:
            return item(rate.count, rate.seconds // unit)
    return RateLimitItemPerSecond(rate.count, rate.seconds)
