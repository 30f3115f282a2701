"""The Redis connection every part of ielts-rq shares.

``REDIS_URL`` when it is set (``redis+sentinel://`` for a primary that
Sentinel fails over); otherwise the embedded Valkey server under
``IELTS_RQ_HOME``, started on first use.

A server that refuses connections, or accepts them and never answers, is
found within seconds: every socket has a connect and a read timeout, and the
handshake of a new connection gets the connect timeout. What a process does
then depends on its patience: the CLI gives up within seconds with one line
naming the server and what it did, and the dashboard answers its pages as
fast; workers and the scheduler wait as long as it takes, saying so once and
again when the server answers; code that imports ielts-rq (the platform's
API) rides out about 30 s, a restart or a failover.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import ssl
import threading
import time
from dataclasses import dataclass

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import MasterNotFoundError, Sentinel, SentinelManagedConnection
from redis.utils import SENTINEL as NOT_GIVEN
from redis_sentinel_url import parse_sentinel_url
from rq.exceptions import StopRequested

from ..errors import ConfigError
from ..runtime import current
from ..settings import get_settings, hide_password
from . import embedded

log = logging.getLogger("ielts_rq.redis")


@dataclass(frozen=True)
class Patience:
    """How long a process waits for a Redis server that is down or does not answer."""

    connect_timeout: float  # TCP connect and the handshake (HELLO, AUTH, SELECT) of a new connection
    read_timeout: float  # a command's answer; a blocking command's own wait is added to it
    give_up_after: float | None  # seconds of failed attempts before the error is raised; None: until told to stop
    say_so: bool = False  # log the wait once, and again when the server answers


PATIENCE = {
    # The CLI and the dashboard: a hung server is reported in about 4 s (two 2 s attempts), a refused
    # connection in under 2 s.
    "command": Patience(connect_timeout=2.0, read_timeout=5.0, give_up_after=3.0),
    # Code importing ielts-rq, `ielts-rq up`: a restart or a Sentinel failover is ridden out.
    "process": Patience(connect_timeout=5.0, read_timeout=5.0, give_up_after=30.0),
    # Workers and the scheduler wait it out. RQ raises a worker's read timeout to 15 s (its dequeue
    # timeout + 10 s) in any case; its blocking dequeue waits 0.05 s at a time (dequeue.py).
    "worker": Patience(connect_timeout=2.0, read_timeout=15.0, give_up_after=None, say_so=True),
}
FIRST_PAUSE = 0.1  # seconds before the second attempt, doubling up to
LONGEST_PAUSE = 15.0


def impatient() -> None:
    """For the CLI: a Redis that does not answer is reported within seconds, not half a minute."""
    current().patience = "command"


def wait_for_redis() -> None:
    """For workers and the scheduler: a Redis that is down or hung is waited for, however long, with one
    line in the log when the wait starts and one when it ends; SIGTERM or SIGINT meanwhile stops the wait."""
    current().patience = "worker"


class RedisUnavailable(redis.ConnectionError):
    """The server did not answer for as long as this process waits: which server (password masked), and how."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"Redis at {hide_password(url)} {reason}")
        self.url, self.reason = hide_password(url), reason


def redis_url() -> str:
    """The URL in use: REDIS_URL, or the embedded server's (started if needed)."""
    settings = get_settings()
    return current().part("redis_url", lambda: settings.redis_url or embedded.ensure_running(settings.home))


def get_connection() -> redis.Redis:
    """This process's connection to REDIS_URL's server, which keeps every record (a new pool after a fork)."""
    return client_for(redis_url())


def client_for(url: str) -> redis.Redis:
    """This process's client of the server at ``url``, with the timeouts, retries and Sentinel look-up above."""
    return _connection_for(url, os.getpid(), current().patience)


# Which server holds each queue: decided here alone ---------------------------------------------------------------

def queue_server_url(queue: str) -> str:
    """The URL of the server ``queue`` lives on: its ``REDIS_URL_<QUEUE>``, else REDIS_URL's."""
    return get_settings().queue_redis_urls.get(queue) or redis_url()


def queues_are_split() -> bool:
    """Whether any queue lives on a server of its own (``REDIS_URL_<QUEUE>``), away from the records."""
    return bool(get_settings().queue_redis_urls)


def split_off_queues() -> list[str]:
    """The queues that live on a server of their own, in the order configured."""
    return list(get_settings().queue_redis_urls)


def queue_connection(queue: str) -> redis.Redis:
    """The connection to the server ``queue`` lives on: its ``REDIS_URL_<QUEUE>``, else REDIS_URL's."""
    return client_for(queue_server_url(queue))


def queue_server_urls() -> list[str]:
    """The URL of each server that holds queues, REDIS_URL's first (one unless queues are split)."""
    return list(dict.fromkeys([redis_url(), *get_settings().queue_redis_urls.values()]))


def queue_servers() -> list[redis.Redis]:
    """A connection to each server that holds queues, REDIS_URL's first: where workers and jobs are found."""
    return [client_for(url) for url in queue_server_urls()]


def servers_holding_queues(connection: redis.Redis | None = None) -> list[redis.Redis]:
    """Every server that holds queues, REDIS_URL's first; unsplit, ``connection`` (the caller's client of
    REDIS_URL's server) or this runtime's."""
    return queue_servers() if queues_are_split() else [connection or get_connection()]


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


# Clients ----------------------------------------------------------------------------------------------------------

def _connection_for(url: str, pid: int, patience: str = "process") -> redis.Redis:
    """The runtime's client of ``url`` for this process (a forked horse builds its own) and patience."""
    return current().part(("redis", url, pid, patience), lambda: _new_client(url, patience))


def _new_client(url: str, patience: str) -> redis.Redis:
    settings = get_settings()
    chosen = PATIENCE[patience]
    options = dict(retry=_RetryWhileDown(url, patience), retry_on_error=[redis.ConnectionError, redis.TimeoutError],
                   health_check_interval=30, socket_connect_timeout=chosen.connect_timeout,
                   socket_timeout=chosen.read_timeout)
    if not url.startswith("unix:"):
        options["socket_keepalive"] = True  # TCP only
    if url.startswith("redis+sentinel:"):
        return _primary_through_sentinels(url, options, settings)
    options["connection_class"] = _UnixConnection if url.startswith("unix:") else _TcpConnection
    if url.startswith("rediss:"):
        # Managed Redis (Heroku, ElastiCache) may use a self-signed certificate: REDIS_SSL_CERT_REQS=none.
        options.update(ssl_cert_reqs=settings.redis_ssl_cert_reqs, ssl_ca_certs=settings.redis_ssl_ca_certs,
                       connection_class=_TlsConnection)
    return redis.Redis.from_url(url, **options)


def _primary_through_sentinels(url: str, options: dict, settings) -> redis.Redis:
    """A client of whichever server the sentinels name as primary now.

    Each new connection asks the sentinels first, so after a failover the
    retries above land on the promoted replica: no process needs a restart.
    A server demoted to replica answers writes with READONLY: retried the same way.
    """
    options["retry_on_error"] = [*options["retry_on_error"], redis.exceptions.ReadOnlyError]
    parsed = parse_sentinel_url(url, client_options=options)
    # Each sentinel is asked once per look-up, within the connect timeout: the retries are the primary's.
    sentinels = _Sentinels(parsed.hosts, sentinel_kwargs={
        "password": settings.redis_sentinel_password.reveal() or None, "retry": Retry(NoBackoff(), 0),
        "socket_connect_timeout": options["socket_connect_timeout"], "socket_timeout": options["socket_connect_timeout"]},
        **parsed.client_options)
    return sentinels.master_for(parsed.default_client.service, connection_class=_PrimaryConnection)


# Retries --------------------------------------------------------------------------------------------------------

class _RetryWhileDown(Retry):
    """redis-py's retry of a failed command or connection, as long as this process's patience allows.

    redis-py nests its retries (a command's attempts each reconnect, with
    attempts of their own): counted per call, 3 attempts took 48 s against a
    server that never answers, and a worker's 20 took hours. Here every nested
    call measures the same outage, from its first failed attempt: it ends when
    the outermost call succeeds, or when the patience runs out, for all of them.
    """

    def __init__(self, url: str, patience: str):
        super().__init__(NoBackoff(), -1)
        self.url, self.patience = url, patience

    def call_with_retry(self, do, fail, is_retryable=None, with_failure_count=False):
        outage, depths = _outage_of(self.url), _calls_under_way()
        depths[self.url] = depths.get(self.url, 0) + 1
        try:
            return self._attempts(outage, depths[self.url] == 1, do, fail, is_retryable, with_failure_count)
        finally:
            depths[self.url] -= 1
            if not depths[self.url]:
                outage.stop_listening()

    def _attempts(self, outage, outermost: bool, do, fail, is_retryable, with_failure_count):
        failures = 0
        while True:
            began = time.monotonic()
            try:
                answer = do()
            except self._supported_errors as error:
                if isinstance(error, (RedisUnavailable, redis.AuthenticationError)) or (
                        is_retryable and not is_retryable(error)):
                    raise  # given up on already, or a wrong password: another attempt would not change it
                failures += 1
                fail(error, failures) if with_failure_count else fail(error)
                pause = min(FIRST_PAUSE * 2 ** (failures - 1), LONGEST_PAUSE)
                outage.wait_after(error, began, pause, PATIENCE[self.patience])
                continue
            if outermost:  # the server answered a whole command, not only a connection
                outage.ended()
            return answer


@dataclass
class _Outage:
    """One server's failure to answer, as this process sees it: when it began, and who waits for it."""

    url: str
    since: float | None = None  # when the first failed attempt began
    said: bool = False  # the wait was logged
    handlers: dict | None = None  # the signal handlers replaced while a worker waits

    def wait_after(self, error, began: float, pause: float, patience: Patience) -> None:
        """Sleep ``pause`` before the next attempt, or raise: ``RedisUnavailable`` once the patience is spent,
        ``StopRequested`` once told to stop."""
        if self.since is None:
            self.since = began  # one failure alone (an idle connection the server closed) is retried unsaid
        elif patience.say_so and not self.said:
            self.said = True
            log.warning("waiting for Redis at %s: %s", hide_password(self.url), what_happened(error))
        main = threading.current_thread() is threading.main_thread()
        if _stop.signalled and main:
            self._stopping()
        waited = time.monotonic() - self.since
        if patience.give_up_after is not None and waited + pause > patience.give_up_after:
            raise RedisUnavailable(self.url, what_happened(error)) from error
        if patience.give_up_after is None and main:
            self._listen_for_stop()
        if not main:  # a helper thread (RQ's pubsub, a heartbeat) waits on; the main thread decides to stop
            time.sleep(pause)
            return
        deadline = time.monotonic() + pause
        while time.monotonic() < deadline:  # short naps: a stop signal is seen within a tenth of a second
            time.sleep(min(0.1, max(deadline - time.monotonic(), 0)))
            if _stop.signalled:
                self._stopping()

    def _stopping(self):
        log.warning("told to stop while waiting for Redis at %s: stopping", hide_password(self.url))
        raise StopRequested()

    def ended(self) -> None:
        if self.since is not None:
            if self.said:
                log.warning("Redis at %s answers again after %.1f s", hide_password(self.url),
                            time.monotonic() - self.since)
            self.since, self.said = None, False

    def _listen_for_stop(self) -> None:
        """SIGTERM and SIGINT end the wait (after the handlers in place, RQ's or rq-scheduler's, have run)."""
        if self.handlers is not None or threading.current_thread() is not threading.main_thread():
            return
        self.handlers = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(signum)
            if previous is not signal.SIG_IGN:  # a work horse ignores SIGTERM: its worker decides
                self.handlers[signum] = previous
                signal.signal(signum, _stop_waiting)

    def stop_listening(self) -> None:
        """The handlers in place before the wait, back (from the main thread, the one that replaced them)."""
        if self.handlers is None or threading.current_thread() is not threading.main_thread():
            return
        for signum, previous in self.handlers.items():
            if signal.getsignal(signum) is _stop_waiting:
                signal.signal(signum, previous)
        self.handlers = None


class _StopFlag:
    """Whether a stop signal came while waiting. Set from a signal handler, so a plain attribute and no lock:
    a ``threading.Event``'s lock, taken by the handler, could be held already by the thread it interrupts."""

    signalled = False


_stop = _StopFlag()  # signals are the process's, as is this
_threads = threading.local()


def _outage_of(url: str) -> _Outage:
    """The runtime's outage of ``url`` (a forked horse starts with no outage of its own)."""
    return current().part(("outage", url, os.getpid()), lambda: _Outage(url))


def _calls_under_way() -> dict[str, int]:
    """Per server, the retried calls under way on this thread's stack: redis-py nests them."""
    if not hasattr(_threads, "depths"):
        _threads.depths = {}
    return _threads.depths


class StoppedWhileStarting(BaseException):  # noqa: N818  (a stop, like SystemExit, not an error)
    """SIGTERM or Ctrl-C before a long-running command's loop had its own handlers in place. A BaseException,
    as SystemExit is: library code that catches ``Exception`` (an import's, a parser's) neither swallows it
    nor turns it into an error of its own."""


def stop_cleanly_until_running() -> None:
    """Until a long-running command's loop puts its own handlers in place (RQ's, rq-scheduler's), SIGTERM or
    Ctrl-C ends the command cleanly (``StoppedWhileStarting``: status 0) instead of killing it by the signal:
    a deploy may stop a scheduler while it syncs the schedule, or a worker while it registers."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop_starting)


def _stop_starting(signum, frame) -> None:
    raise StoppedWhileStarting()


def _stop_waiting(signum, frame) -> None:
    _stop.signalled = True
    for outage in current().parts("outage"):
        previous = (outage.handlers or {}).get(signum)
        # The wait says it was told to stop and raises StopRequested itself; a loop's own handler runs first.
        if callable(previous) and previous not in (signal.default_int_handler, _stop_starting):
            previous(signum, frame)  # RQ's warm shutdown, rq-scheduler's stop
            return


def what_happened(error: BaseException) -> str:
    """What the server did, as the end of a sentence about it: "refused the connection", "did not answer
    within 2 s"; redis-py's own text for anything else."""
    if isinstance(error, (_NoAnswer, MasterNotFoundError, RedisUnavailable)):
        return str(error)
    if isinstance(error, redis.exceptions.BusyLoadingError):
        return "is still loading its data after a restart"
    if isinstance(error, redis.AuthenticationError):
        return f"refused the password ({error})"
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return "refused the connection"
        if isinstance(cause, socket.gaierror):
            return "has a host name that does not resolve"
        if isinstance(cause, ssl.SSLError):
            return f"failed the TLS handshake ({cause})"
        if isinstance(cause, ConnectionResetError) or "closed by server" in str(cause):
            return "closed the connection"
        cause = cause.__cause__ or cause.__context__
    return f"failed: {error}"


# Connections ----------------------------------------------------------------------------------------------------

class _NoAnswer(redis.TimeoutError):
    def __init__(self, seconds: float | None):
        super().__init__(f"did not answer within {seconds:g} s" if seconds else "did not answer")


class _Bounded:
    """A connection whose every wait has a limit: a server that accepts and never answers is found in its
    connect timeout, and a blocking command (BLMOVE, BLPOP, XREAD BLOCK, WAIT) is given its own wait on top
    of the read timeout, so no read timeout cuts it short."""

    _handshaking = False
    _blocking_for: float | None = 0.0  # None: the command blocks until answered

    def connect_check_health(self, *args, **kwargs):
        try:
            return super().connect_check_health(*args, **kwargs)
        except redis.TimeoutError as error:
            if isinstance(error, _NoAnswer):
                raise
            raise _NoAnswer(self.socket_connect_timeout) from error

    def on_connect_check_health(self, *args, **kwargs):
        self._handshaking = True  # HELLO, AUTH, CLIENT SETINFO, SELECT: answered at once by a live server
        try:
            return super().on_connect_check_health(*args, **kwargs)
        finally:
            self._handshaking = False

    def send_command(self, *args, **kwargs):
        super().send_command(*args, **kwargs)  # may send a health-check PING first: set after it
        self._blocking_for = 0.0 if self._handshaking else _blocking_seconds(args)

    def send_packed_command(self, command, check_health=True):
        self._blocking_for = 0.0  # a pipeline's commands (none blocks), or send_command's, which sets it after
        return super().send_packed_command(command, check_health)

    def read_response(self, *args, timeout=NOT_GIVEN, **kwargs):
        if timeout is NOT_GIVEN:
            if self._handshaking:
                timeout = self.socket_connect_timeout
            elif self._blocking_for is None:
                timeout = None
            elif self._blocking_for:
                timeout = self.socket_timeout + self._blocking_for if self.socket_timeout else None
        try:
            return super().read_response(*args, timeout=timeout, **kwargs)
        except redis.TimeoutError as error:
            if isinstance(error, _NoAnswer):
                raise
            raise _NoAnswer(self.socket_timeout if timeout is NOT_GIVEN else timeout) from error


def _blocking_seconds(args) -> float | None:
    """How long a command may block on the server by its own arguments: 0 for most, None for ever."""
    name = str(args[0]).upper() if args else ""
    try:
        if name in ("BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BZPOPMIN", "BZPOPMAX"):
            seconds = float(args[-1])
        elif name in ("BLMPOP", "BZMPOP"):
            seconds = float(args[1])
        elif name in ("XREAD", "XREADGROUP"):
            words = [str(arg).upper() for arg in args]
            seconds = float(args[words.index("BLOCK") + 1]) / 1000 if "BLOCK" in words else 0.0
        elif name == "WAIT":
            seconds = float(args[2]) / 1000
        elif name == "WAITAOF":
            seconds = float(args[3]) / 1000
        else:
            return 0.0
    except (IndexError, ValueError):
        return 0.0
    return None if seconds == 0 else seconds


class _TcpConnection(_Bounded, redis.Connection):
    pass


class _TlsConnection(_Bounded, redis.SSLConnection):
    pass


class _UnixConnection(_Bounded, redis.UnixDomainSocketConnection):
    pass


class _PrimaryConnection(_Bounded, SentinelManagedConnection):
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


class _Sentinels(Sentinel):
    """redis-py's Sentinel, whose "no primary" error says in words what each sentinel did (redis-py's
    lists each sentinel's client object)."""

    def discover_master(self, service_name):
        problems = []
        for number, sentinel in enumerate(self.sentinels):
            address = "{host}:{port}".format(**sentinel.connection_pool.connection_kwargs)
            try:
                state = sentinel.sentinel_masters().get(service_name)
            except (redis.ConnectionError, redis.TimeoutError) as error:
                timeout = sentinel.connection_pool.connection_kwargs.get("socket_timeout")
                problems.append(f"sentinel {address} " + (f"did not answer within {timeout:g} s"
                                                          if isinstance(error, redis.TimeoutError) and timeout
                                                          else what_happened(error)))
                continue
            if state and self.check_master_state(state, service_name):
                self.sentinels[0], self.sentinels[number] = sentinel, self.sentinels[0]
                return (self._force_master_ip if self._force_master_ip is not None else state["ip"]), state["port"]
            problems.append(f"sentinel {address} " + (f"sees the primary of {service_name!r} down" if state
                                                      else f"watches no service {service_name!r}"))
        raise MasterNotFoundError(f"could not be found: no sentinel named its primary ({'; '.join(problems)})")


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
