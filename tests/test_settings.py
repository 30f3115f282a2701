"""Settings: every bad value stops the command at start with one line and exit status 2."""

import pytest

from ielts_rq.errors import ConfigError
from ielts_rq.settings import Rate, load_settings

from .conftest import cli

BASE = {"IELTS_RQ_HOME": "/tmp/irq-settings"}


def test_defaults_need_no_configuration():
    settings = load_settings(BASE)
    assert settings.redis_url is None
    assert settings.email_backend == "outbox"
    assert settings.queue_depth_thresholds["scoring"] > 0


@pytest.mark.parametrize("variable, value, problem", [
    ("REDIS_URL", "http://localhost:6379", "not a redis://"),
    ("REDIS_URL", "redis://host:notaport", "cannot parse URL"),
    ("REDIS_URL", "redis+sentinel://s1:26379,s2:26379", "names no sentinel or no service"),
    ("REDIS_URL", "redis+sentinel://s1:26379,s2:port/mymaster", "cannot parse Sentinel URL"),
    ("SERVICE_READ_TIMEOUT", "-3", "positive number"),
    ("SERVICE_CONNECT_TIMEOUT", "soon", "not a number"),
    ("EMAIL_BACKEND", "pigeon", "unknown value 'pigeon'"),
    ("SMTP_PORT", "70000", "not a TCP port"),
    ("SCORING_SERVICE_URL", "scoring.internal", "not an http(s) URL"),
    ("FROM_EMAIL", "nobody", "not an email address"),
    ("ADMIN_EMAILS", "a@example.com, broken", "'broken' is not an email address"),
    ("QUEUE_DEPTH_THRESHOLDS", "scoring=-1", "positive integer"),
    ("QUEUE_DEPTH_THRESHOLDS", "celery=10", "unknown queue 'celery'"),
    ("LOG_LEVEL", "chatty", "unknown value"),
    ("FROM_NAME", "IELTS\nBcc: everyone@example.com", "one line of printable text"),
    ("FROM_NAME", "x" * 101, "at most 100"),
    ("DASHBOARD_ALLOWED_HOSTS", "https://ops.example.com/", "not a host name"),
    ("REDIS_SSL_CERT_REQS", "maybe", "unknown value"),
    ("EXTRA_JOB_MODULES", "os; rm", "not a dotted Python module name"),
    # Configuration arriving from elsewhere: digits Python reads but Redis does not, a key set twice.
    ("MEMORY_LIMITS", "scoring=\u00b2", "positive integer"),
    ("QUEUE_DEPTH_THRESHOLDS", "scoring=5,scoring=50", "names scoring twice"),
    ("RATE_LIMITS", "scoring-service=30,scoring-service=5/s", "names scoring-service twice"),
    ("RATE_LIMITS", "scoring-service=\uff13\uff10", "whole number of calls a minute"),
    ("RATE_LIMITS", "scoring-service=99999999999999999999", "whole number of calls a minute"),
    ("RATE_LIMITS", "scoring-service=1/100000000000000000000s", "window of up to 7 days"),
    ("RATE_LIMITS", "sendgrid=30/8d", "window of up to 7 days"),
    ("RATE_LIMITS", "sendgrid=30/ms", "window of up to 7 days"),
])
def test_bad_value_names_the_variable(variable, value, problem):
    with pytest.raises(ConfigError) as caught:
        load_settings({**BASE, variable: value})
    assert caught.value.variable == variable
    assert problem in str(caught.value)


@pytest.mark.parametrize("value, calls, seconds", [
    ("30", 30, 60), ("5/s", 5, 1), ("30 / 10s", 30, 10), ("1000/h", 1000, 3600), ("5000/d", 5000, 86400),
    ("1000 per day", 1000, 86400), ("30 per minute", 30, 60), ("3/hrs", 3, 3600), ("30/7d", 30, 7 * 86400),
])
def test_a_rate_limit_reads_its_window_as_written(value, calls, seconds):
    read = load_settings({**BASE, "RATE_LIMITS": f"ocr-service={value}"}).rate_limits["ocr-service"]
    assert read == Rate(calls, seconds)


def test_a_backend_without_its_variables_is_refused():
    with pytest.raises(ConfigError, match="SMTP_HOST: must be set"):
        load_settings({**BASE, "EMAIL_BACKEND": "smtp"})
    with pytest.raises(ConfigError, match="SENDGRID_API_KEY"):
        load_settings({**BASE, "EMAIL_BACKEND": "sendgrid"})


def test_a_password_in_a_bad_url_is_not_repeated():
    with pytest.raises(ConfigError) as caught:
        load_settings({**BASE, "REDIS_URL": "http://user:hunter2secret@host:1"})
    assert "hunter2secret" not in str(caught.value)


def test_a_sentinel_url_is_accepted_and_its_passwords_are_secrets():
    settings = load_settings({**BASE, "REDIS_URL": "redis+sentinel://:primary-pw@s1:26379,s2:26379/mymaster/2",
                              "REDIS_SENTINEL_PASSWORD": "sentinel-pw"})
    assert settings.redis_url.endswith("/mymaster/2")
    assert {"primary-pw", "sentinel-pw"} <= set(settings.secrets)
    assert "sentinel-pw" not in repr(settings)


def test_secrets_do_not_show_in_repr():
    settings = load_settings({**BASE, "SMTP_PASSWORD": "hunter2secret", "SENDGRID_API_KEY": "SG.key-abcdef"})
    assert "hunter2secret" not in repr(settings)
    assert "SG.key-abcdef" not in repr(settings)
    assert settings.smtp_password.reveal() == "hunter2secret"
    assert set(settings.secrets) == {"hunter2secret", "SG.key-abcdef"}


def test_cli_stops_at_start_with_one_line_and_status_2():
    result = cli("status", env={"REDIS_URL": "http://localhost:6379"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "REDIS_URL" in lines[0] and "Traceback" not in result.stderr


def test_cli_rejects_negative_timeout_before_any_work():
    result = cli("enqueue", "health-check", env={"SERVICE_READ_TIMEOUT": "-1"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "SERVICE_READ_TIMEOUT" in result.stderr


def test_a_queue_on_its_own_server_is_read_checked_and_its_password_masked():
    settings = load_settings({**BASE, "REDIS_URL": "redis://records:6379/0",
                              "REDIS_URL_SCORING": "rediss://:scoring-secret@scoring:6380/0",
                              "REDIS_URL_EMAIL": "redis://records:6379/0"})  # REDIS_URL's server: not moved
    assert settings.queue_redis_urls == {"scoring": "rediss://:scoring-secret@scoring:6380/0"}
    assert "scoring-secret" in settings.secrets
    with pytest.raises(ConfigError, match="there is no queue 'scorng'"):
        load_settings({**BASE, "REDIS_URL_SCORNG": "redis://scoring:6379/0"})
    with pytest.raises(ConfigError, match="REDIS_URL_HEALTH"):
        load_settings({**BASE, "REDIS_URL_HEALTH": "scoring:6379"})
