"""The Redis connection every part of ielts-rq shares.

``REDIS_URL`` when it is set (``redis+sentinel://`` for a primary that
Sentinel fails over); otherwise the embedded Valkey server under
``IELTS_RQ_HOME``, started on first use. Commands retry a lost connection
with backoff, so a server restart or a failover does not kill workers or the CLI.
"""

from __future__ import annotations

import functools
import logging
import os
import time

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel, SentinelManagedConnection
from redis_sentinel_url import parse_sentinel_url
from rq.exceptions import StopRequested

from ..errors import ConfigError
from ..settings import get_settings
from . import embedded

# How long to keep trying a lost server: a worker rides out a restart (~30 s: 0.1 s doubling to 2 s
# per attempt, 5 s to connect); a command someone is waiting for says so within a few seconds.
PATIENCE = {"worker": {"attempts": 20, "connect_timeout": 5.0}, "command": {"attempts": 2, "connect_timeout": 2.0}}
_patience = "worker"


def impatient() -> None:
    """For the CLI: a Redis that does not answer is reported within seconds, not half a minute."""
    global _patience
    _patience = "command"


@functools.cache
def redis_url() -> str:
    """The URL in use: REDIS_URL, or the embedded server's (started if needed)."""
    settings = get_settings()
    return settings.redis_url or embedded.ensure_running(settings.home)


def get_connection() -> redis.Redis:
    """This process's connection to REDIS_URL's server, which keeps every record (a new pool after a fork)."""
    return _connection_for(redis_url(), os.getpid(), _patience)


def queue_connection(queue: str) -> redis.Redis:
    """The connection to the server ``queue`` lives on: its ``REDIS_URL_<QUEUE>``, else REDIS_URL's."""
    url = get_settings().queue_redis_urls.get(queue)
    return _connection_for(url, os.getpid(), _patience) if url else get_connection()


def queue_server_urls() -> list[str]:
    """The URL of each server that holds queues, REDIS_URL's first (one unless queues are split)."""
    return list(dict.fromkeys([redis_url(), *get_settings().queue_redis_urls.values()]))


def queue_servers() -> list[redis.Redis]:
    """A connection to each server that holds queues, REDIS_URL's first: where workers and jobs are found."""
    return [_connection_for(url, os.getpid(), _patience) for url in queue_server_urls()]


def queues_by_server(queues) -> list[list[str]]:
    """``queues`` grouped by the server they live on (one group when none is split off), in order."""
    urls = get_settings().queue_redis_urls
    groups: dict[str | None, list[str]] = {}
    for queue in queues:
        groups.setdefault(urls.get(queue), []).append(queue)
    return list(groups.values())


def server_of(queues) -> redis.Redis:
    """The one server all of ``queues`` live on; a worker serves queues of one server only."""
    if len(queues_by_server(queues)) > 1:
        urls = get_settings().queue_redis_urls
        groups = ", ".join(sorted(f"{queue} on {'REDIS_URL_' + queue.upper() if queue in urls else 'REDIS_URL'}"
                                  for queue in queues))
        raise ConfigError("REDIS_URL_<QUEUE>", f"a worker serves queues of one Redis server, and these live on "
                                               f"different ones ({groups}): start a worker per server")
    return queue_connection(next(iter(queues)))


@functools.cache
def _connection_for(url: str, pid: int, patience: str = "worker") -> redis.Redis:
    settings = get_settings()
    options = dict(retry=Retry(ExponentialBackoff(cap=2.0, base=0.1), PATIENCE[patience]["attempts"]),
                   retry_on_error=[redis.ConnectionError, redis.TimeoutError],
                   health_check_interval=30, socket_connect_timeout=PATIENCE[patience]["connect_timeout"])
    if not url.startswith("unix:"):
        options["socket_keepalive"] = True  # TCP only
    if url.startswith("redis+sentinel:"):
        return _primary_through_sentinels(url, options, settings)
    if url.startswith("rediss:"):
        # Managed Redis (Heroku, ElastiCache) may use a self-signed certificate: REDIS_SSL_CERT_REQS=none.
        options.update(ssl_cert_reqs=settings.redis_ssl_cert_reqs, ssl_ca_certs=settings.redis_ssl_ca_certs)
    return redis.Redis.from_url(url, **options)


def _primary_through_sentinels(url: str, options: dict, settings) -> redis.Redis:
    """A client of whichever server the sentinels name as primary now.

    Each new connection asks the sentinels first, so after a failover the
    retries above land on the promoted replica: no process needs a restart.
    A server demoted to replica answers writes with READONLY: retried the same way.
    """
    options["retry_on_error"] = [*options["retry_on_error"], redis.exceptions.ReadOnlyError]
    parsed = parse_sentinel_url(url, client_options=options)
    sentinels = Sentinel(parsed.hosts, sentinel_kwargs={"password": settings.redis_sentinel_password.reveal() or None,
                                                        "socket_connect_timeout": options["socket_connect_timeout"],
                                                        "socket_timeout": options["socket_connect_timeout"]},
                         **parsed.client_options)
    return sentinels.master_for(parsed.default_client.service, connection_class=_PrimaryConnection)


class _PrimaryConnection(SentinelManagedConnection):
    """Asks the sentinels for the primary before every socket it opens.

    redis-py (8.1) looks the primary up only when a pool hands out a connection:
    a command's own retries reconnect to the address it had, so a command under
    way when the primary died kept knocking on the dead server until its
    retries ran out, and the worker quit. Found by tests/chaos/test_failover.py.
    """

    def _connect(self):
        if self.connection_pool.is_master:
            self.host, self.port = self.connection_pool.get_master_address()
        return super()._connect()


_full_since: list[float] = []


FULL_REDIS_MAX_PAUSE = 30  # seconds between looks at a Redis over its maxmemory


def wait_while_full(write, stop_requested=lambda: False):
    """``write()``'s answer, once a Redis over its maxmemory accepts it: tried again after pauses of 1 s
    doubling to 30 s, with one warning per ten minutes. Raises ``StopRequested`` if told to stop meanwhile."""
    pause = 1.0
    while True:
        try:
            return write()
        except redis.exceptions.OutOfMemoryError:
            say_redis_is_full()
            if stop_requested():
                raise StopRequested() from None
            time.sleep(pause)
            pause = min(pause * 2, FULL_REDIS_MAX_PAUSE)


def say_redis_is_full() -> None:
    """One warning per ten minutes while Redis stays full, not one per attempt, from whichever process waits."""
    now = time.monotonic()
    if not _full_since or now - _full_since[-1] > 600:
        _full_since.append(now)
        logging.getLogger("ielts_rq.worker").warning(
            "Redis is full (over its maxmemory) and refuses writes: waiting for memory to be freed; "
            "no queued job is touched meanwhile")
