"""Configuration that must never fail silently: half-migrated variables, unreachable or unusable places."""

import logging
import re
import tempfile
import time
from pathlib import Path

import pytest

from ielts_rq import settings as settings_module
from ielts_rq.errors import ConfigError
from ielts_rq.logs import OncePerOutage
from ielts_rq.settings import REDIS_URL_NAMES, load_settings

from .conftest import ROOT, cli
from .smtp_stub import free_port

BASE = {"IELTS_RQ_HOME": "/tmp/irq-settings"}


def _variables_read_by_settings() -> set[str]:
    source = Path(settings_module.__file__).read_text()
    return set(re.findall(r'read\.\w+\("([A-Z0-9_]+)"', source)) | set(REDIS_URL_NAMES)


def test_every_variable_the_settings_read_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    assigned = set(re.findall(r"^([A-Z0-9_]+)=", example, re.MULTILINE))
    mentioned = set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", example))
    read = _variables_read_by_settings()
    assert len(read) > 40  # the scan does find them
    assert read - set(REDIS_URL_NAMES) - assigned == set()  # each has a line of its own
    assert set(REDIS_URL_NAMES) - mentioned == set()  # the old names are at least named
    assert assigned - read == set()  # and nothing in the file is ignored


@pytest.mark.parametrize("env, backend", [
    ({"SENDGRID_API_KEY": "SG.x-key"}, "sendgrid"),
    ({"SMTP_HOST": "smtp.example.com"}, "smtp"),
    ({}, "outbox"),
    ({"EMAIL_BACKEND": "smtp", "SMTP_HOST": "smtp.example.com", "SENDGRID_API_KEY": "SG.x-key"}, "smtp"),
])
def test_the_email_backend_follows_what_is_configured(env, backend):
    assert load_settings({**BASE, **env}).email_backend == backend


def test_two_email_transports_without_a_choice_are_refused():
    with pytest.raises(ConfigError, match="set EMAIL_BACKEND to smtp or sendgrid"):
        load_settings({**BASE, "SMTP_HOST": "smtp.example.com", "SENDGRID_API_KEY": "SG.x-key"})


def test_an_outbox_chosen_over_a_configured_transport_is_warned_about():
    chosen = load_settings({**BASE, "EMAIL_BACKEND": "outbox", "SENDGRID_API_KEY": "SG.x-key"})
    assert chosen.email_backend == "outbox"
    assert any("SENDGRID_API_KEY is set" in warning for warning in chosen.warnings)


def test_a_celery_broker_url_is_used_with_a_warning_never_the_embedded_server(redis_conn, server, tmp_path):
    url = server  # the suite's server, under another name
    result = cli("status", env={"IELTS_RQ_HOME": str(tmp_path), "CELERY_BROKER_URL": url, "REDIS_URL": ""})
    assert result.returncode == 0, result.stderr
    assert "warning: using CELERY_BROKER_URL as the Redis URL" in result.stderr
    assert "set REDIS_URL instead" in result.stderr
    assert not (tmp_path / "valkey").exists()  # no private server was started


def test_a_celery_broker_that_is_not_redis_is_refused():
    result = cli("status", env={"CELERY_BROKER_URL": "amqp://guest:FAKE-amqp-pw@rabbit:5672//", "REDIS_URL": ""})
    assert result.returncode == 2
    line = result.stderr.strip()
    assert line.count("\n") == 0 and "CELERY_BROKER_URL" in line and "redis://" in line
    assert "FAKE-amqp-pw" not in line


def test_an_unusable_home_is_one_line_and_status_2():
    # A short folder: under pytest-xdist tmp_path grows long enough to fail on the socket's length first.
    with tempfile.TemporaryDirectory(prefix="irq-", dir="/tmp") as folder:
        blocker = Path(folder) / "a-file"
        blocker.write_text("not a folder")
        result = cli("status", env={"IELTS_RQ_HOME": str(blocker / "home"), "REDIS_URL": ""})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "IELTS_RQ_HOME" in result.stderr and "cannot create" in result.stderr


@pytest.mark.timing
def test_a_redis_that_is_down_is_reported_within_seconds_with_its_url_masked():
    url = f"redis://:FAKE-redis-pw-12@127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    result = cli("status", env={"REDIS_URL": url})
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    line = result.stderr.strip()
    assert line.count("\n") == 0, result.stderr
    assert "cannot reach Redis at redis://:****@127.0.0.1" in line and "REDIS_URL" in line
    assert "FAKE-redis-pw-12" not in line
    assert elapsed < 8, elapsed


def test_a_worker_says_once_that_redis_is_unreachable_not_at_every_retry():
    once = OncePerOutage()
    logger = logging.getLogger("test.once")
    records = [logger.makeRecord("rq.worker", logging.ERROR, __file__, 1,
                                 "Worker %s: could not connect to Redis instance: %s retrying in %d seconds...",
                                 ("w1", "Connection refused", wait), None) for wait in (1, 2, 4, 8, 16)]
    shown = [record.getMessage() for record in records if once.filter(record)]
    assert shown == ["Worker w1: could not connect to Redis instance: Connection refused; "
                     "retrying with backoff until it is back"]
    other = logger.makeRecord("rq.worker", logging.INFO, __file__, 1, "job started", (), None)
    assert once.filter(other)
