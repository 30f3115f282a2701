"""The runtime: everything a process shares, in one object, reached through one context.

A ``Runtime`` holds the environment it was built from, the clock, how long
its Redis clients wait for a server that is down (its patience), and the
parts built from them on first use: the settings (``settings.py``), the URL
of REDIS_URL's server and the queue-to-server map and one client per server
(``queueing/connection.py``), the storage backend (``storage/``). Each part
is built by the module that knows it and kept on the runtime, as a Flask
extension keeps its state on the app, so this module imports nothing of the
project and every layer may use it.

Code reads the runtime in force with ``current()``: the one a block set with
``use(runtime)``, else the process's own, built from ``os.environ`` on first
use. A test builds a runtime in-process instead of starting a process to
change a variable::

    with runtime.use(Runtime.from_env({**os.environ, "EMAIL_BACKEND": "smtp"})):
        get_settings().email_backend  # "smtp"
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any

PATIENCES = ("process", "command", "worker")  # what each kind of process waits for Redis: queueing/connection.py


class Runtime:
    """One process's (or one test's) settings and the shared parts built from them."""

    def __init__(self, env: Mapping[str, str], *, clock: Callable[[], float] = time.time, patience: str = "process"):
        self.env = dict(env)  # a copy: a later change to os.environ does not reach a runtime already built
        self.clock = clock  # epoch seconds now
        self.patience = patience
        self._parts: dict[Hashable, Any] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options) -> Runtime:
        """A runtime of ``env`` (``os.environ`` when not given); nothing is read or connected until used."""
        return cls(os.environ if env is None else env, **options)

    def part(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The part kept under ``key``, built by ``build()`` the first time it is asked for.

        No lock: two threads may both build a part, and both get the first one kept (a lock held
        across a fork would hang the forked work horse).
        """
        if key not in self._parts:
            self._parts.setdefault(key, build())
        return self._parts[key]

    def parts(self, kind: str) -> list[Any]:
        """The parts built so far whose key is a tuple starting with ``kind`` (each Redis client, say)."""
        return [part for key, part in list(self._parts.items()) if isinstance(key, tuple) and key[:1] == (kind,)]

    def __repr__(self) -> str:  # never the environment: it holds secrets
        return f"<Runtime patience={self.patience} parts={len(self._parts)}>"


_in_force: contextvars.ContextVar[Runtime | None] = contextvars.ContextVar("ielts_rq_runtime", default=None)
_process: list[Runtime] = []  # the process's own runtime, once built: the one process-wide slot of the package


def current() -> Runtime:
    """The runtime in force: the one ``use()`` set for this block, else the process's own."""
    runtime = _in_force.get()
    if runtime is not None:
        return runtime
    if not _process:
        _process.append(Runtime.from_env())
    return _process[0]


@contextlib.contextmanager
def use(runtime: Runtime) -> Iterator[Runtime]:
    """Make ``runtime`` the one in force for the block (this thread and the tasks it starts)."""
    token = _in_force.set(runtime)
    try:
        yield runtime
    finally:
        _in_force.reset(token)


def script(connection, source: str):
    """The Lua ``source`` registered on ``connection`` once per runtime: redis-py then sends EVALSHA, and the
    server loads the script once, instead of the source being hashed again at every call."""
    return current().part(("script", connection, source), lambda: connection.register_script(source))
