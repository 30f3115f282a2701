"""``python -m bench.console_scale``: the console's heavy pages with an incident's backlog behind them.

Seeds 100,000 failed jobs (a mail provider's outage during a fan-out) and
10,000 queued ones, written as RQ writes them (job hash, failed registry,
results stream, queue list) but in pipelines, starts the real dashboard and
prints how long /failures, a failure group's pages, /search and /overview take, and /healthz while five
heavy pages load at once.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

CHUNK = 10_000  # jobs written per server-side script call while seeding
ERRORS = ("SendGridUnavailable: 503 Service Unavailable from api.sendgrid.com",
          "SMTPServerDisconnected: Connection unexpectedly closed",
          "TimeoutError: scoring took longer than 300s")
FAILED_JOBS = (("email", "ielts_rq.jobs.email.send_scoring_complete"),
               ("email", "ielts_rq.jobs.email.send_weekly_report"),
               ("scoring", "ielts_rq.jobs.scoring.score_submission"))

# Copies one job record RQ wrote (KEYS[1]) to ARGV[2] new ids named ARGV[1] .. number, each with its own
# description; a failed one also gets its results stream (a copy of KEYS[2]) and its place in the failed
# registry (KEYS[3], scores from ARGV[4] up); a queued one its place at the end of the queue (KEYS[4]).
_COPY = """
local record = redis.call('HGETALL', KEYS[1])
local error = redis.call('XRANGE', KEYS[2], '-', '+')
local description = redis.call('HGET', KEYS[1], 'description')
for n = tonumber(ARGV[3]), tonumber(ARGV[3]) + tonumber(ARGV[2]) - 1 do
    local id = string.format('%s%07d', ARGV[1], n)
    redis.call('HSET', 'rq:job:' .. id, unpack(record))
    redis.call('HSET', 'rq:job:' .. id, 'description', (string.gsub(description, 'sub%-template', 'sub-' .. n)))
    if KEYS[3] ~= '' then
        redis.call('XADD', 'rq:results:' .. id, '*', unpack(error[1][2]))
        redis.call('ZADD', KEYS[3], tonumber(ARGV[4]) + n / 1000, id)
    else
        redis.call('RPUSH', KEYS[4], id)
    end
end
return 0
"""


def seed(connection, failed: int, queued: int, submissions: tuple = ()) -> None:
    """Write ``failed`` failed jobs (of three kinds, two queues) and ``queued`` queued scoring jobs, as RQ
    writes them; the newest failed jobs of each kind are about ``submissions``, a job per submission.

    One job of each kind is made through RQ's own classes (job hash, failed registry, results stream); the
    rest are server-side copies of its records with their own ids and descriptions, so the shape is RQ's
    and seeding a hundred thousand takes seconds.
    """
    from rq.results import Result

    from ielts_rq.queueing.queues import JsonJob, get_queue

    copy = connection.register_script(_COPY)
    expires = time.time() + 86400 * 7
    per_kind = -(-failed // len(FAILED_JOBS))
    for kind, (queue_name, func) in enumerate(FAILED_JOBS):
        registry = get_queue(queue_name, connection).failed_job_registry
        template = _failed_job(connection, JsonJob, Result, registry, func, "sub-template", ERRORS[kind])
        count = min(per_kind, failed - kind * per_kind)
        for start in range(0, count, CHUNK):
            copy(keys=[template.key, Result.get_key(template.id), registry.key, ""],
                 args=[f"failed-{kind}-", min(CHUNK, count - start), start, expires])
        for n, submission_id in enumerate(submissions):  # the newest: scored above every copy
            job = _failed_job(connection, JsonJob, Result, registry, func, submission_id, ERRORS[kind])
            connection.zadd(registry.key, {job.id: expires + count / 1000 + n + 1})
        registry.remove(template, delete_job=True)
    scoring = get_queue("scoring", connection)
    template = JsonJob.create("ielts_rq.jobs.scoring.score_submission", args=("sub-template",),
                              connection=connection, origin="scoring",
                              description="score_submission('sub-template')", status="queued")
    template.save()
    for start in range(0, queued, CHUNK):
        copy(keys=[template.key, "", "", scoring.key], args=["queued-", min(CHUNK, queued - start), start, 0])
    connection.sadd("rq:queues", scoring.key)
    template.delete()


def _failed_job(connection, JsonJob, Result, registry, func: str, argument: str, error: str):
    """A failed job as a worker leaves it: its record, a failure result and its place in the failed registry."""
    job = JsonJob.create(func, args=(argument,), connection=connection, origin=registry.name,
                         description=f"{func.rsplit('.', 1)[-1]}('{argument}')", status="failed")
    job.ended_at = job.started_at = job.enqueued_at = job.created_at
    with connection.pipeline() as pipe:
        job.save(pipeline=pipe)
        Result.create_failure(job, 86400, f"Traceback (most recent call last):\n  ...\n{error}", pipeline=pipe)
        registry.add(job, 86400 * 7, pipeline=pipe)
        pipe.execute()
    return job


def timed_get(session, url: str, **kwargs) -> tuple[float, int]:
    started = time.perf_counter()
    response = session.get(url, timeout=120, **kwargs)
    return time.perf_counter() - started, response.status_code


def health_under_load(base: str, heavy: list[str], probes: int = 10) -> list[float]:
    """/healthz timings while each of ``heavy`` is loaded at once (in threads), repeatedly."""
    import requests

    with ThreadPoolExecutor(len(heavy)) as pool:
        loads = [pool.submit(timed_get, requests.Session(), base + path) for path in heavy]
        timings = []
        session = requests.Session()
        while len(timings) < probes:
            timings.append(timed_get(session, base + "/healthz")[0])
            if all(load.done() for load in loads):
                loads = [pool.submit(timed_get, requests.Session(), base + path) for path in heavy]
        for load in loads:
            load.result()
    return timings


def _group_pages(session, base: str) -> list[str]:
    """The first page of each failure group, and the page after it of the first group."""
    import html
    import re

    text = session.get(base + "/failures", timeout=120).text
    paths = [html.unescape(path) for path in re.findall(r'href="(/failures/group\?group=[^"]+)"', text)]
    older = re.search(r'href="([^"]+)">Older</a>', session.get(base + paths[0], timeout=120).text) if paths else None
    return paths + ([html.unescape(older.group(1))] if older else [])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console_scale", description=__doc__)
    parser.add_argument("--failed", type=int, default=100_000)
    parser.add_argument("--queued", type=int, default=10_000)
    options = parser.parse_args(argv)
    os.environ["IELTS_RQ_HOME"] = tempfile.mkdtemp(prefix="irq-console-", dir="/tmp")
    os.environ.pop("REDIS_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, root)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))

    import requests

    from ielts_rq.queueing import embedded
    from ielts_rq.queueing.connection import get_connection
    from ielts_rq.settings import get_settings

    embedded.ensure_running(get_settings().home)
    dashboard = None
    try:
        started = time.perf_counter()
        from ielts_rq import store

        learner = [store.create_submission("learner-incident", "writing_task_2", f"Essay {n}.") for n in range(30)]
        seed(get_connection(), options.failed, options.queued, tuple(learner))
        print(f"seeded {options.failed} failed + {options.queued} queued jobs in {time.perf_counter() - started:.1f}s")
        port = 9300 + os.getpid() % 500
        dashboard = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "dashboard", "--port", str(port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if requests.get(base + "/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        session = requests.Session()
        for path in ("/failures", "/search?q=learner-incident", "/search?q=SendGridUnavailable", "/overview"):
            first = timed_get(session, base + path)[0]  # the first load after the dashboard started
            best = min(timed_get(session, base + path)[0] for _ in range(3))
            print(f"{path:36} {best * 1000:8.0f} ms (first load {first * 1000:.0f} ms)")
        for path in _group_pages(session, base):
            timed_get(session, base + path)  # warm
            best = min(timed_get(session, base + path)[0] for _ in range(3))
            print(f"{'a failure group page ' + path[-24:]:36} {best * 1000:8.0f} ms")
        heavy = ["/failures", "/failures", "/search?q=learner-incident", "/overview", "/failures"]
        timings = sorted(health_under_load(base, heavy, probes=20))
        print(f"{'/healthz under five heavy pages':36} {timings[len(timings) // 2] * 1000:8.0f} ms median, "
              f"{timings[-1] * 1000:.0f} ms worst")
    finally:
        if dashboard is not None:
            dashboard.terminate()
            dashboard.wait(timeout=20)
        embedded.stop(get_settings().home)
    return 0


if __name__ == "__main__":
    sys.exit(main())
