"""Failure groups and worker control, clicked in a real browser (headless Chromium, as tests/test_browser.py).

Each click is checked in the page and in Redis, and against real worker
processes: a paused queue's jobs wait while the worker goes on with its other
queue, a quieted worker finishes its job and exits. Every test runs once
against the dashboard directly and once behind a TLS-terminating proxy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ielts_rq.queueing.queues import get_queue

from .conftest import cli, run_worker, wait_for, worker_process
from . import test_browser
from .test_browser import CHROMIUM, OWN_PAGES, click, console, status_of

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
              pytest.mark.timeout(300)]
WHERE = pytest.mark.parametrize("behind_proxy", [False, True], ids=["direct", "behind-https-proxy"])


browser = test_browser.browser  # the same fixture: one system Chromium per module


def fail(queue: str, function: str, *args) -> str:
    """A job of ``function`` enqueued on ``queue``; its id (run a worker to make it fail)."""
    return get_queue(queue).enqueue_call(f"tests.fixtures.{function}", args=args, description=function).id


def failed_ids(redis_conn, queue: str) -> set[str]:
    return {job_id.decode() for job_id in redis_conn.zrange(f"rq:failed:{queue}", 0, -1)}


@WHERE
def test_deleting_a_group_removes_the_jobs_seen_and_nothing_else(redis_conn, browser, tmp_path, behind_proxy):
    # Given two groups of failures in one queue
    doomed = [fail("health", "fails_with", "SendGrid said 503") for _ in range(3)]
    kept = fail("health", "fails_until_file_exists", str(tmp_path / "never"))
    run_worker("health")
    assert failed_ids(redis_conn, "health") == {*doomed, kept}
    with console(browser, behind_proxy) as (page, dialogs, base):
        page.goto(f"{base}/failures")
        group = page.locator("tr", has_text="fails_with")
        assert "3" in group.locator("td").first.inner_text()
        # And a failure of the same kind arrives after the operator loaded the page
        late = fail("health", "fails_with", "SendGrid said 503")
        run_worker("health")
        # When the operator clicks Delete on that group and confirms
        assert click(page, group.get_by_role("button", name="Delete")) == 200
        assert dialogs[-1].startswith("Delete 3 failed fails_with job(s)"), dialogs
        # Then the jobs seen are gone, from the registry and their records; the other group and the late one stay
        assert "3 failed job(s) deleted" in page.inner_text("main")
        assert failed_ids(redis_conn, "health") == {kept, late}
        assert not any(redis_conn.exists(f"rq:job:{job_id}", f"rq:results:{job_id}") for job_id in doomed)
        assert page.locator("tr", has_text="fails_until_file_exists").count() == 1
        assert "1" in page.locator("tr", has_text="fails_with").locator("td").first.inner_text()


@WHERE
def test_a_group_page_lists_every_job_of_the_group_newest_first(redis_conn, browser, behind_proxy):
    # Given 60 failures of one kind (more than a page holds) and one of another
    ids = [fail("analytics", "fails_with", f"boom {n}") for n in range(60)]
    other = fail("analytics", "fails_until_file_exists", "/nonexistent")
    run_worker("analytics", mode="simple")
    with console(browser, behind_proxy) as (page, _, base):
        page.goto(f"{base}/failures")
        group = page.locator("tr", has_text="fails_with")
        # The group says when it was first and last seen, and draws its failures over time
        assert re.search(r"first \d{4}-\d\d-\d\dT[\d:]+", group.inner_text())
        assert re.search(r"last \d{4}-\d\d-\d\dT[\d:]+", group.inner_text())
        assert group.locator("svg").count() == 1
        # When the operator opens the group's page
        with page.expect_navigation():
            group.get_by_role("link", name=re.compile("all 60 jobs")).click()
        shown = []
        while True:
            links = page.locator("main table a[href*='/jobs/']")
            shown += [link.inner_text() for link in links.all()]
            for link in links.all():
                assert link.get_attribute("href").endswith("/jobs/" + link.inner_text())
            if page.get_by_role("link", name="Older").count() == 0:
                break
            with page.expect_navigation():
                page.get_by_role("link", name="Older").click()
        # Then every job of the group is listed once, newest first, and none of the other group
        assert sorted(shown) == sorted(ids) and len(shown) == len(set(shown))
        assert other not in shown
        ended = {job_id: redis_conn.hget(f"rq:job:{job_id}", "ended_at") for job_id in ids}
        assert [ended[job_id] for job_id in shown] == sorted(ended.values(), reverse=True)


@WHERE
def test_pausing_a_queue_by_click_holds_its_jobs_until_resumed(redis_conn, browser, tmp_path, behind_proxy):
    with console(browser, behind_proxy) as (page, dialogs, base), \
            worker_process(tmp_path, "analytics", "health", "--mode", "simple"):
        page.goto(f"{base}/workers")
        # When the operator pauses the analytics queue
        row = page.locator("tr", has_text="analytics")
        assert click(page, page.locator("#queues tr", has_text="analytics").get_by_role("button", name="Pause")) == 200
        assert dialogs[-1].startswith("Pause the analytics queue?"), dialogs
        assert redis_conn.exists("ielts:queue:analytics:paused")
        # Then a job put on it waits, while the worker takes a job of its other queue enqueued after it
        held = get_queue("analytics").enqueue_call("tests.fixtures.sleep_then_write", args=(0, str(tmp_path / "a")),
                                                   description="sleep_then_write")
        passed = get_queue("health").enqueue_call("tests.fixtures.sleep_then_write", args=(0, str(tmp_path / "h")),
                                                  description="sleep_then_write")
        assert wait_for(lambda: status_of(redis_conn, passed.id) == "finished", 60)
        assert status_of(redis_conn, held.id) == "queued"
        assert "analytics paused" in page.locator("#control-banner").inner_text()
        # When the operator resumes it, Then the job runs
        row = page.locator("#queues tr", has_text="analytics")
        assert click(page, row.get_by_role("button", name="Resume")) == 200
        assert wait_for(lambda: status_of(redis_conn, held.id) == "finished", 60)
        assert page.locator("#control-banner").count() == 0


@WHERE
def test_quieting_a_worker_by_click_lets_its_job_finish_then_it_exits(redis_conn, browser, tmp_path, behind_proxy):
    done = tmp_path / "done"
    long_job = get_queue("analytics").enqueue_call("tests.fixtures.sleep_then_write", args=(8, str(done)),
                                                   description="sleep_then_write", timeout=600)
    name = f"quiet-{'proxy' if behind_proxy else 'direct'}"
    with console(browser, behind_proxy) as (page, dialogs, base), \
            worker_process(tmp_path, "analytics", "--mode", "simple", "--name", name) as worker:
        assert wait_for(lambda: status_of(redis_conn, long_job.id) == "started", 60)
        next_job = get_queue("analytics").enqueue_call("tests.fixtures.sleep_then_write",
                                                       args=(0, str(tmp_path / "next")), description="sleep_then_write")
        page.goto(f"{base}/workers")
        # When the operator quiets the worker running the long job
        row = page.locator("#workers tr", has_text=name)
        assert click(page, row.get_by_role("button", name="Stop after its job")) == 200
        assert dialogs[-1].startswith(f"Stop worker {name}"), dialogs
        # Then every page, and `status`, say it is stopping while the job runs on
        assert f"worker {name} stopping" in page.locator("#control-banner").inner_text()
        assert status_of(redis_conn, long_job.id) == "started"
        assert f"worker {name} stopping" in cli("status").stdout
        # And the job finishes, the worker exits and takes no other job
        assert worker.wait(timeout=90) == 0
        assert done.read_text() == "done" and status_of(redis_conn, long_job.id) == "finished"
        assert status_of(redis_conn, next_job.id) == "queued"
        page.goto(f"{base}/workers")
        assert page.locator("#control-banner").count() == 0


@WHERE
def test_suspension_and_a_paused_queue_show_on_every_page(redis_conn, browser, behind_proxy):
    with console(browser, behind_proxy) as (page, dialogs, base):
        page.goto(f"{base}/workers")
        # When the operator suspends every worker and pauses scoring
        assert click(page, page.get_by_role("button", name="Suspend all workers")) == 200
        assert dialogs[-1].startswith("Suspend every worker?"), dialogs
        assert redis_conn.exists("rq:suspended")
        assert click(page, page.locator("#queues tr", has_text="scoring").get_by_role("button", name="Pause")) == 200
        # Then every page says so
        for path in OWN_PAGES:
            page.goto(base + path)
            banner = page.locator("#control-banner").inner_text()
            assert "workers suspended" in banner and "scoring paused" in banner, (path, banner)
        shown = cli("status").stdout
        assert "scoring (paused)" in shown and "SUSPENDED" in shown
        # When it is all resumed, Then no page says it any more
        page.goto(f"{base}/workers")
        assert click(page, page.get_by_role("button", name="Resume all workers")) == 200
        assert click(page, page.locator("#queues tr", has_text="scoring").get_by_role("button", name="Resume")) == 200
        assert not redis_conn.exists("rq:suspended") and not redis_conn.exists("ielts:queue:scoring:paused")
        for path in OWN_PAGES:
            page.goto(base + path)
            assert page.locator("#control-banner").count() == 0, path
