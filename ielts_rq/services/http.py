"""One way to call the platform's HTTP services: a deadline, a size cap, retries, clear errors.

A call tries up to ``ATTEMPTS`` times (connection errors, 429 and 5xx), with
backoff, all within one deadline (``SERVICE_DEADLINE``, shorter than any
job's timeout), so a hanging, trickling or failing service fails the job with
a message naming the service rather than a bare job timeout. An answer is
read as it arrives and refused past ``MAX_ANSWER_BYTES``. A ``Retry-After``
answer is not waited out in the worker: the job is retried no sooner than
asked (``RetryLater``). What is still failing becomes a ``TransientError``
(retried by the job's policy); a 4xx or a malformed answer becomes a
``PermanentError`` naming the service and what was wrong.
"""

from __future__ import annotations

import email.utils
import json
import os
import time
from datetime import datetime, timezone

import requests

from ..clock import utc
from ..errors import PermanentError, RetryLater, TransientError
from ..media import MB
from ..runtime import current
from ..settings import get_settings, hide_password, redact

RETRY_STATUSES = (429, 500, 502, 503, 504)
ATTEMPTS = 3
BACKOFF = 0.25  # seconds before the second attempt, doubling
MAX_ANSWER_BYTES = 16 * MB  # a transcript or an essay's feedback is a few hundred KB at most
MAX_RETRY_AFTER = 6 * 3600  # seconds: a longer Retry-After is taken as this
ANSWER_EXCERPT = 300  # characters of a service's answer quoted in an error


def session() -> requests.Session:
    """The runtime's pooled session, one per process (retries are done here, within the deadline)."""
    return current().part(("http session", os.getpid()), requests.Session)


def timeouts() -> tuple[float, float]:
    settings = get_settings()
    return settings.service_connect_timeout, settings.service_read_timeout


def post(service: str, url: str, deadline: float | None = None, **kwargs) -> dict:
    """POST to a service and return its JSON object, or raise a job error (``deadline``: seconds)."""
    connect, read = kwargs.pop("timeout", None) or timeouts()
    budget = deadline or get_settings().service_deadline
    deadline = time.monotonic() + budget
    for attempt in range(1, ATTEMPTS + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            with session().post(url, timeout=(min(connect, remaining), min(read, remaining)), stream=True,
                                **kwargs) as response:
                if response.status_code in RETRY_STATUSES:
                    wait = retry_after(response)
                    if wait is not None:
                        raise RetryLater(f"{service} service answered {response.status_code} and asked to be "
                                         f"called again in {wait} s", wait)
                    if attempt < ATTEMPTS:
                        _pause(attempt, deadline)
                        continue
                return read_answer(service, response.status_code, _read_body(service, response, deadline))
        except requests.RequestException as exc:
            if attempt < ATTEMPTS and isinstance(exc, (requests.ConnectionError, requests.Timeout)):
                _pause(attempt, deadline)
                continue
            if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
                raise TransientError(f"{service} service unreachable at {hide_password(url)}: "
                                     f"{type(exc).__name__}") from None
            raise TransientError(redact(f"{service} service request failed: {exc}")) from None
    raise TransientError(f"{service} service did not answer within {budget:.0f} s (SERVICE_DEADLINE); "
                         f"{hide_password(url)}")


def _pause(attempt: int, deadline: float) -> None:
    time.sleep(max(0.0, min(BACKOFF * 2 ** (attempt - 1), deadline - time.monotonic())))


def retry_after(response: requests.Response) -> int | None:
    """Seconds from a Retry-After header (seconds or an HTTP date), capped; None without one."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = int((utc(when) - datetime.now(timezone.utc)).total_seconds())
    return max(1, min(seconds, MAX_RETRY_AFTER))


def _read_body(service: str, response: requests.Response, deadline: float) -> bytes:
    """The answer's bytes as they arrive, within the deadline and the size cap."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise PermanentError(f"{service} service sent an answer of {int(declared) / MB:.0f} MB; "
                             f"at most {MAX_ANSWER_BYTES // MB} MB is read")
    body = bytearray()
    try:
        while chunk := response.raw.read1(64 * 1024):  # returns what has arrived, however little
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise PermanentError(f"{service} service sent an answer over {MAX_ANSWER_BYTES // MB} MB; "
                                     "the rest was not read")
            if time.monotonic() > deadline:
                raise TransientError(f"{service} service was still sending its answer when the deadline "
                                     f"passed ({len(body):,} bytes so far)")
    except (requests.RequestException, OSError) as exc:
        raise TransientError(f"{service} service answer was cut off: {type(exc).__name__}") from None
    return bytes(body)


def read_answer(service: str, status: int, body: bytes) -> dict:
    if status in RETRY_STATUSES:
        raise TransientError(f"{service} service answered {status}: {_excerpt(body)}")
    if status >= 400:
        raise PermanentError(f"{service} service refused the request ({status}): {_excerpt(body)}")
    try:
        answer = json.loads(body)
    except ValueError:
        raise PermanentError(f"{service} service sent a malformed answer (not JSON): {_excerpt(body)}") from None
    if not isinstance(answer, dict):
        raise PermanentError(f"{service} service sent a malformed answer: expected a JSON object")
    return answer


def require_fields(service: str, answer: dict, fields: dict[str, type | tuple]) -> dict:
    """Check that an answer carries each field with the right type."""
    for name, kind in fields.items():
        if name not in answer:
            raise PermanentError(f"{service} service sent a malformed answer: missing {name!r}")
        if not isinstance(answer[name], kind) or isinstance(answer[name], bool) and kind is not bool:
            raise PermanentError(f"{service} service sent a malformed answer: {name!r} has the wrong type")
    return answer


def _excerpt(body: bytes) -> str:
    text = body[:ANSWER_EXCERPT * 4].decode("utf-8", "replace").strip().replace("\n", " ")
    return text[:ANSWER_EXCERPT] or "(empty body)"
