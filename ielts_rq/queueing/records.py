"""Read a job's hash from Redis without trusting it: every field RQ reads is checked before RQ reads it.

Whatever can write to Redis (an attacker, a bug, a half-written record) can leave a value in a job's hash
that RQ's own reader chokes on: a date that does not parse, a timeout of "soon", a status RQ does not know,
text that is not UTF-8, a kilobyte of zlib that inflates to gigabytes. RQ raises on the first of them
wherever the job is read: in a worker's dequeue (the worker quits, the job comes back to the front of its
queue, and the next worker quits on it) as in every triage command. Other fields make a worker act: a
callback names any function to import and call, a webhook any address to send a request to.

Here each field is checked on its own. A bad one is left out, so RQ falls back to its default, and named in
the record's problems; a job with problems is refused by the worker (failed, never run) and shown as it is
by the triage tools. A callback may only be one of ielts-rq's own (``CALLBACKS``), checked before anything is imported.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import zlib

from rq.job import JobStatus
from rq.utils import parse_timeout, str_to_date

from ..policies import POLICIES, QUEUES
from ..settings import get_settings

JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")  # RQ's pattern for a job id, with a length
MAX_DATA_BYTES = 16 * 1024 * 1024  # a job's call, decompressed: ids and short texts, far below this
MAX_ERROR_BYTES = 1024 * 1024  # a stored traceback, decompressed
MAX_TIMEOUT = 7 * 86400  # seconds; the longest policy timeout is 20 minutes
MAX_TTL = 10 * 365 * 86400  # seconds a record may be kept; -1 (RQ's "forever") is allowed too
MAX_RETRIES = 100
MAX_INTERVAL = 365 * 86400  # seconds before a retry or a repeat


def is_registered(func_name) -> bool:
    """Whether ``func_name`` is one of the jobs of the policy table, or a function defined in a module of
    EXTRA_JOB_MODULES (not any name it imports: ``tests.fixtures.Path`` is a class it uses, no job)."""
    if not isinstance(func_name, str):
        return False
    if func_name in _REGISTERED:
        return True
    module, _, name = func_name.rpartition(".")
    return module in get_settings().extra_job_modules and _defined_in(module, name)


def _defined_in(module_name: str, name: str) -> bool:
    # The module is the operator's own configuration, so importing it is safe; the name comes from Redis.
    function = getattr(importlib.import_module(module_name), name, None)
    return inspect.isfunction(function) and function.__module__ == module_name


_REGISTERED = frozenset(policy.func for policy in POLICIES.values())

# The functions a job record may name as a callback (RQ imports and calls it with the job). ielts-rq sets
# only its own three (``callbacks``), which enqueue what the job's meta names through the policy table; a
# record naming any other, a registered job included, was written by something else: it is refused before
# anything is imported.
ON_SUCCESS = "ielts_rq.queueing.callbacks.job_succeeded"
ON_FAILURE = "ielts_rq.queueing.callbacks.job_failed"
ON_STOPPED = "ielts_rq.queueing.callbacks.job_stopped"
CALLBACKS: frozenset[str] = frozenset({ON_SUCCESS, ON_FAILURE, ON_STOPPED})


def callback_problem(name) -> str | None:
    """What is wrong with a callback named in a job record, or None."""
    if name in CALLBACKS:
        return None
    return f"{printable(name)} is not a callback ielts-rq sets (only its own): refused without importing it"


def id_problem(job_id: str) -> str | None:
    """What is wrong with a job id, or None. RQ refuses such an id with ValueError wherever it meets it."""
    if JOB_ID.fullmatch(job_id):
        return None
    return f"job id {printable(job_id)} is not a job id (letters, digits, '_' and '-', at most 128)"


def printable(text, limit: int = 120) -> str:
    """A value as one quoted line: control characters and newlines escaped, cut at ``limit``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "backslashreplace")
    shown = repr(str(text)[:limit])
    return shown + ("..." if len(str(text)) > limit else "")


class Checked:
    """A job hash as RQ may read it: the fields that passed, what was wrong with the others, and the
    decompressed ``data`` and ``exc_info`` (bounded) that RQ would otherwise decompress without a limit."""

    def __init__(self, fields: dict[bytes, bytes], problems: list[str], data: bytes, exc_info: str | None):
        self.fields = fields
        self.problems = problems
        self.data = data
        self.exc_info = exc_info


def check_record(raw: dict) -> Checked:
    """Check every field of a job hash RQ reads (``raw`` as HGETALL answers it)."""
    fields, problems = {}, []
    for name, value in raw.items():
        name = name if isinstance(name, bytes) else str(name).encode()
        value = value if isinstance(value, bytes) else str(value).encode()
        if name in (b"data", b"exc_info"):
            continue
        check = _CHECKS.get(name.decode("utf-8", "replace"))
        if check is None:  # a field RQ does not read, or reads without choking on it
            fields[name] = value
            continue
        if value == b"":
            continue  # RQ writes empty fields for "none"; some of its readers choke on them
        problem = _run(check, value)
        if problem:
            problems.append(f"{name.decode()}: {problem}")
        else:
            fields[name] = value
    data, problem = _call_data(raw.get(b"data"))
    if problem:
        problems.append(f"data: {problem}")
    exc_info, problem = _error_text(raw.get(b"exc_info"))
    if problem:
        problems.append(f"exc_info: {problem}")
    # RQ restores the job from these; data and exc_info are set afterwards, already decompressed.
    fields[b"data"] = b""
    return Checked(fields, problems, data, exc_info)


def _run(check, value: bytes) -> str | None:
    try:
        return check(value)
    except Exception:  # whatever RQ's parser raises (TimeoutFormatError is no ValueError): RQ would raise it too
        return f"{printable(value)} is not {check.__doc__}"


def inflate(raw: bytes, limit: int) -> bytes:
    """``raw`` zlib-decompressed, refused past ``limit`` bytes (a small bomb inflates to gigabytes); raw
    bytes that are not zlib are returned as they are, as RQ does."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, limit)
    except zlib.error:
        return raw
    if not inflater.eof:
        if inflater.unconsumed_tail or len(out) >= limit:
            raise ValueError(f"inflates to more than {limit // (1024 * 1024)} MB: refused")
        return raw  # a cut stream: RQ's zlib.decompress fails on it and keeps the bytes as they are
    return out


def _call_data(raw: bytes | None) -> tuple[bytes, str | None]:
    """The job's call (JSON ``[function, null, args, kwargs]``), and what is wrong with it."""
    if raw is None:
        return b"", "missing"
    try:
        data = inflate(raw, MAX_DATA_BYTES)
    except ValueError as exc:
        return b"", str(exc)
    if len(data) > MAX_DATA_BYTES:  # stored uncompressed: as large once saved again, and unreadable then
        return b"", f"more than {MAX_DATA_BYTES // (1024 * 1024)} MB: refused"
    try:
        call = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        # Not JSON (pickle, say): kept as it is; reading it fails as "refused, never unpickled".
        return data, None
    if not (isinstance(call, list) and len(call) == 4 and isinstance(call[0], str) and call[1] is None
            and isinstance(call[2], list) and isinstance(call[3], dict)):
        return b"", "not a call [function, null, [args], {kwargs}]"
    return data, None


def _error_text(raw: bytes | None) -> tuple[str | None, str | None]:
    if raw is None or raw == b"":
        return None, None
    try:
        text = inflate(raw, MAX_ERROR_BYTES)
    except ValueError as exc:
        return None, str(exc)
    try:
        return text.decode("utf-8"), None
    except UnicodeDecodeError:
        return None, "not UTF-8 text"


# One check per field RQ's Job.restore reads; each raises (or answers a problem) on a value RQ cannot use.

def _date(value: bytes):
    """a time (YYYY-MM-DDTHH:MM:SS.ffffffZ)"""
    str_to_date(value)


def _text(value: bytes):
    """UTF-8 text"""
    value.decode("utf-8")


def _queue(value: bytes):
    """one of the queues"""
    if value.decode("utf-8") not in QUEUES:
        raise ValueError


def _status(value: bytes):
    """a job status"""
    JobStatus(value.decode("utf-8"))


def _whole(low: int, high: int):
    def check(value: bytes):
        if not low <= int(value) <= high:
            raise ValueError

    check.__doc__ = f"a whole number from {low} to {high}"
    return check


def _timeout(value: bytes):
    """a timeout (seconds, or digits and s/m/h/d) of -1, or 0 to 7 days"""
    seconds = parse_timeout(value.decode("utf-8"))
    if seconds != -1 and not 0 <= seconds <= MAX_TIMEOUT:
        raise ValueError


def _intervals(value: bytes):
    """a JSON list of whole seconds up to a year"""
    intervals = json.loads(value)
    if not (isinstance(intervals, list) and len(intervals) <= MAX_RETRIES
            and all(type(i) is int and 0 <= i <= MAX_INTERVAL for i in intervals)):
        raise ValueError


def _job_ids(value: bytes):
    """a JSON list of job ids"""
    ids = json.loads(value)
    if not (isinstance(ids, list) and all(isinstance(i, str) and JOB_ID.fullmatch(i) for i in ids)):
        raise ValueError


def _job_id(value: bytes):
    """a job id"""
    if not JOB_ID.fullmatch(value.decode("utf-8")):
        raise ValueError


def _json_object(value: bytes):
    """a JSON object"""
    if not isinstance(json.loads(value), dict):
        raise ValueError


def _callback(value: bytes) -> str | None:
    """a callback"""
    return callback_problem(value.decode("utf-8"))


def _unused(value: bytes) -> str:
    """used"""
    return f"{printable(value, 60)}: ielts-rq sets none, so a worker refuses one rather than act on it"


_TTL = _whole(-1, MAX_TTL)
_FLAG = _whole(0, 1)
_CALLBACK_TIMEOUT = _whole(1, MAX_TIMEOUT)

_CHECKS = {
    "created_at": _date, "enqueued_at": _date, "started_at": _date, "ended_at": _date, "last_heartbeat": _date,
    "origin": _queue, "status": _status, "timeout": _timeout,
    "worker_name": _text, "description": _text,
    "result_ttl": _TTL, "failure_ttl": _TTL, "ttl": _TTL,
    "retries_left": _whole(0, MAX_RETRIES), "number_of_retries": _whole(0, MAX_RETRIES),
    "retry_intervals": _intervals, "repeats_left": _whole(0, MAX_RETRIES), "repeat_intervals": _intervals,
    "success_callback_name": _callback, "failure_callback_name": _callback, "stopped_callback_name": _callback,
    "success_callback_timeout": _CALLBACK_TIMEOUT, "failure_callback_timeout": _CALLBACK_TIMEOUT,
    "stopped_callback_timeout": _CALLBACK_TIMEOUT,
    "enqueue_at_front": _FLAG, "enqueue_at_front_on_retry": _FLAG, "allow_dependency_failures": _FLAG,
    "dependency_ids": _job_ids, "dependency_id": _job_id,
    "meta": _json_object,
    # RQ sends an HTTP request to each webhook, takes a slot of any key named as a rate limit, and reads
    # a group's record to delete a job of it (a group that is not there made the delete raise).
    "webhooks": _unused, "rate_limit_key": _unused, "rate_limit_concurrency": _unused, "group_id": _unused,
}
