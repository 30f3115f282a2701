"""The Redis connection every part of ielts-rq shares.

``REDIS_URL`` when it is set; otherwise the embedded Valkey server under
``IELTS_RQ_HOME``, started on first use. Commands retry a lost connection
with backoff, so a server restart does not kill workers or the CLI.
"""

from __future__ import annotations

import functools
import os

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from ..settings import get_settings
from . import embedded

# Reconnect for up to ~30 s (0.1 s doubling to 2 s per attempt) before giving up.
RECONNECT_ATTEMPTS = 20


@functools.cache
def redis_url() -> str:
    """The URL in use: REDIS_URL, or the embedded server's (started if needed)."""
    settings = get_settings()
    return settings.redis_url or embedded.ensure_running(settings.home)


def get_connection() -> redis.Redis:
    """This process's connection (a new pool after a fork)."""
    return _connection_for(redis_url(), os.getpid())


@functools.cache
def _connection_for(url: str, pid: int) -> redis.Redis:
    options = {} if url.startswith("unix:") else {"socket_keepalive": True}  # TCP only
    return redis.Redis.from_url(
        url,
        retry=Retry(ExponentialBackoff(cap=2.0, base=0.1), RECONNECT_ATTEMPTS),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
        health_check_interval=30,
        socket_connect_timeout=5,
        **options,
    )
