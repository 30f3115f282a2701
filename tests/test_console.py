"""The operator's console: find a job, failures grouped and requeued from the page, stop and cancel."""

import contextlib
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

import pytest

from ielts_rq import enqueue, store
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import ROOT, cli, enqueue_past_the_door, run_worker, wait_for
from .essays import HALF_ESSAY, PROMPT


def _found(query) -> set[str]:
    result = cli("job", "find", query, "--json")
    assert result.returncode == 0, result.stderr
    return {row["id"] for row in json.loads(result.stdout)}


@pytest.mark.slow
def test_a_job_is_found_by_id_name_submission_learner_or_error(redis_conn, client):
    submission_id = store.create_submission("learner-find", "writing_task_2", HALF_ESSAY, PROMPT)
    scored = enqueue("score_submission", submission_id)
    other = enqueue("health_check")
    broken = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("the printer is on fire",),
                                              description="fails_with")
    run_worker("scoring", "health")
    assert _found(scored.id) == {scored.id}
    assert _found("score_submission") == {scored.id}
    assert _found(submission_id) == {scored.id}
    assert _found("learner-find") == {scored.id}  # through the learner's submissions
    assert _found("printer is on fire") == {broken.id}
    assert other.id in _found("health_check") and scored.id not in _found("health_check")
    assert "no job matches" in cli("job", "find", "nothing-like-this").stdout
    page = client.get("/search?q=printer+is+on+fire").get_data(as_text=True)
    assert broken.id in page and "1 job(s)" in page


@pytest.mark.slow
def test_failures_are_grouped_and_a_group_is_requeued_from_the_page(redis_conn, client):
    for _ in range(3):
        get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("disk full",), description="fails_with")
    missing = [enqueue_past_the_door("score_submission", f"sub_gone_{n}") for n in range(2)]
    run_worker("scoring", "health")
    page = client.get("/failures").get_data(as_text=True)
    assert "Requeue 3" in page and "Requeue 2" in page
    form = _group_form(page, "Requeue 2")
    assert client.post("/failures/requeue", data=form).status_code == 403  # no Origin: not from this page
    assert client.post("/failures/requeue", data=form, headers={"Origin": "https://evil.example"}).status_code == 403
    done = client.post("/failures/requeue", data=form, headers={"Origin": "http://localhost"})
    assert done.status_code == 303 and "requeued=2" in done.headers["Location"]
    assert {JsonJob.fetch(j.id, connection=redis_conn).get_status() for j in missing} == {"queued"}
    assert get_queue("health").failed_job_registry.count == 3  # the other group untouched


def test_a_failure_group_action_refuses_a_form_it_did_not_make(redis_conn, client):
    for _ in range(2):
        get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("disk full",), description="fails_with")
    run_worker("health")
    form = _group_form(client.get("/failures").get_data(as_text=True), "Delete 2")
    same_origin = {"Origin": "http://localhost"}
    assert client.post("/failures/delete", data=form).status_code == 403  # not from this page
    for field, value in (("group", "nowhere-0123"), ("take", "many"), ("until", "soon"), ("count", "")):
        answer = client.post("/failures/delete", data={**form, field: value}, headers=same_origin)
        assert answer.status_code == 400 and field.encode() in answer.get_data(), (field, answer.status_code)
    assert client.post("/failures/purge", data=form, headers=same_origin).status_code == 404
    assert client.get("/failures/group?group=nowhere-0123").status_code == 404
    assert client.get(f"/failures/group?group={form['group']}&after=not-a-cursor").status_code == 200
    assert get_queue("health").failed_job_registry.count == 2  # nothing was deleted by any of these
    done = client.post("/failures/delete", data={**form, "take": "-1"}, headers=same_origin)
    assert done.status_code == 303 and "deleted=0" in done.headers["Location"]
    done = client.post("/failures/delete", data=form, headers=same_origin)
    assert done.status_code == 303 and "deleted=2" in done.headers["Location"]
    assert get_queue("health").failed_job_registry.count == 0


def _group_form(page: str, button: str) -> dict:
    """The fields of the form on ``page`` whose button reads ``button``, as a browser posts them."""
    form = next(form for form in re.findall(r"<form.*?</form>", page, re.S) if f">{button}</button>" in form)
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_running_job_is_stopped_and_a_waiting_one_cancelled(redis_conn, tmp_path):
    waiting = enqueue("health_check", delay=3600)
    with _worker_running_a_sleeper(redis_conn, tmp_path, 60) as (running, worker):
        refused = cli("job", "cancel", running.id)
        assert refused.returncode == 2 and "stop a running one" in refused.stderr
        assert cli("job", "stop", running.id).returncode == 0
        _wait_for_status(redis_conn, running.id, "stopped")
        assert worker.poll() is None  # the worker goes on
    assert cli("job", "cancel", waiting.id).returncode == 0
    assert JsonJob.fetch(waiting.id, connection=redis_conn).get_status() == "canceled"
    assert redis_conn.zscore("rq:scheduled:health", waiting.id) is None  # nothing left to run it later


@pytest.mark.timeout(120)
def test_a_job_is_stopped_or_cancelled_from_the_search_page(redis_conn, client, tmp_path):
    same_origin = {"Origin": "http://localhost"}
    waiting = enqueue("health_check", delay=3600)
    assert f"/jobs/{waiting.id}/cancel" in client.get(f"/search?q={waiting.id}").get_data(as_text=True)
    assert client.post(f"/jobs/{waiting.id}/cancel").status_code == 403  # a form on another site cannot
    done = client.post(f"/jobs/{waiting.id}/cancel", data={"q": waiting.id}, headers=same_origin)
    assert done.status_code == 303
    assert JsonJob.fetch(waiting.id, connection=redis_conn).get_status() == "canceled"
    assert "is cancelled; it will not run" in client.get(done.headers["Location"]).get_data(as_text=True)
    again = client.post(f"/jobs/{waiting.id}/stop", headers=same_origin)  # not running: nothing is done
    assert "changed meanwhile" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert client.post("/jobs/no-such-job/cancel", headers=same_origin).status_code == 404

    with _worker_running_a_sleeper(redis_conn, tmp_path, 60) as (running, _):
        assert f"/jobs/{running.id}/stop" in client.get(f"/search?q={running.id}").get_data(as_text=True)
        assert client.post(f"/jobs/{running.id}/stop", headers=same_origin).status_code == 303
        _wait_for_status(redis_conn, running.id, "stopped")


def test_rq_dashboard_pages_link_back_to_the_overview(client):
    page = client.get("/rq/").get_data(as_text=True)
    assert 'href="/overview">&larr; ielts-rq overview</a>' in page


@pytest.mark.slow
def test_console_manners_past_times_watch_and_json_logs(redis_conn, tmp_path):
    past = cli("enqueue", "health-check", "--at", "2020-01-01T00:00:00")
    assert past.returncode == 0 and "is in the past: the job runs now" in past.stderr
    # On a terminal, as an operator runs it: Ctrl-C once the first view is drawn (not while Python starts).
    # Its stderr goes to a file, never a pipe the test might not be reading; if it does not stop, SIGABRT
    # makes it print where it is (PYTHONFAULTHANDLER) for the failure message.
    terminal, screen = pty.openpty()
    with open(tmp_path / "stderr", "w+") as stderr:
        watch = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "status", "--watch"], cwd=ROOT,
                                 stdout=screen, stderr=stderr, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
        os.close(screen)
        try:
            assert _drain(terminal, until=lambda drawn: b"Queues" in drawn, within=60), "status --watch drew nothing"
            watch.send_signal(signal.SIGINT)
            stopped = _drain(terminal, until=lambda _: watch.poll() is not None, within=120)
            if not stopped:
                watch.send_signal(signal.SIGABRT)
                watch.wait(timeout=30)
        finally:
            os.close(terminal)
        err = (tmp_path / "stderr").read_text()
    assert stopped, f"status --watch did not stop on Ctrl-C within 2 minutes: {err[-4000:]}"
    assert watch.returncode == 0 and "Traceback" not in err and "Aborted" not in err, err
    logs = run_worker("health", env={"LOG_FORMAT": "json"}).stderr
    events = [json.loads(line) for line in logs.splitlines() if line.strip()]
    finished = [e for e in events if e.get("outcome") == "finished"]
    assert finished and finished[0]["job"] == "health_check" and finished[0]["queue"] == "health"
    assert finished[0]["duration"] >= 0 and finished[0]["job_id"]


@pytest.mark.slow
def test_a_paused_entry_skips_its_ticks_visibly_and_runs_again_when_resumed(redis_conn, client):
    from ielts_rq.queueing import schedule

    schedule.sync(redis_conn)
    entry = schedule.entry_named("health-check")
    origin = {"Origin": "http://localhost"}
    assert client.post("/schedule/health-check/pause").status_code == 403  # only from the page itself
    assert client.post("/schedule/health-check/pause", headers=origin).status_code == 303
    # Assertions name the job: another entry's tick (monitor-queue-depth, every minute) may come due meanwhile.
    def queued() -> list[str]:
        return [job_id.decode() for job_id in redis_conn.lrange("rq:queue:health", 0, -1)]

    redis_conn.zadd("rq:scheduler:scheduled_jobs", {entry.job_id: time.time() - 1})
    schedule.CronScheduler(connection=redis_conn).enqueue_jobs()
    assert entry.job_id not in queued()
    assert schedule.last_runs(redis_conn, "health-check", 1)[0]["skipped"] == "paused by an operator"
    assert "paused" in cli("schedule", "list").stdout
    assert cli("schedule", "resume", "health-check").returncode == 0
    redis_conn.zadd("rq:scheduler:scheduled_jobs", {entry.job_id: time.time() - 1})
    schedule.CronScheduler(connection=redis_conn).enqueue_jobs()
    assert queued().count(entry.job_id) == 1
    history = cli("schedule", "history", "health-check").stdout
    assert "enqueued" in history and "skipped: paused by an operator" in history
    before = queued()
    ran = client.post("/schedule/monitor-queue-depth/run", headers=origin)
    assert ran.status_code == 303
    [added] = [job_id for job_id in queued() if job_id not in before]
    assert JsonJob.fetch(added, connection=redis_conn).func_name.endswith("monitor_queue_depth")
    page = client.get("/schedule").get_data(as_text=True)
    assert "Run now" in page and "skipped (paused by an operator)" in page


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_the_workers_page_shows_what_runs_for_how_long_and_the_redis_panel(redis_conn, client, tmp_path):
    for _ in range(5):
        enqueue("health_check")
    get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("boom",), description="fails_with")
    run_worker("health")
    with _worker_running_a_sleeper(redis_conn, tmp_path, 6) as (long, _):
        from ielts_rq.ops import inspection

        def running():
            return [w for w in inspection.workers(redis_conn) if w["current_job"] == long.id and w["running_seconds"] >= 1]

        assert wait_for(running, 30)
        assert running()[0]["memory_mb"] > 10
        names = {row["job"]: row for row in inspection.job_names(redis_conn)}
        assert names["health_check"]["finished"] == 5 and names["health_check"]["p95_seconds"] is not None
        assert names["fails_with"]["failure_rate"] == 1.0
        page = client.get("/workers").get_data(as_text=True)
        assert long.id in page and "sleep_then_write" in page
        assert "append-only file on" in page and "rq:job" in page


@contextlib.contextmanager
def _worker_running_a_sleeper(redis_conn, tmp_path, seconds: int):
    """A real worker on the analytics queue, inside a job that sleeps ``seconds``; yields the job and worker."""
    job = get_queue("analytics").enqueue_call("tests.fixtures.sleep_then_write", args=(seconds, str(tmp_path / "x")),
                                              description="sleep_then_write", timeout=seconds + 60)
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "analytics"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    try:
        _wait_for_status(redis_conn, job.id, "started", within=30)
        yield job, worker
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


def _drain(terminal: int, until, within: float) -> bool:
    """Read a terminal's output (so its writer never blocks) until ``until(all read so far)`` holds."""
    drawn, deadline = b"", time.monotonic() + within
    while time.monotonic() < deadline:
        if until(drawn):
            return True
        if select.select([terminal], [], [], 0.2)[0]:
            try:
                drawn += os.read(terminal, 65536)
            except OSError:  # the writer closed the terminal: nothing more to read, but it may still be exiting
                time.sleep(0.2)
    return until(drawn)


def _wait_for_status(redis_conn, job_id: str, status: str, within: float = 15) -> None:
    deadline = time.monotonic() + within
    while JsonJob.fetch(job_id, connection=redis_conn).get_status() != status:
        assert time.monotonic() < deadline, f"job {job_id} never became {status}"
        time.sleep(0.2)


@pytest.mark.slow
def test_the_batches_page_names_the_items_that_failed(redis_conn, client):
    good = store.create_submission("learner-b", "writing_task_2", "Cities offer more jobs than villages. " * 12,
                                   "Is city life better?")
    batch_id = enqueue("score_batch", [good, "sub_gone1", "sub_gone2"]).id
    run_worker("scoring")
    page = client.get("/batches").get_data(as_text=True)
    assert batch_id in page and "3 / 3" in page
    assert "<code>sub_gone1</code> submission sub_gone1 not found" in page
    assert "<code>sub_gone2</code> submission sub_gone2 not found" in page
    assert good not in page  # scored: not among the failures
