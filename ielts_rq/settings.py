"""Every environment variable ielts-rq reads, parsed and validated in one place.

``get_settings()`` reads the settings of the runtime in force (``runtime.py``),
parsed from its environment once, on first use, so importing a module never
needs a full environment. A value that cannot be
used raises ``ConfigError`` naming the variable; the CLI turns it into one
line and exit status 2.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from redis_sentinel_url import parse_sentinel_url

from .addresses import address_problem
from .errors import ConfigError
from .policies import POLICIES, PROVIDER_RATE_LIMITS, QUEUE_SETTINGS
from .runtime import current

EMAIL_BACKENDS = ("outbox", "smtp", "sendgrid")
SMTP_SECURITY = ("starttls", "ssl", "none")
SSL_CERT_REQS = ("required", "optional", "none")
# Where teams keep a Redis URL: ours first, then Heroku's add-ons and the Celery settings of the platform's
# old job system. Any of them set means Redis is configured: never fall back to a private embedded server.
SHORTEST_SERVICE_JOB_TIMEOUT = min(POLICIES[name].timeout for name in ("score_submission", "generate_feedback"))
REDIS_URL_NAMES = ("REDIS_URL", "REDIS_TLS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "BROKER_URL",
                   "RQ_REDIS_URL", "REDISCLOUD_URL", "REDISTOGO_URL", "OPENREDIS_URL", "REDISGREEN_URL")
QUEUE_REDIS_URL_PREFIX = "REDIS_URL_"  # REDIS_URL_SCORING: the scoring queue on a server of its own


@dataclass(frozen=True)
class Rate:
    """``count`` calls per ``seconds``: RATE_LIMITS' ``30`` (a minute), ``5/s``, ``1000/h``, ``5000/d`` or ``30/10s``."""

    count: int
    seconds: int = 60

    def __str__(self) -> str:
        unit = {1: "/s", 60: "", 3600: "/h", 86400: "/d"}.get(self.seconds, f"/{self.seconds}s")
        return f"{self.count}{unit}"


_UNIT_SECONDS = {**dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
                 **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
                 **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
                 **dict.fromkeys(("d", "day", "days"), 86400)}
# ``30``, ``5/s``, ``30 / 10s``, ``1000 per day`` (the ``limits`` library's own words); ASCII digits only.
_RATE = re.compile(r"([0-9]+)\s*(?:(?:/|per\b)\s*([0-9]*)\s*([a-z]+))?", re.ASCII)
MOST_CALLS = 1_000_000_000  # per window: beyond it Redis's counters overflow; no provider sells more
LONGEST_WINDOW = 7 * 86400  # seconds: a deferred job waits at most this for its slot


def _rate(text: str) -> Rate | None:
    """``30`` (a minute), ``5/s``, ``30/min``, ``1000/h``, ``30/10s``, ``1000 per day``; None when it is none of
    these, or beyond MOST_CALLS calls or LONGEST_WINDOW."""
    match = _RATE.fullmatch(text.strip().lower())
    if not match or not 1 <= int(match[1]) <= MOST_CALLS:
        return None
    if match[3] is None:
        return Rate(int(match[1]))
    unit = _UNIT_SECONDS.get(match[3])
    multiple = int(match[2]) if match[2] else 1
    if not unit or not 1 <= multiple * unit <= LONGEST_WINDOW:
        return None
    return Rate(int(match[1]), unit * multiple)


def _whole_number(text: str) -> int | None:
    """A whole number of ASCII digits (``str.isdigit`` also takes "²" and "٣", which ``int`` refuses or reads)."""
    return int(text) if re.fullmatch(r"[0-9]+", text) else None


class Secret(str):
    """A string that never shows itself in a repr, a log line or a traceback."""

    def __repr__(self) -> str:
        return "'********'" if self else "''"

    def reveal(self) -> str:
        return str.__str__(self)


@dataclass(frozen=True)
class Settings:
    home: Path
    redis_url: str | None = None
    redis_ssl_cert_reqs: str = "required"  # rediss:// only: verify the server's certificate
    redis_ssl_ca_certs: str | None = None  # rediss:// only: a CA bundle to verify it with
    redis_sentinel_password: Secret = Secret("")  # redis+sentinel:// only: the sentinels' own password
    key_prefix: str = "ielts:"
    log_level: str = "INFO"
    log_format: str = "text"  # or json: one JSON object a line, for log aggregators
    app_url: str = "http://localhost:8000"
    api_gateway_url: str | None = None
    scoring_service_url: str | None = None
    ocr_service_url: str | None = None
    speech_service_url: str | None = None
    service_connect_timeout: float = 3.0
    service_read_timeout: float = 30.0
    service_deadline: float = 90.0  # seconds for a whole service call, retries included (< the jobs' 120 s)
    health_check_timeout: float = 2.0
    email_backend: str = "outbox"
    from_email: str = "no-reply@ielts.localhost"
    from_name: str = "IELTS Practice"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: Secret = Secret("")
    smtp_security: str = "starttls"
    sendgrid_api_key: Secret = Secret("")
    sendgrid_base_url: str = "https://api.sendgrid.com"
    aws_access_key_id: str | None = None
    aws_secret_access_key: Secret = Secret("")
    aws_region: str = "us-east-1"
    s3_bucket_name: str | None = None
    s3_endpoint_url: str | None = None
    admin_emails: tuple[str, ...] = ()
    alert_emails: tuple[str, ...] = ()
    alert_webhook_url: str | None = None
    queue_depth_thresholds: dict[str, int] = field(default_factory=dict)
    queue_wait_thresholds: dict[str, int] = field(default_factory=dict)
    alert_cooldown: int = 1800  # seconds between two alerts of one kind for one queue
    # Incidents, each alerted once while it lasts (ops/monitor.open_incidents): retries of one queue within
    # the last minutes, a worker's failed jobs in a row with none finished, seconds a queue stays paused or
    # the workers suspended.
    retry_storm_threshold: int = 50
    retry_storm_minutes: int = 5
    failing_worker_after: int = 10
    paused_alert_after: int = 300
    rate_limits: dict[str, Rate] = field(default_factory=dict)  # calls per window per outside provider (policies)
    memory_limits: dict[str, int] = field(default_factory=dict)  # megabytes per forked work horse
    # Queues that live on a Redis server of their own (REDIS_URL_<QUEUE>); the rest, and every record, on REDIS_URL.
    queue_redis_urls: dict[str, str] = field(default_factory=dict)
    dashboard_username: str | None = None
    dashboard_password: Secret = Secret("")
    # Host names the dashboard answers to besides 127.0.0.1, localhost and ::1 (its Host-header check).
    dashboard_allowed_hosts: tuple[str, ...] = ()
    # Addresses or networks of the reverse proxy whose X-Forwarded-Proto the dashboard believes ("*": any peer,
    # for a platform whose router is the only way in, as Heroku's). Without it a proxy's https is not seen.
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    # Modules whose functions workers may run besides the registered jobs (tests and tools only).
    extra_job_modules: tuple[str, ...] = ()
    # Error tracking: Sentry's SDK in every worker when set (observability.py); its key is a secret.
    sentry_dsn: Secret = Secret("")
    # Tracing: the OTLP/HTTP collector that gets one span per job (the exporter reads the OTEL_* variables).
    otel_endpoint: str | None = None
    otel_header_values: tuple[Secret, ...] = ()  # OTEL_EXPORTER_OTLP_HEADERS' values: a vendor's API key

    # What the operator should know but that does not stop the system (printed once at start).
    warnings: tuple[str, ...] = ()

    @property
    def secrets(self) -> list[str]:
        """Every secret value that is set, for masking in logs and job views: passwords in URLs too."""
        values = [self.smtp_password, self.sendgrid_api_key, self.aws_secret_access_key,
                  self.dashboard_password, self.redis_sentinel_password, *self.otel_header_values,
                  Secret(dsn_key(self.sentry_dsn.reveal()) or "")]
        urls = [self.redis_url, *self.queue_redis_urls.values(), self.api_gateway_url, self.scoring_service_url,
                self.ocr_service_url, self.speech_service_url, self.sendgrid_base_url, self.s3_endpoint_url,
                self.alert_webhook_url, self.app_url, self.sentry_dsn.reveal()]
        return [v.reveal() for v in values if v] + [p for p in map(url_password, urls) if p]

    def home_folder(self, *parts: str) -> Path:
        """A folder under IELTS_RQ_HOME, created owner-only on first use (learners' files and emails)."""
        path = self.home.joinpath(*parts)
        try:
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise ConfigError("IELTS_RQ_HOME", f"cannot create {path}: {exc.strerror or exc}") from None
        return path


def get_settings() -> Settings:
    """The settings of the runtime in force (the process's, read from ``os.environ`` once; or a test's)."""
    runtime = current()
    return runtime.part("settings", lambda: load_settings(runtime.env))


def load_settings(env) -> Settings:
    """Parse settings from a mapping (``os.environ`` or a test's dict)."""
    read = _Reader(env)
    redis_url, warnings = _redis_url(read)
    email_backend, email_warnings = _email_backend(read)
    rate_limits, rate_warnings = _rate_limits(read)
    sentry_dsn, sentry_warnings = _sentry_dsn(read)
    otel_endpoint, otel_warnings = _otel_endpoint(read)
    settings = Settings(
        home=read.path("IELTS_RQ_HOME", _default_home()),
        redis_url=redis_url,
        redis_ssl_cert_reqs=read.choice("REDIS_SSL_CERT_REQS", SSL_CERT_REQS, "required"),
        redis_ssl_ca_certs=read.existing_file("REDIS_SSL_CA_CERTS"),
        redis_sentinel_password=read.secret("REDIS_SENTINEL_PASSWORD"),
        key_prefix=read.text("IELTS_KEY_PREFIX", "ielts:"),
        log_level=read.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO", upper=True),
        log_format=read.choice("LOG_FORMAT", ("text", "json"), "text"),
        app_url=read.http_url("APP_URL") or read.http_url("API_GATEWAY_URL") or "http://localhost:8000",
        api_gateway_url=read.http_url("API_GATEWAY_URL"),
        scoring_service_url=read.http_url("SCORING_SERVICE_URL"),
        ocr_service_url=read.http_url("OCR_SERVICE_URL"),
        speech_service_url=read.http_url("SPEECH_SERVICE_URL"),
        service_connect_timeout=read.positive_float("SERVICE_CONNECT_TIMEOUT", 3.0),
        service_read_timeout=read.positive_float("SERVICE_READ_TIMEOUT", 30.0),
        service_deadline=read.positive_float("SERVICE_DEADLINE", 90.0),
        health_check_timeout=read.positive_float("HEALTH_CHECK_TIMEOUT", 2.0),
        email_backend=email_backend,
        from_email=read.email("FROM_EMAIL", "no-reply@ielts.localhost"),
        from_name=read.display_name("FROM_NAME", "IELTS Practice"),
        smtp_host=read.text("SMTP_HOST"),
        smtp_port=read.port("SMTP_PORT", 587),
        smtp_username=read.text("SMTP_USERNAME"),
        smtp_password=read.secret("SMTP_PASSWORD"),
        smtp_security=read.choice("SMTP_SECURITY", SMTP_SECURITY, "starttls"),
        sendgrid_api_key=read.secret("SENDGRID_API_KEY"),
        sendgrid_base_url=read.http_url("SENDGRID_BASE_URL") or "https://api.sendgrid.com",
        aws_access_key_id=read.text("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=read.secret("AWS_SECRET_ACCESS_KEY"),
        aws_region=read.text("AWS_REGION", "us-east-1"),
        s3_bucket_name=read.text("S3_BUCKET_NAME"),
        s3_endpoint_url=read.http_url("S3_ENDPOINT_URL"),
        admin_emails=read.email_list("ADMIN_EMAILS"),
        alert_emails=read.email_list("ALERT_EMAILS"),
        alert_webhook_url=read.http_url("ALERT_WEBHOOK_URL"),
        queue_depth_thresholds={**{q: s.depth_alert for q, s in QUEUE_SETTINGS.items()},
                                **read.per_queue("QUEUE_DEPTH_THRESHOLDS")},
        queue_wait_thresholds={**{q: s.wait_alert for q, s in QUEUE_SETTINGS.items()},
                               **read.per_queue("QUEUE_WAIT_THRESHOLDS")},
        alert_cooldown=int(read.positive_float("ALERT_COOLDOWN", 1800)),
        retry_storm_threshold=read.positive_int("RETRY_STORM_THRESHOLD", 50),
        retry_storm_minutes=read.positive_int("RETRY_STORM_MINUTES", 5, most=120),
        failing_worker_after=read.positive_int("FAILING_WORKER_AFTER", 10),
        paused_alert_after=read.positive_int("PAUSED_ALERT_AFTER", 300),
        rate_limits=rate_limits,
        memory_limits={**{q: s.memory_limit for q, s in QUEUE_SETTINGS.items()}, **read.per_queue("MEMORY_LIMITS")},
        queue_redis_urls=_queue_redis_urls(read, redis_url),
        dashboard_username=read.text("DASHBOARD_USERNAME"),
        dashboard_password=read.secret("DASHBOARD_PASSWORD"),
        dashboard_allowed_hosts=read.host_names("DASHBOARD_ALLOWED_HOSTS"),
        forwarded_allow_ips=read.networks("FORWARDED_ALLOW_IPS") or ("127.0.0.1", "::1"),
        extra_job_modules=read.names("EXTRA_JOB_MODULES"),
        sentry_dsn=sentry_dsn,
        otel_endpoint=otel_endpoint,
        otel_header_values=_otel_header_values(read) if otel_endpoint else (),
        warnings=warnings + email_warnings + rate_warnings + sentry_warnings + otel_warnings,
    )
    _check_backends(settings)
    return settings


def _redis_url(read) -> tuple[str | None, tuple[str, ...]]:
    """REDIS_URL, else the first Redis URL under another known name (with a warning to rename it)."""
    for name in REDIS_URL_NAMES:
        value = read.raw(name)
        if value is None:
            continue
        url = read.redis_url(name)
        if name == "REDIS_URL":
            return url, ()
        return url, (f"using {name} as the Redis URL ({hide_password(url)}); set REDIS_URL instead: "
                     f"{name} is read only to ease the move from the old job system",)
    return None, ()


# RATE_LIMITS once named queues; each queue's limit now belongs to the providers its jobs call.
_QUEUE_PROVIDERS = {"scoring": ("scoring-service",), "file_processing": ("ocr-service", "speech-service"),
                    "email": ("smtp", "sendgrid"), "analytics": (), "health": ()}


def _rate_limits(read) -> tuple[dict[str, Rate], tuple[str, ...]]:
    """``scoring-service=30,sendgrid=600,ocr-service=5/s``: calls per minute (or per the window named) per
    outside provider, over the policy table's.

    The old per-queue form (``scoring=30``) still works: each queue's limit goes to the providers its
    jobs call, with a warning naming the new keys. A queue and one of its providers both named is refused.
    """
    given = read.per_key("RATE_LIMITS", (*PROVIDER_RATE_LIMITS, *_QUEUE_PROVIDERS),
                         f"the keys are the providers {', '.join(PROVIDER_RATE_LIMITS)}", parse=_rate,
                         value_is=f"a whole number of calls a minute (1 to {MOST_CALLS:,}), or per a window of up to "
                                  "7 days: 5/s, 1000/h, 5000/d, 30/10s")
    name = "RATE_LIMITS"
    limits, warnings = {provider: Rate(count) for provider, count in PROVIDER_RATE_LIMITS.items()}, []
    limits.update({key: number for key, number in given.items() if key in PROVIDER_RATE_LIMITS})
    for queue in (key for key in given if key in _QUEUE_PROVIDERS):
        providers = _QUEUE_PROVIDERS[queue]
        both = [provider for provider in providers if provider in given]
        if both:
            raise ConfigError(name, f"names both the queue {queue!r} (the old form) and the provider "
                                    f"{both[0]!r}: name the providers ({', '.join(providers)}) instead of the queue")
        if not providers:
            warnings.append(f"{name}: {queue}={given[queue]} has no effect: rate limits are per outside provider "
                            f"now ({', '.join(PROVIDER_RATE_LIMITS)}) and {queue} jobs call none")
            continue
        limits.update(dict.fromkeys(providers, given[queue]))
        warnings.append(f"{name}: {queue}={given[queue]} is the old per-queue form, applied to "
                        f"{', '.join(f'{p}={given[queue]}' for p in providers)}: name those instead")
    return limits, tuple(warnings)


# Error tracking and tracing are never worth a worker that will not start (a restart loop on the platform):
# a value that cannot be used turns the feature off with a one-line warning at start instead.

def _sentry_dsn(read) -> tuple[Secret, tuple[str, ...]]:
    """SENTRY_DSN, ``https://KEY@HOST/PROJECT_ID``; the warning for a malformed one never shows its key."""
    value = read.raw("SENTRY_DSN")
    if value is None:
        return Secret(""), ()
    problem = dsn_problem(value)
    if problem:
        return Secret(""), (f"SENTRY_DSN is not a Sentry DSN (https://KEY@HOST/PROJECT_ID): {problem}; "
                            "error tracking is off until it is fixed",)
    return Secret(value), ()


def dsn_problem(value: str) -> str | None:
    """What is wrong with a Sentry DSN, in words that never repeat its key; None when it is usable."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:
        return "it cannot be parsed as a URL"
    if parts.scheme not in ("http", "https"):
        return "its scheme must be https or http"
    if not parts.hostname:
        return "it names no host"
    if not parts.username:
        return "it has no key before the @"
    if _whole_number(parts.path.rstrip("/").rpartition("/")[2]) is None:
        return "it does not end in a numeric project id"
    return None


def dsn_key(dsn: str) -> str | None:
    """The key inside a Sentry DSN (what lets anyone send events to the project): masked like a password."""
    try:
        key = urlsplit(dsn).username
    except ValueError:
        return None
    return key if key and len(key) >= 4 else None


def _otel_endpoint(read) -> tuple[str | None, tuple[str, ...]]:
    """OTEL_EXPORTER_OTLP_ENDPOINT (or its traces-only form): where spans go; unset, nothing is traced."""
    if (read.raw("OTEL_SDK_DISABLED") or "").lower() == "true":
        return None, ()
    try:
        url = read.http_url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or read.http_url("OTEL_EXPORTER_OTLP_ENDPOINT")
    except ConfigError as exc:
        return None, (f"{exc}; tracing is off until it is fixed",)
    if url and not _tracing_installed():
        return None, ("OTEL_EXPORTER_OTLP_ENDPOINT is set but tracing needs OpenTelemetry's SDK, which is not "
                      "installed: pip install 'ielts-rq[tracing]'; tracing is off until then",)
    return url, ()


def _otel_header_values(read) -> tuple[Secret, ...]:
    """The values of OTEL_EXPORTER_OTLP_HEADERS (``api-key=...,x-team=...``), kept out of every log line."""
    items = (read.raw("OTEL_EXPORTER_OTLP_HEADERS") or "").split(",")
    return tuple(Secret(value) for value in (item.partition("=")[2].strip() for item in items) if value)


def _tracing_installed() -> bool:
    try:
        return all(importlib.util.find_spec(name) for name in ("opentelemetry.sdk.trace",
                                                              "opentelemetry.exporter.otlp.proto.http"))
    except ImportError:  # a parent package missing
        return False


def _queue_redis_urls(read, redis_url: str | None) -> dict[str, str]:
    """``REDIS_URL_SCORING=redis://...``: the queues that live on another server than REDIS_URL's."""
    urls = {}
    for name in sorted(read.env):
        if not name.startswith(QUEUE_REDIS_URL_PREFIX) or read.raw(name) is None:
            continue
        queue = name[len(QUEUE_REDIS_URL_PREFIX):].lower()
        if queue not in QUEUE_SETTINGS:
            raise ConfigError(name, f"there is no queue {queue!r}: the queues are {', '.join(QUEUE_SETTINGS)} "
                                    f"({QUEUE_REDIS_URL_PREFIX}SCORING, {QUEUE_REDIS_URL_PREFIX}FILE_PROCESSING, ...)")
        url = read.redis_url(name)
        if url != redis_url:  # the same server as REDIS_URL: nothing moves
            urls[queue] = url
    return urls


def _email_backend(read) -> tuple[str, tuple[str, ...]]:
    """EMAIL_BACKEND, else the transport that is configured: never an outbox while a real one is set up."""
    chosen = read.choice("EMAIL_BACKEND", EMAIL_BACKENDS, None)
    smtp, sendgrid = read.raw("SMTP_HOST"), read.raw("SENDGRID_API_KEY")
    if chosen is None:
        if smtp and sendgrid:
            raise ConfigError("EMAIL_BACKEND", "both SMTP_HOST and SENDGRID_API_KEY are set: set EMAIL_BACKEND to "
                                               "smtp or sendgrid to choose")
        return ("sendgrid" if sendgrid else "smtp" if smtp else "outbox"), ()
    if chosen == "outbox" and (smtp or sendgrid):
        return chosen, (f"EMAIL_BACKEND is outbox: emails are written to files although "
                        f"{'SMTP_HOST' if smtp else 'SENDGRID_API_KEY'} is set",)
    return chosen, ()


def url_password(url: str | None) -> str | None:
    """The password inside a URL's user:password@, if any."""
    if not url or "@" not in url:
        return None
    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return password if password and len(password) >= 4 else None


def _check_backends(settings: Settings) -> None:
    """Refuse a backend chosen without the variables it cannot work without."""
    if settings.email_backend == "smtp" and not settings.smtp_host:
        raise ConfigError("SMTP_HOST", "must be set when EMAIL_BACKEND is smtp")
    if settings.email_backend == "sendgrid" and not settings.sendgrid_api_key:
        raise ConfigError("SENDGRID_API_KEY", "must be set when EMAIL_BACKEND is sendgrid")
    if settings.service_deadline >= SHORTEST_SERVICE_JOB_TIMEOUT:
        raise ConfigError("SERVICE_DEADLINE", f"must be under {SHORTEST_SERVICE_JOB_TIMEOUT} s, the timeout of "
                                              "the scoring jobs that call the services")
    if settings.s3_bucket_name and importlib.util.find_spec("boto3") is None:
        raise ConfigError("S3_BUCKET_NAME", "S3 storage needs boto3, which is not installed: "
                                            "pip install 'ielts-rq[s3]'")
    if bool(settings.dashboard_username) != bool(settings.dashboard_password):
        raise ConfigError("DASHBOARD_PASSWORD", "DASHBOARD_USERNAME and DASHBOARD_PASSWORD are set together or not at all")


def _default_home() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("ielts-rq", appauthor=False))


class _Reader:
    """Small typed readers; each raises ConfigError naming the variable."""

    def __init__(self, env):
        self.env = env

    def raw(self, name: str) -> str | None:
        value = self.env.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def text(self, name: str, default: str | None = None) -> str | None:
        return self.raw(name) or default

    def secret(self, name: str) -> Secret:
        return Secret(self.raw(name) or "")

    def path(self, name: str, default: Path) -> Path:
        value = self.raw(name)
        return Path(value).expanduser().absolute() if value else default

    def existing_file(self, name: str) -> str | None:
        value = self.raw(name)
        if value is not None and not Path(value).expanduser().is_file():
            raise ConfigError(name, f"no such file: {value}")
        return str(Path(value).expanduser()) if value else None

    def choice(self, name: str, choices, default: str | None, upper: bool = False) -> str | None:
        value = self.raw(name)
        if value is None:
            return default
        value = value.upper() if upper else value.lower()
        if value not in choices:
            raise ConfigError(name, f"unknown value {value!r}; expected one of {', '.join(choices)}")
        return value

    def positive_float(self, name: str, default: float) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise ConfigError(name, f"{value!r} is not a number") from None
        if not number > 0:
            raise ConfigError(name, f"must be a positive number of seconds, got {value!r}")
        return number

    def positive_int(self, name: str, default: int, most: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            return default
        if not _whole_number(value.strip()):
            raise ConfigError(name, f"must be a positive whole number, got {value!r}")
        if most is not None and int(value) > most:
            raise ConfigError(name, f"must be at most {most}, got {value!r}")
        return int(value)

    def port(self, name: str, default: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        if not 0 < (_whole_number(value) or 0) < 65536:
            raise ConfigError(name, f"{value!r} is not a TCP port (1-65535)")
        return int(value)

    def http_url(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        parts = _split_url(name, value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(name, f"{hide_password(value)!r} is not an http(s) URL with a host")
        return value.rstrip("/")

    def redis_url(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if value.startswith("redis+sentinel:"):
            return _sentinel_url(name, value)
        parts = _split_url(name, value)
        if parts.scheme in ("redis", "rediss") and parts.hostname:
            return value
        if parts.scheme == "unix" and parts.path:
            return value
        advice = "" if name == "REDIS_URL" else "; ielts-rq runs on Redis: set REDIS_URL to your Redis server"
        raise ConfigError(name, f"{hide_password(value)!r} is not a redis://, rediss://, unix:// or "
                                f"redis+sentinel:// URL{advice}")

    def email(self, name: str, default: str) -> str:
        value = self.raw(name) or default
        if address_problem(value):
            raise ConfigError(name, f"{value!r} is not an email address ({address_problem(value)})")
        return value

    def email_list(self, name: str, most: int = 100) -> tuple[str, ...]:
        value = self.raw(name) or ""
        addresses = tuple(a.strip() for a in value.split(",") if a.strip())
        if len(addresses) > most:  # each is an email per report or alert, within the email rate limit
            raise ConfigError(name, f"{len(addresses)} addresses; at most {most} (use a mailing list's address)")
        for address in addresses:
            if address_problem(address):
                raise ConfigError(name, f"{address!r} is not an email address ({address_problem(address)})")
        return addresses

    def names(self, name: str) -> tuple[str, ...]:
        """A comma-separated list of dotted Python names."""
        items = tuple(item.strip() for item in (self.raw(name) or "").split(",") if item.strip())
        for item in items:
            if not all(part.isidentifier() for part in item.split(".")):
                raise ConfigError(name, f"{item!r} is not a dotted Python module name")
        return items

    def display_name(self, name: str, default: str) -> str:
        """One line of printable text, as an email header needs (a line break would end every send)."""
        value = self.raw(name) or default
        if any(not character.isprintable() for character in value):
            raise ConfigError(name, "must be one line of printable text (no line breaks or control characters)")
        if len(value) > 100:
            raise ConfigError(name, f"is {len(value)} characters; at most 100 fit a From header")
        return value

    def host_names(self, name: str) -> tuple[str, ...]:
        """A comma-separated list of host names (``.example.com`` matches its subdomains) or ``*``."""
        items = tuple(item.strip().lower() for item in (self.raw(name) or "").split(",") if item.strip())
        for item in items:
            if item != "*" and not re.fullmatch(r"\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[?[0-9a-f:]+\]?", item):
                raise ConfigError(name, f"{item!r} is not a host name (no scheme, port or path)")
        return items

    def networks(self, name: str) -> tuple[str, ...]:
        """A comma-separated list of IP addresses or networks (``10.0.0.0/8``), or ``*``."""
        items = tuple(item.strip() for item in (self.raw(name) or "").split(",") if item.strip())
        for item in (item for item in items if item != "*"):
            try:
                ipaddress.ip_network(item)
            except ValueError:
                raise ConfigError(name, f"{item!r} is not an IP address or network (as 10.0.0.0/8), nor *") from None
        return items

    def per_queue(self, name: str) -> dict[str, int]:
        """``scoring=500,email=1000``: a positive whole number per queue."""
        result = {}
        for item in (self.raw(name) or "").split(","):
            if not item.strip():
                continue
            queue, _, number = item.partition("=")
            queue, number = queue.strip(), number.strip()
            if queue not in QUEUE_SETTINGS:
                raise ConfigError(name, f"unknown queue {queue!r} in {item.strip()!r}")
            if queue in result:
                raise ConfigError(name, f"names {queue} twice: keep one value")
            if not _whole_number(number):
                raise ConfigError(name, f"value for {queue} must be a positive integer, got {number!r}")
            result[queue] = int(number)
        return result

    def per_key(self, name: str, known: tuple[str, ...], keys_are: str, parse=None,
                value_is: str = "a positive integer") -> dict:
        """``key=500,other=1000``: a positive whole number per known key (``keys_are`` says which), or what
        ``parse`` makes of each value (None: not a value it takes, ``value_is`` says what is)."""
        result = {}
        for item in (self.raw(name) or "").split(","):
            if not item.strip():
                continue
            key, _, number = item.partition("=")
            key, number = key.strip(), number.strip()
            if key not in known:
                raise ConfigError(name, f"unknown key {key[:40]!r} in {item.strip()[:80]!r}: {keys_are}")
            if key in result:
                raise ConfigError(name, f"names {key} twice: keep one value")
            value = (parse or _whole_number)(number)
            if not value:
                raise ConfigError(name, f"value for {key} must be {value_is}, got {number[:40]!r}")
            result[key] = value
        return result


def _sentinel_url(name: str, value: str) -> str:
    """``redis+sentinel://[:password@]host:port[,host:port...]/service[/db]``: the sentinels and the primary's name."""
    try:
        parsed = parse_sentinel_url(value)
    except ValueError as exc:
        raise ConfigError(name, f"cannot parse Sentinel URL {hide_password(value)!r}: {exc}") from None
    if not parsed.default_client.service or not all(host for host, _ in parsed.hosts):
        raise ConfigError(name, f"{hide_password(value)!r} names no sentinel or no service: "
                                "redis+sentinel://host:26379,host2:26379/mymaster/0")
    return value


def _split_url(name: str, value: str):
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigError(name, f"cannot parse URL {hide_password(value)!r}: {exc}") from None
    return parts


URL_PASSWORD = re.compile(r"(//[^:/@\s]*:)[^@/\s]+@")


def hide_password(url: str) -> str:
    """The URL (or any text holding URLs) with each ``user:password@`` password replaced by ****."""
    return URL_PASSWORD.sub(r"\1****@", url)


def redact(text: str, settings: Settings | None = None) -> str:
    """Text that may reach a log, a job's error or a page, with URL passwords and configured secrets masked."""
    text = hide_password(text)
    for secret in (settings or get_settings()).secrets:
        if len(secret) >= 4:  # a one-letter "secret" would mask every such letter
            text = text.replace(secret, "****")
    return text
