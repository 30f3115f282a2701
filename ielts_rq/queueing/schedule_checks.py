"""Judging an entry of rq-scheduler's schedule, or a claimed tick, before the scheduler acts on it.

Whatever can write to Redis can add an entry to the schedule. Its record's own fields are checked as a
worker checks a job's (``records``); on top, what the scheduler reads: a queue to enqueue on, a registered
job to run, and the meta that says when to run it next. A problem found here is the reason the scheduler
gives when it sets the entry aside.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone

from .crontable import CRON_TABLE, next_run
from .records import MAX_INTERVAL, is_registered, printable

MAX_CRON_LENGTH = 200
SCHEDULE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}")


def entry_problems(job) -> list[str]:
    """Why the scheduler must not act on this record of the schedule (None: it has none), or [].

    The record's own fields are checked as a worker checks them (``records``); on top, what the scheduler
    reads: a queue to enqueue on, a registered job to run, and the meta that says when to run it next.
    """
    if job is None:
        return ["record: none; there is nothing to run"]
    problems = list(job.problems)
    if not job.readable:
        return problems
    if not job.origin and not _about("origin", problems):
        problems.append("origin: missing; the entry names no queue")
    if not _about("data", problems):
        problems += _call_problems(job)
    if not _about("meta", problems):
        problems += meta_problems(job.meta) or _name_problems(job)
    return problems


def _name_problems(job) -> list[str]:
    """An entry's runs are written and paused under its name: only the table's own entry has a table name."""
    name = job.meta.get("schedule_name", job.id)
    owner = next((entry for entry in CRON_TABLE if entry.name == name), None)
    if owner is not None and owner.job_id != job.id:
        return [f"meta.schedule_name: {printable(name)} is the name of the table's entry {owner.job_id}"]
    return []


def _about(field: str, problems: list[str]) -> bool:
    return any(problem.startswith(field + ":") for problem in problems)


def _call_problems(job) -> list[str]:
    try:
        name = job.func_name
    except Exception:  # RQ's reader of a call that is not JSON (a pickle, say): refused, never unpickled
        return ["data: not a JSON call; refused, never unpickled"]
    if not is_registered(name):
        return [f"data: {printable(name)} is not a registered job: refused without importing it"]
    return []


def meta_problems(meta: dict) -> list[str]:
    """What is wrong with the fields of a scheduled job's meta that the scheduler reads."""
    problems = []
    cron = meta.get("cron_string")
    if cron is not None and (problem := cron_problem(cron)):
        problems.append(f"meta.cron_string: {problem}")
    interval = meta.get("interval")
    if interval is not None and not (type(interval) is int and 1 <= interval <= MAX_INTERVAL):
        problems.append(f"meta.interval: {printable(interval)} is not a whole number of seconds from 1 to "
                        f"{MAX_INTERVAL}")
    name = meta.get("schedule_name")
    if name is not None and not (isinstance(name, str) and SCHEDULE_NAME.fullmatch(name)):
        problems.append(f"meta.schedule_name: {printable(name)} is not a name (letters, digits, '_.-')")
    if meta.get("queue_class_name") is not None:  # rq-scheduler imports it: ielts-rq sets none
        problems.append(f"meta.queue_class_name: {printable(meta['queue_class_name'])}: refused without "
                        "importing it")
    return problems


def cron_problem(cron) -> str | None:
    """What is wrong with a cron line, or None: it must read as one and fire again."""
    if not isinstance(cron, str) or len(cron) > MAX_CRON_LENGTH:
        return f"{printable(cron)} is not a cron line"
    try:
        upcoming = next_run(cron, datetime.now(timezone.utc))
    except Exception:  # crontab's parser raises ValueError, or worse, on what it cannot read
        return f"{printable(cron)} is not a cron line (minute hour day-of-month month day-of-week)"
    if upcoming is None:
        return f"{printable(cron)} never fires again"
    return None


def tick_problem(tick: bytes) -> str | None:
    """What is wrong with a claim's tick (epoch seconds, as the claim wrote it), or None."""
    try:
        moment = float(tick.decode("ascii"))
        if math.isfinite(moment):
            datetime.fromtimestamp(moment, timezone.utc)
            return None
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        pass
    return f"claim: its tick {printable(tick)} is not a time"


def member_text(member: bytes) -> str | None:
    """A member of the schedule or of the claims as text; None if it is not UTF-8 (no job id is)."""
    try:
        return member.decode("utf-8")
    except UnicodeDecodeError:
        return None
