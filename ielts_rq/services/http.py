"""One way to call the platform's HTTP services: timeouts, retries, clear errors.

urllib3's ``Retry`` retries connection errors, 429 and 5xx answers a few
times within the call, with exponential backoff and ``Retry-After``. What is
still failing after that becomes a ``TransientError`` (the job's own retry
policy tries again later); a 4xx or a malformed answer becomes a
``PermanentError`` naming the service and what was wrong.
"""

from __future__ import annotations

import functools

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..errors import PermanentError, TransientError
from ..settings import get_settings, hide_password, redact

RETRY_STATUSES = (429, 500, 502, 503, 504)
ANSWER_EXCERPT = 300  # characters of a service's answer quoted in an error


@functools.cache
def session() -> requests.Session:
    """A pooled session per process, retrying idempotent and POST calls alike."""
    retry = Retry(
        total=3,
        backoff_factor=0.25,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # the services' POSTs are safe to repeat
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    http = requests.Session()
    http.mount("http://", HTTPAdapter(max_retries=retry))
    http.mount("https://", HTTPAdapter(max_retries=retry))
    return http


def timeouts() -> tuple[float, float]:
    settings = get_settings()
    return settings.service_connect_timeout, settings.service_read_timeout


def post(service: str, url: str, **kwargs) -> dict:
    """POST to a service and return its JSON object, or raise a job error."""
    try:
        timeout = kwargs.pop("timeout", None) or timeouts()
        response = session().post(url, timeout=timeout, **kwargs)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise TransientError(f"{service} service unreachable at {hide_password(url)}: {type(exc).__name__}") from None
    except requests.RequestException as exc:
        raise TransientError(redact(f"{service} service request failed: {exc}")) from None
    return read_answer(service, response)


def read_answer(service: str, response: requests.Response) -> dict:
    status = response.status_code
    if status in RETRY_STATUSES:
        raise TransientError(f"{service} service answered {status}: {_excerpt(response)}")
    if status >= 400:
        raise PermanentError(f"{service} service refused the request ({status}): {_excerpt(response)}")
    try:
        answer = response.json()
    except ValueError:
        raise PermanentError(f"{service} service sent a malformed answer (not JSON): {_excerpt(response)}") from None
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


def _excerpt(response: requests.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:ANSWER_EXCERPT] or "(empty body)"
