"""Is this deployment ready to work? Each part probed for real, for `ielts-rq check` and a release phase.

Nothing is sent or changed: Redis is pinged, storage is asked for a key that
does not exist, the engines' programs are looked for. Email servers are not
contacted (a release must not send mail); their settings were checked at start.
"""

from __future__ import annotations

import functools

import redis

from ..queueing.connection import get_connection, queue_connection, queue_server_url, redis_url, split_off_queues
from ..settings import get_settings, hide_password

EVICTING = ("allkeys-", "volatile-")  # policies under which Redis may drop queued jobs to free memory


def probes() -> list[dict]:
    """One verdict per part: ``ok``, ``warn`` or ``fail``, with what was found."""
    split_off = [(f"redis ({queue} queue)", functools.partial(_redis, queue))
                 for queue in split_off_queues()]
    return [_probe(name, check) for name, check in
            (("redis", _redis), *split_off, ("storage", _storage), ("email", _email), ("scoring", _scoring),
             ("ocr", _ocr), ("speech", _speech))]


def _probe(part: str, check) -> dict:
    try:
        verdict, backend, detail = check()
    except Exception as exc:  # any failure to answer is the verdict for that part
        verdict, backend, detail = "fail", "", f"{type(exc).__name__}: {exc}"
    return {"part": part, "verdict": verdict, "backend": backend, "detail": hide_password(detail)}


def _redis(queue: str | None = None):
    """REDIS_URL's server, or the one ``queue`` lives on (REDIS_URL_<QUEUE>)."""
    variable = f"REDIS_URL_{queue.upper()}" if queue else "REDIS_URL"
    where = hide_password(queue_server_url(queue) if queue else redis_url())
    try:
        info = (queue_connection(queue) if queue else get_connection()).info()
    except redis.RedisError as exc:
        return "fail", where, f"unreachable ({exc}): check {variable}, its password and TLS settings"
    version = info.get("valkey_version") or info.get("redis_version")
    policy = info.get("maxmemory_policy", "noeviction")
    if policy.startswith(EVICTING):
        return "fail", where, (f"maxmemory-policy is {policy}: Redis may delete queued jobs when full; "
                               "set it to noeviction")
    return "ok", where, f"version {version}, maxmemory-policy {policy}"


def _storage():
    from ..storage import get_storage

    settings = get_settings()
    get_storage().exists("ielts-rq-check/readiness-probe")  # one real round trip, nothing written
    if settings.s3_bucket_name:
        return "ok", f"s3://{settings.s3_bucket_name}", "bucket answered"
    return "warn", str(settings.home / "files"), "local disk: files are lost if this machine's disk is wiped"


def _email():
    settings = get_settings()
    backend = settings.email_backend
    if backend == "outbox":
        return "warn", "outbox", f"emails are written to {settings.home / 'outbox'}, not sent"
    target = settings.smtp_host if backend == "smtp" else settings.sendgrid_base_url
    return "ok", f"{backend} ({target})", "configured (not contacted: a check sends nothing)"


def _scoring():
    settings = get_settings()
    if settings.scoring_service_url:
        return "ok", settings.scoring_service_url, "scoring service"
    from ..scoring import SCORER_VERSION

    return "ok", "built-in scorer", f"version {SCORER_VERSION}"


def _ocr():
    settings = get_settings()
    if settings.ocr_service_url:
        return "ok", settings.ocr_service_url, "OCR service"
    import pytesseract

    try:
        return "ok", "tesseract", f"version {pytesseract.get_tesseract_version()}"
    except pytesseract.TesseractNotFoundError:
        return "fail", "tesseract", "the tesseract program is not installed (apt-get install tesseract-ocr)"


def _speech():
    settings = get_settings()
    if settings.speech_service_url:
        return "ok", settings.speech_service_url, "speech service"
    import pocketsphinx

    return "ok", "pocketsphinx", f"model at {pocketsphinx.get_model_path()}"
