"""`ielts-rq check`: each part probed for real; a deployment that would lose work fails its release."""

import json
import os
import sys
from pathlib import Path

from .conftest import cli


def _verdicts(result) -> dict:
    return {row["part"]: row for row in json.loads(result.stdout)}


def test_the_embedded_defaults_pass_with_warnings_where_work_stays_local(redis_conn):
    result = cli("check", "--json")
    assert result.returncode == 0, result.stderr
    verdicts = _verdicts(result)
    assert verdicts["redis"]["verdict"] == "ok" and "noeviction" in verdicts["redis"]["detail"]
    assert verdicts["ocr"]["verdict"] == "ok" and verdicts["ocr"]["backend"] == "tesseract"
    assert verdicts["storage"]["verdict"] == "warn" and verdicts["email"]["verdict"] == "warn"


def test_a_redis_that_may_evict_jobs_fails_the_check(redis_conn):
    redis_conn.config_set("maxmemory-policy", "allkeys-lru")
    try:
        result = cli("check", "--json")
    finally:
        redis_conn.config_set("maxmemory-policy", "noeviction")
    assert result.returncode == 1
    assert "may delete queued jobs" in _verdicts(result)["redis"]["detail"]


def test_a_missing_tesseract_fails_the_check(redis_conn):
    bare_path = str(Path(sys.executable).parent)  # python, but no tesseract
    result = cli("check", "--json", env={"PATH": bare_path, "HOME": os.environ.get("HOME", "/root")})
    assert result.returncode == 1
    assert "apt-get install tesseract-ocr" in _verdicts(result)["ocr"]["detail"]


def test_an_unreachable_redis_fails_with_its_url_masked():
    result = cli("check", "--json", env={"REDIS_URL": "redis://:FAKE-check-pw@127.0.0.1:1/0"})
    assert result.returncode == 1
    redis_row = _verdicts(result)["redis"]
    assert redis_row["verdict"] == "fail" and redis_row["backend"] == "redis://:****@127.0.0.1:1/0"
    assert "FAKE-check-pw" not in result.stdout + result.stderr
