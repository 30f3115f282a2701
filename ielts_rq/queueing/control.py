"""Operators' control of the workers: suspend and resume them all, pause and resume one queue, stop one worker.

- Suspension is RQ's own (the ``rq:suspended`` key that ``rq suspend`` sets): every
  worker finishes its current job and takes no other until resumed. It is set on
  each server that holds queues, since each worker reads its own.
- A paused queue keeps its jobs; no worker takes one from it (dequeue.py passes it
  over) while the worker's other queues go on. The mark lives on the queue's server.
- A stopped worker finishes its current job and exits (RQ's shutdown command).
  It is marked stopping until it has gone, so that every page and ``status`` say so.
"""

from __future__ import annotations

import time

from rq.command import send_shutdown_command
from rq.suspension import is_suspended, resume, suspend

from ..policies import QUEUES
from . import keys
from .connection import queue_connection, servers_holding_queues
from .queues import all_workers


def suspend_workers() -> None:
    for server in servers_holding_queues():
        suspend(server)


def resume_workers() -> None:
    for server in servers_holding_queues():
        resume(server)


def workers_suspended() -> bool:
    return any(is_suspended(server) for server in servers_holding_queues())


def pause_queues(names) -> None:
    for name in names:
        queue_connection(name).set(keys.queue_paused(name), 1)


def resume_queues(names) -> None:
    for name in names:
        queue_connection(name).delete(keys.queue_paused(name))


def paused_queues() -> list[str]:
    return [name for name in QUEUES if queue_connection(name).exists(keys.queue_paused(name))]


def stop_worker(name: str) -> bool:
    """Tell worker ``name`` to exit after its current job; False when no such worker is registered."""
    for worker in all_workers():
        if worker.name == name:
            send_shutdown_command(worker.connection, name)
            worker.connection.hset(keys.workers_stopping(), name, time.time())
            return True
    return False


def stopping_workers() -> list[str]:
    """The workers told to stop that are still registered; the mark of one that has gone is dropped."""
    marked = {server: sorted(field.decode() for field in server.hkeys(keys.workers_stopping()))
              for server in servers_holding_queues()}
    if not any(marked.values()):
        return []  # the common case, on every page: no worker list read
    registered = {worker.name for worker in all_workers()}
    stopping = []
    for server, names in marked.items():
        for name in names:
            if name in registered:
                stopping.append(name)
            else:
                server.hdel(keys.workers_stopping(), name)
    return stopping
