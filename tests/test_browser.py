"""The operator's console in a real browser: headless Chromium, driven by Playwright, clicks every button.

The dashboard runs as ``ielts-rq dashboard`` runs it (gunicorn, with
credentials, as the Procfile's web process), once addressed directly and once
behind a reverse proxy that terminates https on another loopback address, as
a platform's router does. Each click is checked in the page and in Redis.
"""

from __future__ import annotations

import base64
import contextlib
import os
import tempfile
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ielts_rq import enqueue
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import HOME, ROOT, free_port, run_worker, wait_for

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
USER, PASSWORD = "operator", "correct horse battery staple"
CREDENTIALS = {"DASHBOARD_USERNAME": USER, "DASHBOARD_PASSWORD": PASSWORD}
PROXY_ADDRESS = "127.0.0.2"  # the proxy's own address: not the 127.0.0.1 gunicorn trusts by default
# The screenshots in docs/screenshots/ come from this suite: IELTS_RQ_SCREENSHOTS=docs/screenshots renews them.
# By default they go to a temporary folder, so a test run leaves the working tree as it was.
SCREENSHOTS = Path(os.environ.get("IELTS_RQ_SCREENSHOTS") or Path(tempfile.gettempdir()) / "ielts-rq-screenshots")
PHONE = {"width": 390, "height": 844}
OWN_PAGES = ["/overview", "/schedule", "/health", "/depth", "/batches", "/failures", "/workers", "/search"]

pytestmark = [pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
              pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def running_dashboard(env: dict | None = None):
    """``ielts-rq dashboard`` with credentials, on a free port of 127.0.0.1; yields its URL."""
    port = free_port()
    log = open(HOME / f"dashboard-{port}.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "dashboard", "--port", str(port)], cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **CREDENTIALS, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: requests.get(f"{base}/healthz", timeout=1).ok, 60,
                        ignoring=(requests.ConnectionError,)), "the dashboard did not start"
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@contextlib.contextmanager
def https_proxy(upstream: str):
    """A TLS-terminating reverse proxy on PROXY_ADDRESS in front of ``upstream``; yields its https URL."""
    from .tls_proxy import HttpsFront

    front = HttpsFront(upstream, PROXY_ADDRESS)
    try:
        yield f"https://{PROXY_ADDRESS}:{front.port}"
    finally:
        front.close()


@contextlib.contextmanager
def console(browser, behind_proxy: bool, env: dict | None = None, viewport: dict | None = None):
    """A logged-in browser tab on the dashboard; yields (page, dialogs seen, the dashboard's base URL)."""
    proxy_env = {"FORWARDED_ALLOW_IPS": PROXY_ADDRESS} if behind_proxy else {}
    with running_dashboard({**proxy_env, **(env or {})}) as direct:
        with (https_proxy(direct) if behind_proxy else contextlib.nullcontext(direct)) as base:
            context = browser.new_context(http_credentials={"username": USER, "password": PASSWORD},
                                          ignore_https_errors=True, viewport=viewport or {"width": 1280, "height": 900})
            page = context.new_page()
            dialogs: list[str] = []

            def accept(dialog):  # an operator reads the question and says yes
                dialogs.append(dialog.message)
                dialog.accept()

            page.on("dialog", accept)
            try:
                yield page, dialogs, base
            finally:
                context.close()


@contextlib.contextmanager
def worker_running_a_sleeper(tmp_path, seconds: int = 120):
    """A real worker inside a job that sleeps; yields the job."""
    job = get_queue("analytics").enqueue_call("tests.fixtures.sleep_then_write", args=(seconds, str(tmp_path / "x")),
                                              description="sleep_then_write", timeout=seconds + 60)
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "analytics"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    try:
        assert wait_for(lambda: job.get_status(refresh=True) == "started", 60), "the sleeper never started"
        yield job
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


def status_of(redis_conn, job_id: str) -> str:
    return JsonJob.fetch(job_id, connection=redis_conn).get_status()


def click(page, button) -> int:
    """Click ``button`` as an operator does; the status of the page the click led to."""
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value.status


@pytest.mark.parametrize("behind_proxy", [False, True], ids=["direct", "behind-https-proxy"])
def test_an_operator_clicks_every_button_and_sees_it_done(redis_conn, browser, tmp_path, behind_proxy):
    # Given a failed job, a waiting one, a running one, and the cron table synced
    failing = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("SendGrid said 503",),
                                               description="fails_with")
    run_worker("health")
    assert status_of(redis_conn, failing.id) == "failed"
    waiting = enqueue("health_check", delay=3600)
    with console(browser, behind_proxy) as (page, dialogs, base):
        # Cancel a waiting job from the search page
        page.goto(f"{base}/search?q={waiting.id}")
        assert click(page, page.get_by_role("button", name="Cancel")) == 200
        assert status_of(redis_conn, waiting.id) == "canceled"
        assert "is cancelled" in page.inner_text("main")

        # Stop a running one
        with worker_running_a_sleeper(tmp_path) as running:
            page.goto(f"{base}/search?q={running.id}")
            assert click(page, page.get_by_role("button", name="Stop")) == 200
            assert wait_for(lambda: status_of(redis_conn, running.id) == "stopped", 20)
            assert "Stop sent" in page.inner_text("main")

        # Requeue a failure group
        page.goto(f"{base}/failures")
        group = page.locator("tr", has_text="fails_with")
        assert click(page, group.get_by_role("button", name="Requeue 1")) == 200
        assert "1 job(s) requeued" in page.inner_text("main")
        assert failing.id.encode() in redis_conn.lrange("rq:queue:health", 0, -1)

        # Pause, then resume, a cron entry; run one now
        page.goto(f"{base}/schedule")
        row = page.locator("tr", has_text="cleanup-temp-files")
        assert click(page, row.get_by_role("button", name="Pause")) == 200
        assert redis_conn.sismember("ielts:schedule:paused", "cleanup-temp-files")
        row = page.locator("tr", has_text="cleanup-temp-files")
        assert row.get_by_text("paused", exact=True).is_visible()
        assert click(page, row.get_by_role("button", name="Resume")) == 200
        assert not redis_conn.sismember("ielts:schedule:paused", "cleanup-temp-files")
        row = page.locator("tr", has_text="health-check")
        before = redis_conn.llen("rq:queue:health")
        assert click(page, row.get_by_role("button", name="Run now")) == 200
        assert redis_conn.llen("rq:queue:health") == before + 1
        assert "health-check: enqueued job" in page.inner_text("main")

        # Each destructive click asked first, naming what it would do
        for asked in (f"Cancel job {waiting.id}", f"Stop job {running.id}", "Requeue 1 failed fails_with job(s)",
                      "Pause cleanup-temp-files?", "Run health-check now"):
            assert any(message.startswith(asked) for message in dialogs), (asked, dialogs)

        # rq-dashboard's own buttons: delete a job from its page, empty a queue (each behind a confirmation)
        page.goto(f"{base}/rq/0/view/job/{failing.id}")
        page.locator("#delete-job-btn").click()
        page.locator("#confirmation-modal-yes").click()
        page.wait_for_url(f"{base}/rq/", timeout=60_000)  # the job gone, its page moves on to the queues
        assert wait_for(lambda: not redis_conn.exists(f"rq:job:{failing.id}"), 30)
        page.goto(f"{base}/rq/0/view/jobs/health/queued/8/asc/1")
        page.locator("#empty-btn").click()
        page.locator("#confirmation-modal-yes").click()
        assert wait_for(lambda: redis_conn.llen("rq:queue:health") == 0, 30)
        page.goto(f"{base}/rq/0/view/jobs/analytics/failed/8/asc/1")  # the stopped job
        page.locator("#requeue-all-btn").click()
        page.locator("#confirmation-modal-yes").click()
        assert wait_for(lambda: redis_conn.lrange("rq:queue:analytics", 0, -1) == [running.id.encode()], 30)


def test_behind_a_proxy_not_trusted_a_click_is_refused_and_the_page_names_the_setting(redis_conn, browser):
    # Given the proxy's address is not in FORWARDED_ALLOW_IPS: its X-Forwarded-Proto is not believed
    with console(browser, behind_proxy=True, env={"FORWARDED_ALLOW_IPS": "127.0.0.1"}) as (page, _, base):
        page.goto(f"{base}/schedule")
        row = page.locator("tr", has_text="cleanup-temp-files")
        # When the operator clicks Pause, Then nothing is done, and the answer says what to set
        assert click(page, row.get_by_role("button", name="Pause")) == 403
        assert "FORWARDED_ALLOW_IPS" in page.content()
        assert not redis_conn.sismember("ielts:schedule:paused", "cleanup-temp-files")


def test_a_bad_forwarded_allow_ips_stops_the_dashboard_with_one_line(server):
    from .conftest import cli

    result = cli("dashboard", "--port", str(free_port()), env={**CREDENTIALS, "FORWARDED_ALLOW_IPS": "10.0.0.0/33"})
    assert result.returncode != 0 and "FORWARDED_ALLOW_IPS" in result.stderr and "10.0.0.0/33" in result.stderr


ATTACKER_ADDRESS = "127.0.0.3"  # another site, on this machine


@contextlib.contextmanager
def attacker_site(page_html: str, sandboxed: bool = False):
    """A page served from another origin (``sandboxed``: an opaque one, whose posts say Origin: null); yields its URL."""
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = page_html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            if sandboxed:
                self.send_header("Content-Security-Policy", "sandbox allow-forms allow-scripts")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    site = http.server.ThreadingHTTPServer((ATTACKER_ADDRESS, 0), Page)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{ATTACKER_ADDRESS}:{site.server_address[1]}/"
    finally:
        site.shutdown()
        site.server_close()


@pytest.mark.parametrize("how", ["form", "fetch", "sandboxed-form"])
def test_a_page_on_another_site_cannot_act_through_the_operators_browser(redis_conn, browser, how):
    # Given an operator logged in to the dashboard, with a job waiting
    waiting = enqueue("health_check", delay=3600)
    with console(browser, behind_proxy=False) as (page, _, base):
        page.goto(f"{base}/overview")
        # A browser sends the credentials it was given with any request to the dashboard, whichever page makes it.
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        page.context.set_extra_http_headers({"Authorization": f"Basic {token}"})
        target = f"{base}/jobs/{waiting.id}/cancel"
        form = f'<form id="f" method="post" action="{target}"><input name="q" value="x"></form>'
        submit = f'{form}<script>document.getElementById("f").submit()</script>'
        attack = {
            "form": submit,
            "fetch": f'<script>fetch("{target}", {{method: "POST", mode: "no-cors", credentials: "include"}})</script>',
            "sandboxed-form": submit,  # a sandboxed page posts with Origin: null
        }[how]
        # When the operator opens another site's page that posts to the dashboard
        with (attacker_site(attack, sandboxed=how == "sandboxed-form") as url,
              page.expect_response(target, timeout=90_000) as answer):
            page.goto(url)
        # Then the dashboard refuses it, and the job still waits
        assert answer.value.status == 403
        assert status_of(redis_conn, waiting.id) == "scheduled"


def contrast(foreground: str, background: str) -> float:
    """WCAG's contrast ratio of a CSS ``rgb(...)``/``rgba(...)`` colour drawn over an opaque one."""
    def channels(colour: str) -> list[float]:
        return [float(part) for part in colour[colour.index("(") + 1:colour.index(")")].split(",")]

    def luminance(rgb: list[float]) -> float:
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    under, over = channels(background)[:3], channels(foreground)
    alpha = over[3] if len(over) > 3 else 1.0
    shown = [alpha * o + (1 - alpha) * u for o, u in zip(over[:3], under)]
    light, dark = sorted((luminance(shown), luminance(under)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# What the browser shows under each nav link: its colour and the first opaque background behind it.
NAV_LINK_COLOURS = """() => [...document.querySelectorAll("nav a")].map(link => {
    const box = link.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const hit = document.elementFromPoint(x, y);
    const shown = x >= 0 && x <= window.innerWidth && y >= 0 && y <= window.innerHeight && link.contains(hit);
    let under = link, background = "rgb(255, 255, 255)";
    for (; under; under = under.parentElement) {
        const colour = getComputedStyle(under).backgroundColor;
        if (colour.startsWith("rgb(") || (colour.startsWith("rgba(") && !colour.endsWith(", 0)"))) {
            const box2 = under.getBoundingClientRect();  // the element's painted area must hold the link
            if (box2.left <= box.left && box2.right >= box.right && box2.top <= box.top && box2.bottom >= box.bottom) {
                background = colour; break;
            }
        }
    }
    return {text: link.textContent.trim(), shown, colour: getComputedStyle(link).color, background};
})"""


def test_every_page_is_usable_on_a_phone(redis_conn, browser, tmp_path):
    # Given a real run to show: a failure with a long error, a waiting job, a batch, a depth sample
    failed = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("SendGrid answered 503 " * 12,),
                                              description="fails_with")
    enqueue("monitor_queue_depth")
    run_worker("health")
    waiting = enqueue("health_check", delay=3600)
    enqueue("score_batch", ["sub_gone"])
    run_worker("scoring")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with console(browser, behind_proxy=False, viewport=PHONE) as (page, _, base):
        for path in [*OWN_PAGES, f"/jobs/{failed.id}"]:
            page.goto(base + (f"{path}?q={waiting.id}" if path == "/search" else path))
            # Then nothing is wider than the phone: no sideways scrolling of the whole page
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (path, width)
            # and every nav link is on screen, legible against what is behind it
            for link in page.evaluate(NAV_LINK_COLOURS):
                assert link["shown"], (path, link)
                assert contrast(link["colour"], link["background"]) >= 3, (path, link)
            # and every button can be reached and pressed
            for button in page.get_by_role("button").all():
                box = button.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (path, button.inner_text())
            name = "job" if path.startswith("/jobs/") else path.strip("/")
            page.screenshot(path=SCREENSHOTS / f"{name}-390px.png", full_page=True)


def tick_now(redis_conn, name: str) -> None:
    """Make an entry's next tick due and let the cron scheduler take it, as its loop does each cycle."""
    from ielts_rq.queueing import schedule

    redis_conn.zadd("rq:scheduler:scheduled_jobs", {schedule.entry_named(name).job_id: time.time() - 1})
    schedule.CronScheduler(connection=redis_conn).enqueue_jobs()


def test_the_schedule_page_tells_each_run_its_outcome_and_run_now_runs_once(redis_conn, browser):
    from ielts_rq.queueing import schedule

    schedule.sync(redis_conn)
    entry = schedule.entry_named("health-check")
    # Given a tick that ran and finished
    tick_now(redis_conn, "health-check")
    run_worker("health")
    assert status_of(redis_conn, entry.job_id) == "finished"
    with console(browser, behind_proxy=False) as (page, dialogs, base):
        page.goto(f"{base}/schedule")
        row = lambda: page.locator("tr", has_text="health-check")  # noqa: E731  (the page is reloaded by clicks)

        def history() -> list[str]:  # opened as an operator opens it
            row().locator("summary").click()
            return row().locator("details li").all_inner_texts()

        # When the operator pauses the entry (and confirms), and its next tick comes
        assert click(page, row().get_by_role("button", name="Pause")) == 200
        assert dialogs[-1].startswith("Pause health-check?")
        tick_now(redis_conn, "health-check")
        page.reload()
        # Then its last outcome is the skipped tick, not the finished run before it
        cells = row().locator("td")
        assert cells.nth(6).inner_text() == "skipped (paused by an operator)"
        runs = history()
        assert "skipped (paused by an operator)" in runs[0]
        assert re.search(r"enqueued\s*,\s*finished in \d+\.\d s", runs[1]), runs

        # When it is resumed and runs again, the first run keeps its outcome
        assert click(page, row().get_by_role("button", name="Resume")) == 200
        tick_now(redis_conn, "health-check")
        run_worker("health")
        page.reload()
        runs = history()
        assert len(runs) == 3
        for newest_first in (0, 2):
            assert re.search(r"finished in \d+\.\d s", runs[newest_first]), runs

        # When Run now is clicked, confirmed, and clicked again a moment later (confirmed again): one job
        before = redis_conn.lrange("rq:queue:health", 0, -1)
        assert click(page, row().get_by_role("button", name="Run now")) == 200
        assert "health-check: enqueued job" in page.inner_text("main")
        assert click(page, row().get_by_role("button", name="Run now")) == 200
        assert "already enqueued moments ago" in page.inner_text("main")
        assert sum(message.startswith("Run health-check now") for message in dialogs) == 2
        added = [job_id for job_id in redis_conn.lrange("rq:queue:health", 0, -1) if job_id not in before]
        assert len(added) == 1
        run_worker("health")
        page.goto(f"{base}/schedule")
        runs = history()
        assert len(runs) == 4
        assert "run now" in runs[0] and added[0].decode() in runs[0] and re.search(r"finished in \d+\.\d s", runs[0])


def test_a_stopped_job_is_counted_in_metrics_and_graphs_and_pages_refresh_themselves(redis_conn, browser, tmp_path):
    from prometheus_client.parser import text_string_to_metric_families

    from ielts_rq.ops import timeseries

    with console(browser, behind_proxy=False) as (page, _, base):
        # Given a job stopped from the search page
        with worker_running_a_sleeper(tmp_path, 60) as running:
            page.goto(f"{base}/search?q={running.id}")
            assert click(page, page.get_by_role("button", name="Stop")) == 200
            assert wait_for(lambda: status_of(redis_conn, running.id) == "stopped", 20)
        # Then /metrics counts it, and the graph of failed and stopped jobs shows it
        def stopped_total() -> float:
            text = requests.get(f"{base}/metrics", auth=(USER, PASSWORD), timeout=10).text
            return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
                       if sample.name == "ielts_rq_jobs_total" and sample.labels == {"job": "sleep_then_write",
                                                                                     "outcome": "stopped"})
        assert wait_for(lambda: stopped_total() == 1, 10)
        assert sum(timeseries.job_series(redis_conn, "hour")["failed"]["analytics"]) == 1

        # And every page that shows state reloads itself, to itself without the message a click left
        for path in [*OWN_PAGES, f"/jobs/{running.id}"]:
            page.goto(base + (f"{path}?q={running.id}&stopped={running.id}" if path in ("/search", f"/jobs/{running.id}")
                              else path))
            refresh = page.locator('meta[http-equiv="refresh"]').get_attribute("content")
            seconds, _, target = refresh.partition(";url=")
            assert 15 <= int(seconds) <= 60, (path, refresh)
            assert target.startswith(path) and "stopped=" not in target, (path, refresh)
        # and the browser finds the dashboard's icon
        assert page.request.get(f"{base}/favicon.ico").status == 200
        assert page.request.get(base + page.locator('link[rel="icon"]').get_attribute("href")).status == 200


def test_an_operator_goes_from_a_failure_to_its_job_page_reads_the_traceback_and_requeues_it(
        redis_conn, browser, tmp_path):
    # Given a job that failed because a file was missing
    marker = tmp_path / "marker"
    failing = get_queue("health").enqueue_call("tests.fixtures.fails_until_file_exists", args=(str(marker),),
                                               description="fails_until_file_exists")
    run_worker("health")
    assert status_of(redis_conn, failing.id) == "failed"
    with console(browser, behind_proxy=False) as (page, dialogs, base):
        # When the operator opens the failures, and clicks the group's example job
        page.goto(f"{base}/failures")
        row = page.locator("tr", has_text="fails_until_file_exists")
        assert click(page, row.get_by_role("link", name="one of them")) == 200
        assert page.url == f"{base}/jobs/{failing.id}"
        # Then its page shows its traceback, and its state's actions only
        assert "RuntimeError: marker marker is missing" in page.locator("#traceback").inner_text()
        assert "Traceback (most recent call last)" in page.locator("#traceback").inner_text()
        assert page.get_by_role("button", name="Stop").count() == 0
        # When the cause is fixed and the operator clicks Requeue (and confirms)
        marker.touch()
        assert click(page, page.get_by_role("button", name="Requeue")) == 200
        assert dialogs[-1].startswith(f"Requeue job {failing.id} (fails_until_file_exists, failed)?")
        assert "Requeued: it waits on health" in page.inner_text("main")
        assert failing.id.encode() in redis_conn.lrange("rq:queue:health", 0, -1)
        # Then, once a worker has taken it, the page shows it ran
        run_worker("health")
        page.reload()
        assert page.locator("dl").get_by_text("finished", exact=True).is_visible()
        steps = page.locator("#timeline tbody tr td:nth-child(2)").all_inner_texts()
        assert steps[-4:] == ["failed", "requeue asked", "started", "finished"], steps
    # and its timeline expires with the job's record, not later
    job_ttl, timeline_ttl = redis_conn.ttl(f"rq:job:{failing.id}"), redis_conn.ttl(f"ielts:job:{failing.id}:timeline")
    assert job_ttl > 0 and abs(timeline_ttl - job_ttl) <= 2, (job_ttl, timeline_ttl)
