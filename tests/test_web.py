"""The dashboard: authentication, security headers, safe rendering, metrics, and a real browser."""

import base64
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from ielts_rq import enqueue
from ielts_rq.policies import QUEUES
from ielts_rq.queueing.queues import get_queue

from .conftest import HOME, ROOT, cli, run_worker
from .inprocess import console_client

USER, PASSWORD = "ops", "correct-horse-battery"
HOSTILE = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'


@pytest.fixture
def client(redis_conn):
    with console_client(DASHBOARD_USERNAME=USER, DASHBOARD_PASSWORD=PASSWORD) as test_client:
        test_client.application.testing = True
        yield test_client


AUTH = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}
PAGES = ["/overview", "/schedule", "/health", "/depth", "/batches", "/metrics", "/rq/", "/rq/0/data/queues.json"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_needs_credentials(client, path):
    assert client.get(path).status_code == 401
    wrong = {"Authorization": "Basic " + base64.b64encode(b"ops:guess").decode()}
    assert client.get(path, headers=wrong).status_code == 401
    assert client.get(path, headers=AUTH).status_code == 200


def test_healthz_is_open_for_the_load_balancer(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.data == b"ok\n"


def test_pages_show_the_queues_and_carry_security_headers(client):
    enqueue("health_check")
    page = client.get("/overview", headers=AUTH)
    for name in QUEUES:
        assert name.encode() in page.data
    queues = json.loads(client.get("/rq/0/data/queues.json", headers=AUTH).data)
    assert {q["name"]: q["count"] for q in queues["queues"]}["health"] == 1
    for path in ("/overview", "/rq/"):
        headers = client.get(path, headers=AUTH).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"


def test_requeue_all_by_get_is_blocked_and_posts_need_the_dashboard(client):
    assert client.get("/rq/requeue/scoring", headers=AUTH).status_code == 405
    assert client.post("/rq/requeue/scoring", headers=AUTH).status_code == 403  # a cross-site form
    ajax = {**AUTH, "X-Requested-With": "XMLHttpRequest"}
    assert client.post("/rq/requeue/scoring", headers=ajax).status_code == 200


def test_hostile_job_text_is_escaped_in_job_data(client):
    job = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=(HOSTILE,), description="fails_with")
    run_worker("health")
    data = json.loads(client.get(f"/rq/0/data/job/{job.id}.json", headers=AUTH).data)
    assert "<img" not in json.dumps(data) and "&lt;img" in data["exc_info"]
    for path in ("/overview", "/health", "/depth", "/schedule", "/batches"):
        assert b"<img src=x" not in client.get(path, headers=AUTH).data


def test_metrics_parse_and_count_jobs(client):
    enqueue("health_check")
    get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("boom",), description="fails_with")
    run_worker("health")
    enqueue("monitor_queue_depth")  # waiting
    text = client.get("/metrics", headers=AUTH).data.decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    depth = {(s.labels["queue"], s.labels["registry"]): s.value for s in families["ielts_rq_queue_jobs"].samples}
    assert depth[("health", "queued")] == 1 and depth[("health", "failed")] == 1
    jobs = {(s.labels["job"], s.labels["outcome"]): s.value for s in families["ielts_rq_jobs"].samples
            if s.name == "ielts_rq_jobs_total"}
    assert jobs[("health_check", "finished")] >= 1 and jobs[("fails_with", "failed")] >= 1
    assert "ielts_rq_job_duration_seconds" in families and "ielts_rq_workers" in families


def test_dashboard_refuses_public_bind_without_credentials(server):
    result = cli("dashboard", "--host", "0.0.0.0", "--port", "9")
    assert result.returncode == 2 and "only listens on 127.0.0.1" in result.stderr


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _chromium(*args, timeout=60):
    return subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--user-data-dir=" + str(HOME / "chromium"), *args],
                          capture_output=True, text=True, timeout=timeout)


@contextlib.contextmanager
def _running_dashboard(env: dict | None = None):
    """A real ``ielts-rq dashboard`` (gunicorn) on a free port; yields its base URL."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "dashboard", "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_real_dashboard_in_headless_chromium(redis_conn, tmp_path):
    enqueue("health_check")
    hostile = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=(HOSTILE,), description="fails_with")
    run_worker("health")
    enqueue("health_check")
    with _running_dashboard() as base:
        shot = tmp_path / "queues.png"
        _chromium("--window-size=1280,900", "--virtual-time-budget=4000", f"--screenshot={shot}", f"{base}/rq/")
        assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        queues_dom = _chromium("--virtual-time-budget=4000", "--dump-dom", f"{base}/rq/").stdout
        assert "health" in queues_dom and "scoring" in queues_dom
        job_dom = _chromium("--virtual-time-budget=4000", "--dump-dom", f"{base}/rq/0/view/job/{hostile.id}").stdout
        assert "&lt;img src=x" in job_dom  # shown as text
        assert "<title>pwned" not in job_dom and "<img src=\"x\"" not in job_dom


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_a_rebound_domain_reads_and_changes_nothing(redis_conn, tmp_path):
    # DNS rebinding: a page on another domain whose name now resolves to 127.0.0.1.
    enqueue("health_check")
    with _running_dashboard(env={"HOME": str(tmp_path)}) as base:
        port = base.rsplit(":", 1)[1]
        rebound = f"http://rebind.attacker.example:{port}"
        resolve = "--host-resolver-rules=MAP rebind.attacker.example 127.0.0.1"
        for path in ("/rq/0/data/queues.json", "/overview", "/health"):
            seen = _chromium(resolve, "--virtual-time-budget=3000", "--dump-dom", rebound + path).stdout
            assert "health" not in seen and "Bad Request" in seen, path
            assert "health" in _chromium("--virtual-time-budget=3000", "--dump-dom", base + path).stdout
        attempt = requests.post(f"{base}/rq/0/queue/health/empty", headers={
            "Host": f"rebind.attacker.example:{port}", "X-Requested-With": "XMLHttpRequest"}, timeout=5)
        assert attempt.status_code == 400
        assert redis_conn.llen("rq:queue:health") == 1
        for local in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
            assert requests.get(f"{base}/overview", headers={"Host": local}, timeout=5).status_code == 200, local
    # gunicorn's control socket would be shared by every dashboard of the user: none is made.
    assert not (tmp_path / ".gunicorn").exists()


@pytest.mark.parametrize("env, host, status", [
    ({}, "evil.example", 400),
    ({"DASHBOARD_ALLOWED_HOSTS": "ops.internal"}, "ops.internal:9181", 200),
    ({"DASHBOARD_ALLOWED_HOSTS": ".internal"}, "dash.ops.internal", 200),
    ({"DASHBOARD_ALLOWED_HOSTS": "ops.internal"}, "evil.example", 400),
    ({"DASHBOARD_USERNAME": USER, "DASHBOARD_PASSWORD": PASSWORD}, "ielts-ops.herokuapp.com", 200),
    ({"DASHBOARD_USERNAME": USER, "DASHBOARD_PASSWORD": PASSWORD, "DASHBOARD_ALLOWED_HOSTS": "ops.example.com"},
     "ielts-ops.herokuapp.com", 400),
])
def test_hosts_the_dashboard_answers(redis_conn, env, host, status):
    with console_client(**env) as client:
        assert client.get("/overview", headers={"Host": host, **AUTH}).status_code == status


def test_a_job_named_like_an_action_is_just_a_page_and_vanished_things_are_not_errors(client, redis_conn):
    job = get_queue("health").enqueue_call("ielts_rq.jobs.health.health_check", job_id="delete-me-later",
                                           description="health_check")
    assert client.get(f"/rq/0/view/job/{job.id}", headers=AUTH).status_code == 200  # was 405
    xhr = {**AUTH, "X-Requested-With": "XMLHttpRequest"}
    assert client.get("/rq/0/view/job/no-such-job", headers=AUTH).status_code == 404  # was 500
    assert client.get("/rq/0/data/job/no-such-job.json", headers=AUTH).status_code == 404
    assert client.post("/rq/queue/analytics/compact", headers=xhr).get_json() == {"status": "OK"}  # empty: was 500


def test_queue_names_from_redis_reach_the_page_escaped(client, redis_conn):
    redis_conn.sadd("rq:queues", "rq:queue:<img src=x onerror=alert(1)>")  # any client of Redis can add one
    queues = client.get("/rq/0/data/queues.json", headers=AUTH).get_json()["queues"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in [q["name"] for q in queues]


@pytest.mark.slow
def test_overview_graphs_show_a_real_run_and_the_samples_expire(client, redis_conn):
    from ielts_rq.ops import timeseries

    for _ in range(4):
        enqueue("health_check")
    get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("boom",), description="fails_with")
    run_worker("health")
    assert cli("enqueue", "monitor-queue-depth").returncode == 0
    run_worker("health")
    series = timeseries.job_series(redis_conn, "hour")
    assert sum(series["finished"]["health"]) == 5 and sum(series["failed"]["health"]) == 1  # the depth job too
    assert any(wait is not None and wait >= 0 for wait in series["wait"]["health"])
    depth = timeseries.depth_series(redis_conn, "hour")
    assert depth["times"] and set(depth["queued"]) == set(QUEUES)
    for span in ("hour", "day", "week"):
        page = client.get(f"/overview?span={span}", headers=AUTH)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert text.count("<svg") == 5 and "Jobs finished per" in text and 'http-equiv="refresh"' in text
        assert 'data-series="health"' in text
    assert client.get("/overview?span=year", headers=AUTH).status_code == 400
    buckets = redis_conn.keys("ielts:metrics:minute:*") + redis_conn.keys("ielts:metrics:hour:*")
    assert buckets and all(0 < redis_conn.ttl(key) <= 8 * 86400 for key in buckets)  # bounded: every bucket expires


PAGES = ["/overview", "/overview?span=week", "/schedule", "/health", "/depth", "/batches", "/workers", "/failures",
         "/search?q=health_check", "/rq/", "/rq/workers"]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_every_page_runs_in_headless_chromium_without_a_console_error(redis_conn, tmp_path):
    # Given a real run to show: jobs finished and failed, a depth sample, a batch
    for _ in range(3):
        enqueue("health_check")
    get_queue("health").enqueue_call("tests.fixtures.fails_with", args=(HOSTILE,), description="fails_with")
    enqueue("monitor_queue_depth")
    run_worker("health")
    enqueue("score_batch", ["sub_gone"])
    run_worker("scoring")
    with _running_dashboard() as base:
        for path in PAGES:
            # When a browser opens each page, Then it logs no error: no CSP violation, no failed script
            opened = _chromium("--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom",
                               base + path)
            console = [line for line in opened.stderr.splitlines() if ":CONSOLE" in line]
            assert opened.returncode == 0 and not console, (path, console)
            assert "</html>" in opened.stdout and "Internal Server Error" not in opened.stdout, path
            # A template that reaches for a dict's "items" or "keys" prints a Python method, not the figure.
            assert not re.search(r"built-in method|bound method|<function |object at 0x", opened.stdout), path
            if path.startswith("/overview"):
                assert opened.stdout.count("<svg") == 5 and 'data-series="health"' in opened.stdout
            if path.startswith("/search"):
                assert "health_check" in opened.stdout and "job(s) for" in opened.stdout
