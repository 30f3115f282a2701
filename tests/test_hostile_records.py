"""A job hash written by something else than ielts-rq (an attacker, a bug) fails alone.

Each field RQ reads from a job's hash is spoiled in turn: the worker refuses that job without running it
(nothing it names is imported), puts it in the failed registry with the reason, and goes on to the next
job; every triage command and page shows the record and can delete it.
"""

import json
import os
import zlib

import pytest

from ielts_rq import enqueue
from ielts_rq.queueing import keys
from ielts_rq.queueing.arguments import JobArgumentsError, check_arguments
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import cli, cli_many, run_worker

# A kilobyte of zlib that inflates to 64 MB: RQ inflated it whole in the worker, outside any memory cap.
BOMB = zlib.compress(b"[" + b" " * (64 * 1024 * 1024) + b"]", 9)
DELETE = object()  # the field is removed from the hash

# field -> (stored value, words the refusal must contain)
POISONS = {
    "created_at": (b"garbage", "created_at: 'garbage' is not a time"),
    "enqueued_at": (b"2026-13-45T99:00:00.000000Z", "enqueued_at:"),
    "started_at": (b"\xff\xfe", "started_at:"),
    "ended_at": (b"yesterday", "ended_at:"),
    "last_heartbeat": (b"now", "last_heartbeat:"),
    "timeout": (b"soon", "timeout: 'soon' is not a timeout"),
    "timeout-huge": (b"99999999999999", "timeout:"),
    "retries_left": (b"many", "retries_left: 'many' is not a whole number"),
    "retries_left-negative": (b"-3", "retries_left:"),
    "retry_intervals": (b"[10, 'x'", "retry_intervals:"),
    "retry_intervals-huge": (b"[1e300]", "retry_intervals:"),
    "result_ttl": (b"forever", "result_ttl:"),
    "failure_ttl": (b"1e9", "failure_ttl:"),
    "ttl": (b"99999999999999999999", "ttl:"),
    "status": (b"exploded", "status: 'exploded' is not a job status"),
    "origin": (b"nowhere", "origin: 'nowhere' is not one of the queues"),
    "origin-another-queue": (b"scoring", "origin: 'scoring' is not the queue it was taken from (health)"),
    "origin-missing": (DELETE, "origin: '' is not the queue it was taken from"),
    "meta": (b"[1, 2]", "meta: '[1, 2]' is not a JSON object"),
    "meta-not-json": (b"{\"a\":", "meta:"),
    "data-not-a-call": (zlib.compress(b"{\"a\": 1}"), "data: not a call"),
    "data-bomb": (BOMB, "data: inflates to more than 16 MB: refused"),
    "data-missing": (DELETE, "data: missing"),
    "data-uncompressed-huge": (json.dumps(["ielts_rq.jobs.health.health_check", None, ["x" * (17 * 1024 * 1024)], {}]
                                          ).encode(), "data: more than 16 MB: refused"),
    "description": (b"\xff\xfe\xfd", "description:"),
    "worker_name": (b"\xc3", "worker_name:"),
    "dependency_ids": (b"[\"../../etc\"]", "dependency_ids:"),
    "enqueue_at_front": (b"yes", "enqueue_at_front:"),
    "success_callback_timeout": (b"later", "success_callback_timeout:"),
    "exc_info": (zlib.compress(b"x" * (8 * 1024 * 1024)), "exc_info: inflates to more than 1 MB"),
    "webhooks": (json.dumps([{"url": "http://127.0.0.1:9/", "job_status": "finished"}]).encode(),
                 "webhooks:"),
    "rate_limit_key": (b"ielts:submission:any", "rate_limit_key:"),
    "group_id": (b"no-such-group", "group_id:"),
}


def _spoil(connection, job, field: str, value) -> None:
    field = field.split("-")[0]
    if value is DELETE:
        connection.hdel(job.key, field)
    else:
        connection.hset(job.key, field, value)


def _failed_rows() -> dict[str, dict]:
    shown = cli("failed", "list", "--json")
    assert shown.returncode == 0, shown.stderr
    return {row["id"]: row for row in json.loads(shown.stdout)}


def _queue_is_empty(connection, queue: str = "health") -> bool:
    key = get_queue(queue).key
    return connection.llen(key) == 0 and connection.llen(f"{key}:intermediate") == 0


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(POISONS))
def test_a_spoiled_field_fails_its_job_alone_and_the_worker_goes_on(redis_conn, variant):
    value, reason = POISONS[variant]
    poison = enqueue("health_check")
    _spoil(redis_conn, poison, variant, value)
    after = enqueue("health_check")
    run_worker("health")  # exit status 0, asserted: and only once the queue is empty
    assert _queue_is_empty(redis_conn)
    assert JsonJob.fetch(after.id, connection=redis_conn).get_status() == "finished"
    row = _failed_rows()[poison.id]
    assert "MalformedJob: refused without running it" in row["error"] and reason in row["error"], row


@pytest.mark.parametrize("variant", ["created_at", "data-bomb", "retry_intervals-huge", "origin-another-queue"])
def test_an_in_process_worker_refuses_a_spoiled_job_too(redis_conn, variant):
    value, reason = POISONS[variant]
    poison = enqueue("health_check")
    _spoil(redis_conn, poison, variant, value)
    after = enqueue("health_check")
    run_worker("health", mode="simple")
    assert _queue_is_empty(redis_conn)
    assert JsonJob.fetch(after.id, connection=redis_conn).get_status() == "finished"
    assert reason in _failed_rows()[poison.id]["error"]


BAD_IDS = {"newline": "abc\ndef", "control": "abc\x1b[2Jdef", "space": "abc def", "colon": "abc:def",
           "too-long": "a" * 129}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BAD_IDS))
def test_a_job_id_rq_refuses_fails_alone_and_can_be_deleted(redis_conn, name):
    bad_id = BAD_IDS[name]
    template = enqueue("health_check")
    redis_conn.delete(get_queue("health").key)
    redis_conn.hset(f"rq:job:{bad_id}", mapping=redis_conn.hgetall(template.key))
    if name == "colon":  # RQ would read "abc:def" as job "abc": a finished job run again
        redis_conn.hset("rq:job:abc", mapping={**redis_conn.hgetall(template.key), b"status": b"finished"})
    redis_conn.rpush(get_queue("health").key, bad_id, template.id)
    run_worker("health")
    assert _queue_is_empty(redis_conn)
    assert JsonJob.fetch(template.id, connection=redis_conn).get_status() == "finished"
    assert "is not a job id" in _failed_rows()[bad_id]["error"]
    if name == "colon":
        assert redis_conn.hget("rq:job:abc", "status") == b"finished" and not redis_conn.exists("rq:results:abc")
    shown = cli("failed", "list", env={"COLUMNS": "400"})
    assert shown.returncode == 0 and repr(bad_id)[:30] in shown.stdout  # escaped: one line, no terminal codes
    assert "\x1b" not in shown.stdout
    deleted = cli("failed", "delete", bad_id)
    assert deleted.returncode == 0 and "deleted 1 failed job(s)" in deleted.stdout, deleted.stderr
    assert bad_id not in _failed_rows() and not redis_conn.exists(f"rq:job:{bad_id}")


@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_a_queue_entry_that_is_not_text_is_dropped_and_the_worker_goes_on(redis_conn, mode):
    after = enqueue("health_check")
    redis_conn.delete(get_queue("health").key)
    redis_conn.hset(b"rq:job:\xff\xfe", mapping=redis_conn.hgetall(after.key))  # a record under it changes nothing
    redis_conn.rpush(get_queue("health").key, b"\xff\xfe", after.id)
    worker = run_worker("health", mode=mode)
    assert _queue_is_empty(redis_conn)
    assert JsonJob.fetch(after.id, connection=redis_conn).get_status() == "finished"
    assert worker.stderr.count("not a job id (not UTF-8)") == 1, worker.stderr
    assert cli("failed", "list").returncode == 0


@pytest.mark.slow
def test_a_key_that_is_not_a_hash_fails_alone(redis_conn):
    poison = enqueue("health_check")
    redis_conn.delete(poison.key)
    redis_conn.set(poison.key, "not a hash")
    after = enqueue("health_check")
    run_worker("health")
    assert _queue_is_empty(redis_conn)
    assert JsonJob.fetch(after.id, connection=redis_conn).get_status() == "finished"
    assert "is not a hash" in _failed_rows()[poison.id]["error"]
    assert "status         unreadable" in cli("job", "show", poison.id).stdout
    assert cli("failed", "delete", "--queue", "health", "--all").stdout.strip() == "deleted 1 failed job(s)"
    assert not redis_conn.exists(poison.key)


IMPORTED = "import pathlib; pathlib.Path({path!r}).write_text('imported')\ndef run(*args):\n    return 'ran'\n"


@pytest.mark.parametrize("field", ["success_callback_name", "failure_callback_name", "stopped_callback_name"])
def test_a_callback_outside_the_registered_jobs_is_refused_before_any_import(redis_conn, tmp_path, field):
    marker = tmp_path / "imported"
    (tmp_path / "callback_module.py").write_text(IMPORTED.format(path=str(marker)))
    env = {"PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ['PYTHONPATH']}"}
    printed = enqueue("health_check")
    redis_conn.hset(printed.key, field, "builtins.print")
    imported = enqueue("health_check")
    redis_conn.hset(imported.key, field, "callback_module.run")
    flies = enqueue("health_check")
    redis_conn.hset(flies.key, field, "antigravity.fly")
    a_job = enqueue("health_check")  # a registered job is no callback either: it would be called as one
    redis_conn.hset(a_job.key, field, "tests.fixtures.writes_marks")
    after = enqueue("health_check")
    worker = run_worker("health", env=env)
    assert "JsonJob" not in worker.stdout + worker.stderr  # print(job, connection, result) never ran
    assert not marker.exists()
    assert "antigravity" not in worker.stderr.replace("'antigravity.fly' is not a callback", "")
    rows = _failed_rows()
    for job, name in ((printed, "builtins.print"), (imported, "callback_module.run"), (flies, "antigravity.fly"),
                      (a_job, "tests.fixtures.writes_marks")):
        assert f"{field}: '{name}' is not a callback ielts-rq sets (only its own): refused without importing it" in (
            rows[job.id]["error"])
    assert JsonJob.fetch(after.id, connection=redis_conn).get_status() == "finished"


def test_a_callback_name_is_refused_by_the_job_itself_too(redis_conn):
    job = enqueue("health_check")
    job = JsonJob.fetch(job.id, connection=redis_conn)
    job._success_callback_name = "os.system"  # as if the hash changed after the record was checked
    with pytest.raises(Exception, match="is not a callback ielts-rq sets"):
        job.success_callback


@pytest.mark.parametrize("function, args, kwargs, message", [
    ("ielts_rq.jobs.health.send_alert_webhook", [], {},
     "send_alert_webhook: missing a required argument: 'alert'; it takes (alert)"),
    ("ielts_rq.jobs.health.health_check", [], {"surprise": 1},
     "health_check: got an unexpected keyword argument 'surprise'; it takes ()"),
    ("tests.fixtures.fails_with", ["one", "two"], {}, "fails_with: too many positional arguments; it takes (message)"),
])
def test_a_job_called_with_the_wrong_arguments_fails_at_once_naming_them(redis_conn, function, args, kwargs,
                                                                         message):
    job = get_queue("health").enqueue_call(function, args=args, kwargs=kwargs, description="wrong call",
                                           retry=None)
    redis_conn.hset(job.key, mapping={"retries_left": 3, "retry_intervals": "[0, 0, 0]"})  # would be retried
    run_worker("health")
    job = JsonJob.fetch(job.id, connection=redis_conn)
    assert job.get_status() == "failed" and job.retries_left == 0
    assert _failed_rows()[job.id]["error"] == f"ielts_rq.queueing.arguments.JobArgumentsError: {message}"


def test_the_argument_check_is_a_function_the_enqueue_door_can_use():
    def score(submission_id, *, force=False):
        return submission_id

    check_arguments(score, ["abc"], {"force": True})
    with pytest.raises(JobArgumentsError, match=r"score: missing a required argument: 'submission_id'"):
        check_arguments(score, [], {})
    with pytest.raises(JobArgumentsError, match="unexpected keyword argument 'user'"):
        check_arguments(score, ["abc"], {"user": "x"})


# Records spoiled after their jobs failed, as the reviewer found them: every triage tool must still work.
SPOILED_FAILURES = {
    "created_at": b"garbage", "timeout": b"soon", "retries_left": b"many", "status": b"exploded",
    "ended_at": b"\xff", "meta": b"\"text\"", "data": BOMB, "description": b"\xff",
    "origin": b"nowhere", "exc_info": b"\xff\xfe not zlib, not text",
}


@pytest.fixture
def spoiled_failures(redis_conn):
    jobs = {}
    for field in SPOILED_FAILURES:
        jobs[field] = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=(f"broke-{field}",),
                                                       description="fails_with")
    run_worker("health")
    for field, job in jobs.items():
        redis_conn.hset(job.key, field, SPOILED_FAILURES[field])
    not_a_hash = jobs["not-a-hash"] = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("x",))
    redis_conn.delete(not_a_hash.key)
    redis_conn.set(not_a_hash.key, "text")
    redis_conn.zadd(get_queue("health").failed_job_registry.key, {not_a_hash.id: 2 ** 40})
    bad_id = "bad\nid"
    redis_conn.hset(f"rq:job:{bad_id}", mapping=redis_conn.hgetall(jobs["timeout"].key))
    redis_conn.zadd(get_queue("health").failed_job_registry.key, {bad_id: 2 ** 40})
    jobs["bad-id"] = JsonJob.fetch_many([bad_id], connection=redis_conn, exact=True)[0]
    return jobs


@pytest.mark.slow
def test_the_triage_commands_show_and_delete_spoiled_failures(redis_conn, spoiled_failures):
    ids = {job.id for job in spoiled_failures.values()}
    rows = _failed_rows()
    assert ids <= set(rows)
    for field, job in spoiled_failures.items():
        assert "malformed record" in rows[job.id]["error"], (field, rows[job.id])
    # Every read first, side by side (each a real CLI process): the list, each record shown and found, a search.
    reads = [(field, ("job", command, job.id, "--json")) for field, job in spoiled_failures.items()
             for command in ("show", "find")]
    details = [(field, ("failed", "show", job.id, "--json")) for field, job in spoiled_failures.items()]
    listed, found, dry, *results = cli_many(("failed", "list"), ("job", "find", "broke-timeout", "--json"),
                                            ("requeue-failed", "--queue", "health", "--dry-run"),
                                            *[args for _, args in reads + details])
    assert listed.returncode == 0, listed.stderr
    for (field, args), shown in zip(reads, results[:len(reads)]):
        assert shown.returncode == 0, (field, args[1], shown.stderr)
    for (field, _), shown in zip(details, results[len(reads):]):
        assert json.loads(shown.stdout)["malformed"], field
    assert found.returncode == 0 and spoiled_failures["timeout"].id in {r["id"] for r in json.loads(found.stdout)}
    assert dry.returncode == 0, dry.stderr
    requeued = cli("requeue-failed", "--queue", "health", "--exception", "malformed record")
    assert requeued.returncode == 0 and "requeued 0 job(s)" in requeued.stdout, requeued.stderr
    one = spoiled_failures["created_at"].id
    assert cli("failed", "delete", one).stdout.strip() == "deleted 1 failed job(s)"
    everything = cli("failed", "delete", "--queue", "health", "--all")
    assert everything.stdout.strip() == f"deleted {len(ids) - 1} failed job(s)", everything.stderr
    assert _failed_rows() == {}
    assert not [job.id for job in spoiled_failures.values() if redis_conn.exists(job.key)]


def test_the_failures_search_and_workers_pages_show_spoiled_records(redis_conn, spoiled_failures, client):
    redis_conn.hset(keys.job_counts(), "health_check:finished", "many")  # the workers page reads these
    failures = client.get("/failures")
    assert failures.status_code == 200
    page = failures.get_data(as_text=True)
    assert "malformed record" in page
    for field, job in spoiled_failures.items():
        found = client.get("/search", query_string={"q": job.id})
        assert found.status_code == 200, field
        assert "malformed record" in found.get_data(as_text=True), field
    assert client.get("/search", query_string={"q": "broke"}).status_code == 200
    assert client.get("/workers").status_code == 200


def test_job_show_prints_one_line_per_field_whatever_a_record_holds(redis_conn):
    forged = "boom\nstatus         finished\x1b[2J\x1b[31m"
    job = get_queue("health").enqueue_call("tests.fixtures.fails_with", args=[forged], description="fails_with")
    redis_conn.hset(job.key, "description", "fails_with\nstatus         finished\x1b[2J")
    run_worker("health")
    shown = cli("job", "show", job.id)
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout
    assert [line for line in shown.stdout.splitlines() if line.startswith("status ")] == ["status         failed"]
